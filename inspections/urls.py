"""Public feedback pages (the feedback issue fills these in)."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "feedback"
urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="form"),
    path("status/", TemplateView.as_view(template_name="home.html"), name="status"),
]
