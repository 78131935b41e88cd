"""HTML report pages."""

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("accountability/", views.accountability, name="accountability"),
]
