"""The training app's pages under /app/ (names in the ``app:`` namespace, see workspace/urls.py)."""

from django.urls import path

from training.pages import compliance, courses, imports, people

urlpatterns = [
    path("courses/", courses.CourseListPage.as_view(), name="course-list"),
    path(
        "courses/import-attendance/",
        imports.AttendanceImportPage.as_view(),
        name="attendance-import",
    ),
    path("courses/<int:pk>/", courses.CourseDetailPage.as_view(), name="course-detail"),
    path(
        "courses/<int:pk>/attendance/", courses.AttendancePage.as_view(), name="course-attendance"
    ),
    path("compliance/", compliance.CompliancePage.as_view(), name="compliance"),
    path("people/<str:code>/", people.PersonPage.as_view(), name="staff-detail"),
]
