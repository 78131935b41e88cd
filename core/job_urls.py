from django.urls import path

from core.job_views import job_page

app_name = "jobs"

urlpatterns = [path("<uuid:pk>/", job_page, name="detail")]
