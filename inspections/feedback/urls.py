"""Public feedback pages under /feedback/ (URL names ``form`` and ``status`` are used by
base.html)."""

from django.urls import path

from inspections.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.feedback_form, name="form"),
    path("sent/<str:token>/", views.feedback_sent, name="sent"),
    path("status/", views.feedback_status, name="status"),
]
