"""The inspections app's pages under /app/ (names in the ``app:`` namespace, see
workspace/urls.py)."""

from django.urls import path

from inspections.pages import actions, cases, evidence, feedback, inspections, log, proposals

urlpatterns = [
    path("inspections/", inspections.InspectionListPage.as_view(), name="inspection-list"),
    path("inspections/new/", log.InspectionLogPage.as_view(), name="inspection-new"),
    path(
        "inspections/<str:code>/",
        inspections.InspectionDetailPage.as_view(),
        name="inspection-detail",
    ),
    path("actions/", actions.ActionListPage.as_view(), name="action-list"),
    path("actions/<int:pk>/", actions.ActionDetailPage.as_view(), name="action-detail"),
    path("feedback/", feedback.FeedbackListPage.as_view(), name="feedback-list"),
    path("feedback/<int:pk>/", feedback.FeedbackDetailPage.as_view(), name="feedback-detail"),
    path(
        "findings/<int:pk>/propose-case/", proposals.ProposeCasePage.as_view(), name="case-propose"
    ),
    path("evidence/<int:pk>/", evidence.evidence_download, name="evidence-download"),
    path("cases/", cases.CaseListPage.as_view(), name="case-list"),
    path("cases/open/", cases.CaseOpenPage.as_view(), name="case-open"),
    path("cases/<int:pk>/", cases.CaseDetailPage.as_view(), name="case-detail"),
]
