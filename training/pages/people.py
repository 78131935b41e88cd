"""A person's page: facts, sanctions in effect, training record with turns and hours by year."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View

from core.pages import PermissionPage
from staff import access
from staff.models import Staff
from training import rules
from training.models import Enrolment


class PersonPage(PermissionPage, View):
    permissions = ("staff.view_staff",)
    template_name = "training/pages/person.html"

    def get(self, request, code: str):
        rows = Staff.objects.select_related("unit")
        person = get_object_or_404(access.restrict(rows, request.user, access.VIEW), code=code)
        today = timezone.localdate()
        enrolments = access.restrict(
            Enrolment.objects.filter(staff=person).select_related("course__topic", "unit"),
            request.user,
            access.VIEW,
        ).order_by("-course__start_date", "-pk")
        turn = Q(status__in=sorted(rules.TURN_STATUSES))
        by_year = (
            enrolments.order_by()
            .annotate(year=ExtractYear("course__start_date"))
            .values("year")
            .annotate(
                turns=Count("pk", filter=turn),
                hours=Sum("course__hours", filter=turn),
                enrolled=Count("pk"),
            )
            .order_by("-year")
        )
        # Sanctions travel from the discipline app as decided cases on the person (no import of that
        # app).
        sanctions = []
        if request.user.has_perm("inspections.view_disciplinarycase"):
            sanctions = list(
                person.discipline_cases.filter(
                    status="decided", effect_ends_on__gte=today
                ).order_by("-decision_date")
            )
        context = {
            "person": person,
            "today": today,
            "enrolments": list(enrolments),
            "by_year": list(by_year),
            "sanctions": sanctions,
            "sanctioned": person.sanction_until and person.sanction_until >= today,
        }
        return render(request, self.template_name, context)
