"""The reform app's pages under /app/reform/ (names in the ``app:`` namespace, see
workspace/urls.py)."""

from django.urls import path

from reform.pages import dossiers, imports, par, reports

urlpatterns = [
    path("reform/dossiers/", dossiers.DossierListPage.as_view(), name="dossier-list"),
    path("reform/dossiers/import/", imports.DossierImportPage.as_view(), name="dossier-import"),
    path("reform/dossiers/<int:pk>/", dossiers.DossierDetailPage.as_view(), name="dossier-detail"),
    path("reform/procedures/", dossiers.ProcedureListPage.as_view(), name="procedure-list"),
    path(
        "reform/procedures/import/",
        imports.ProcedureImportPage.as_view(),
        name="procedure-import",
    ),
    path(
        "reform/service-reports/",
        reports.ServiceReportListPage.as_view(),
        name="service-report-list",
    ),
    path(
        "reform/service-reports/new/",
        reports.ServiceReportFormPage.as_view(),
        name="service-report-new",
    ),
    path(
        "reform/service-reports/<int:pk>/",
        reports.ServiceReportDetailPage.as_view(),
        name="service-report-detail",
    ),
    path(
        "reform/service-reports/<int:pk>/edit/",
        reports.ServiceReportFormPage.as_view(),
        name="service-report-edit",
    ),
    path("reform/par/", par.ParResultListPage.as_view(), name="par-list"),
    path("reform/par/import/", imports.ParResultImportPage.as_view(), name="par-import"),
    path("reform/par/<int:pk>/", par.ParResultDetailPage.as_view(), name="par-detail"),
    path("reform/plan-items/", par.ItemListPage.as_view(), name="plan-item-list"),
    path("reform/plan-items/<int:pk>/", par.ItemPage.as_view(), name="plan-item-detail"),
]
