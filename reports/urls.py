"""HTML report pages (the reports issue fills these in)."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import TemplateView

app_name = "reports"
urlpatterns = [
    path("accountability/", login_required(TemplateView.as_view(template_name="home.html")), name="accountability"),
]
