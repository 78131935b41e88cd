"""URL map: admin, API under /api/v1/, public feedback pages, reports, health."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.api import router
from core.api_auth import TokenView
from core.job_views import JobDownloadView, JobStatusView
from core.views import healthz, readyz

admin.site.site_header = "CongVu"
admin.site.site_title = "CongVu"

api_urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("jobs/<uuid:pk>/", JobStatusView.as_view(), name="job-api"),
    path("jobs/<uuid:pk>/download/", JobDownloadView.as_view(), name="job-download"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the CSP needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("reports.api_urls")),
    path("", include("inspections.api_urls")),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("app/", include("workspace.urls")),
    path("api/v1/", include(api_urlpatterns)),
    path("feedback/", include("inspections.feedback.urls")),
    path("reports/", include("reports.urls")),
    path("app/notifications/", include("notifications.urls")),
    path("app/jobs/", include("core.job_urls")),
]

# Uploaded files (evidence, feedback attachments) are never served from a public
# media URL, not even in DEBUG: only permission- and scope-checked views stream them.
