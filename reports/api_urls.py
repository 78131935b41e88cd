"""Report API paths (not viewsets, so not on the router)."""

from django.urls import path

from reports.api import AccountabilityReportView

urlpatterns = [
    path(
        "reports/accountability/", AccountabilityReportView.as_view(), name="report-accountability"
    ),
]
