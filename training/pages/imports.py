"""The attendance sheet import (a spreadsheet from the organiser), with its preview, for one course
or many."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.import_pages import ImportPage
from staff import access
from training.models import Course, Enrolment


class AttendanceImportPage(ImportPage):
    title = gettext_lazy("Import an attendance sheet")
    intro = gettext_lazy(
        "One row per participant: the course code (unless a course is chosen), the staff "
        "code and the result."
    )
    kind = "attendance"

    def courses(self):
        return access.restrict(Course.objects.all(), self.request.user, access.VIEW)

    def course(self):
        code = self.request.GET.get("course", "")
        return self.courses().filter(code=code).first() if code else None

    def may_import(self) -> bool:
        user = self.request.user
        return access.has_permission(user, access.ADD, Enrolment) and access.has_permission(
            user, access.CHANGE, Enrolment
        )

    def get_importer(self):
        from training.importers import AttendanceImporter

        return AttendanceImporter(
            course=self.course(),
            units=access.visible_units(self.request.user),
            courses=self.courses(),
        )

    def extra_context(self) -> dict:
        return {"course": self.course()}

    def success_url(self) -> str:
        course = self.course()
        return (
            reverse("app:course-detail", args=[course.pk]) if course else reverse("app:course-list")
        )
