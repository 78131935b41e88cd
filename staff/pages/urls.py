"""The staff app's pages under /app/ (names in the ``app:`` namespace, see workspace/urls.py)."""

from django.urls import path

from staff.pages import views

urlpatterns = [
    path("staff/", views.StaffListPage.as_view(), name="staff-list"),
    path("staff/import/", views.RosterImportPage.as_view(), name="staff-import"),
]
