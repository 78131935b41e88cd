"""Log an inspection on one page: the inspection, its team, its findings (category, severity, the
person involved, photos or PDFs) and each finding's corrective actions, saved together by
``services.inspection_log``.

Without JavaScript the page works with plain submits: "add a finding" or "add an action" send the
page back with one more block (what was typed is kept; chosen files must be chosen again), and
"show the unit's staff" fills the pickers for the chosen unit. With htmx, choosing the unit
refreshes the staff pickers in place. Whatever the browser sends, the server accepts only staff of
the inspected unit's subtree and a team from outside it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.pages import PermissionPage
from inspections.casework import services
from inspections.casework.choices import InspectionStatus
from inspections.models import Inspection
from inspections.pages.forms import (
    ActionLogForm,
    FindingLogForm,
    InspectionLogForm,
    action_formset,
    finding_formset,
    raw_values,
)
from staff import access
from staff.choices import StaffStatus
from staff.models import Staff, in_subtree
from staff.pages.pickers import unit_choices

DEFAULT_FINDINGS = 2
DEFAULT_ACTIONS = 1


def next_code(day) -> str:
    prefix = f"KT-{day.year}-"
    taken = set(Inspection.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    number = len(taken) + 1
    while f"{prefix}{number:03d}" in taken:
        number += 1
    return f"{prefix}{number:03d}"


def _count(data, prefix: str, default: int) -> int:
    try:
        return max(0, min(int(data.get(f"{prefix}-TOTAL_FORMS", default)), 30))
    except (TypeError, ValueError):
        return default


class InspectionLogPage(PermissionPage, View):
    permissions = ("inspections.add_inspection",)
    template_name = "inspections/pages/inspection_log.html"

    # --- what the pickers offer ------------------------------------------------------------

    def chosen_unit(self, code: str | None):
        if not code:
            return None
        return access.visible_units(self.request.user).filter(code=code).first()

    def staff_of(self, unit):
        if unit is None:
            return Staff.objects.none()
        people = Staff.objects.filter(in_subtree(unit, "unit"), status=StaffStatus.ACTIVE)
        return (
            access.restrict(people, self.request.user)
            .select_related("unit")
            .order_by("unit__path", "name_key")
        )

    def chosen_body(self, code: str | None):
        """The inspecting body: the unit chosen, else (nothing sent) the unit of the last
        inspection's lead."""
        units = access.visible_units(self.request.user)
        if code is not None:
            return units.filter(code=code).first() if code else None
        last = (
            access.restrict(
                Inspection.objects.filter(lead_inspector__isnull=False), self.request.user
            )
            .order_by("-start_date", "-pk")
            .values_list("lead_inspector__unit", flat=True)
            .first()
        )
        return units.filter(pk=last).first() if last else None

    def inspectors(self, unit, body):
        """Who inspects: the active staff of the inspecting body, never anyone of the inspected
        unit."""
        if body is None:
            return Staff.objects.none()
        people = access.restrict(
            Staff.objects.filter(unit=body, status=StaffStatus.ACTIVE), self.request.user
        )
        if unit is not None:
            people = people.exclude(in_subtree(unit, "unit"))
        return people

    # --- building the page -------------------------------------------------------------------

    def forms(self, data=None, files=None, *, unit, body, grow: dict | None = None):
        """The inspection form and the formsets; unbound (``grow``) keeps typed values as
        initial."""
        today = timezone.localdate()
        units = unit_choices(self.request.user, active_only_on=today)
        staff = self.staff_of(unit)
        kwargs = {"units": units, "inspectors": self.inspectors(unit, body)}
        if data is not None and grow is None:
            main = InspectionLogForm(data, **kwargs)
            findings = finding_formset(data, files, count=0, staff=staff)
            actions = [action_formset(i, data, count=0) for i in range(len(findings.forms))]
            return main, findings, actions
        if data is not None:
            typed = raw_values(InspectionLogForm, data, "", **kwargs)
            if typed.get("body") is None:
                typed["body"] = body.code if body else ""
            main = InspectionLogForm(initial=typed, **kwargs)
            n = _count(data, "findings", DEFAULT_FINDINGS) + (1 if grow.get("finding") else 0)
            initial = [
                raw_values(FindingLogForm, data, f"findings-{i}", staff=staff) for i in range(n)
            ]
            findings = finding_formset(count=n, staff=staff, initial=initial)
            actions = []
            for i in range(n):
                prefix = f"findings-{i}-actions"
                m = (
                    _count(data, prefix, DEFAULT_ACTIONS)
                    if f"{prefix}-TOTAL_FORMS" in data
                    else DEFAULT_ACTIONS
                )
                m += 1 if grow.get("action") == i else 0
                actions.append(
                    action_formset(
                        i,
                        count=m,
                        initial=[
                            raw_values(ActionLogForm, data, f"{prefix}-{j}") for j in range(m)
                        ],
                    )
                )
            return main, findings, actions
        initial = {
            "code": next_code(today),
            "start_date": today,
            "status": InspectionStatus.IN_PROGRESS,
            "kind": "scheduled",
            "unit": unit.code if unit else "",
            "body": body.code if body else "",
        }
        main = InspectionLogForm(initial=initial, **kwargs)
        findings = finding_formset(count=DEFAULT_FINDINGS, staff=staff)
        actions = [action_formset(i, count=DEFAULT_ACTIONS) for i in range(DEFAULT_FINDINGS)]
        return main, findings, actions

    def render_page(self, main, findings, actions, *, unit, status=200):
        blocks = list(zip(findings.forms, actions, strict=True))
        context = {
            "form": main,
            "findings": findings,
            "blocks": blocks,
            "unit": unit,
            "has_errors": status == 400,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        unit = self.chosen_unit(request.GET.get("unit"))
        body = self.chosen_body(request.GET.get("body"))
        if request.htmx and request.GET.get("fragment") == "staff":
            # The finding pickers, the lead and the team for the unit and body now chosen (htmx).
            count = _count(request.GET, "findings", DEFAULT_FINDINGS)
            form = InspectionLogForm(
                initial={
                    "lead_inspector": request.GET.get("lead_inspector"),
                    "team": request.GET.getlist("team"),
                },
                units=[],
                inspectors=self.inspectors(unit, body),
            )
            context = {
                "staff": list(self.staff_of(unit)),
                "indexes": range(count),
                "unit": unit,
                "form": form,
            }
            return render(request, "inspections/pages/_staff_options.html", context)
        main, findings, actions = self.forms(unit=unit, body=body)
        return self.render_page(main, findings, actions, unit=unit)

    def post(self, request):
        data = request.POST
        unit = self.chosen_unit(data.get("unit"))
        body = self.chosen_body(data.get("body"))
        grow = None
        if "add_finding" in data:
            grow = {"finding": True}
        elif "add_action" in data:
            try:
                grow = {"action": int(data["add_action"])}
            except ValueError:
                grow = {}
        elif "pick_unit" in data:
            grow = {}
        if grow is not None:
            main, findings, actions = self.forms(data, unit=unit, body=body, grow=grow)
            return self.render_page(main, findings, actions, unit=unit)
        main, findings, actions = self.forms(data, request.FILES, unit=unit, body=body)
        valid = main.is_valid() & findings.is_valid() & all([a.is_valid() for a in actions])
        if valid and unit is None:
            main.add_error("unit", _("Choose the inspected unit."))
            valid = False
        if valid:
            items = []
            for form, action_set in zip(findings.forms, actions, strict=True):
                if not form.has_changed():
                    continue
                items.append(
                    {
                        **{
                            k: form.cleaned_data.get(k)
                            for k in ("category", "severity", "description", "staff", "found_on")
                        },
                        "uploads": form.uploads(),
                        "actions": [a.cleaned_data for a in action_set.forms if a.has_changed()],
                    }
                )
            try:
                inspection = services.inspection_log(
                    by=request.user,
                    unit=unit,
                    code=main.cleaned_data["code"],
                    kind=main.cleaned_data["kind"],
                    start_date=main.cleaned_data["start_date"],
                    end_date=main.cleaned_data.get("end_date"),
                    status=main.cleaned_data["status"],
                    scope=main.cleaned_data.get("scope", ""),
                    lead_inspector=main.cleaned_data.get("lead_inspector"),
                    team=main.cleaned_data.get("team") or [],
                    findings=items,
                )
            except ValidationError as exc:
                self.place_errors(exc, main, findings, actions)
            else:
                messages.success(
                    request,
                    _("Inspection %(code)s recorded with %(n)d findings.")
                    % {"code": inspection.code, "n": len(items)},
                )
                return redirect("app:inspection-detail", code=inspection.code)
        return self.render_page(main, findings, actions, unit=unit, status=400)

    @staticmethod
    def place_errors(exc: ValidationError, main, findings, actions) -> None:
        """The service's errors onto the form they belong to
        (``findings-<i>-actions-<j>-<field>``)."""
        changed = [i for i, f in enumerate(findings.forms) if f.has_changed()]
        for key, errors in exc.message_dict.items():
            parts = key.split("-")
            if parts[0] == "findings" and len(parts) >= 3 and parts[1].isdigit():
                index = changed[int(parts[1])] if int(parts[1]) < len(changed) else 0
                if len(parts) >= 5 and parts[2] == "actions":
                    form = [a for a in actions[index].forms if a.has_changed()][int(parts[3])]
                    field = "-".join(parts[4:])
                else:
                    form = findings.forms[index]
                    field = "-".join(parts[2:])
                form.add_error(field if field in form.fields else None, errors)
            else:
                main.add_error(key if key in main.fields else None, errors)
