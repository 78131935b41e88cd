"""Forms of the reform pages. They validate input; the model's ``full_clean`` checks the rest, as
the API's serializers do."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.pages import DateInput
from reform.choices import PlanItemStatus
from reform.models import ImprovementItem, ServiceReport
from staff import access

FIGURES = (
    "carried_over",
    "received",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_in_time",
    "pending_overdue",
    "late_in_system_only",
    "apologies_issued",
)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "\u2003" * max(obj.depth - 1, 0) + obj.name


class ServiceReportForm(forms.ModelForm):
    """A unit's period totals, as filed: an empty figure stays empty (not reported), nothing is
    adjusted."""

    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=None,
        to_field_name="code",
        error_messages={"invalid_choice": access.OUTSIDE_SCOPE},
    )

    class Meta:
        model = ServiceReport
        fields = [
            "unit",
            "scope",
            "period_start",
            "period_end",
            *FIGURES,
            "late_reason",
            "source",
            "note",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        # "scope" alone is the inspections' word (scope of an inspection) in the merged catalogue.
        labels = {"scope": _("What the report counts")}
        help_texts = {
            "received": _("Dossiers received in the period."),
            "pending_in_time": _("Leave empty if the unit did not report it."),
            "pending_overdue": _("Leave empty if the unit did not report it."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = access.visible_units(user).order_by("path").only("code", "name", "depth", "path")
        self.fields["unit"].queryset = units
        for name in FIGURES:
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})


class ItemProgressForm(forms.ModelForm):
    """The status of one improvement plan item, the day it was done and what was done."""

    class Meta:
        model = ImprovementItem
        fields = ["status", "done_on", "progress_note"]
        widgets = {
            "done_on": DateInput(),
            "progress_note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"progress_note": _("What was done")}
        help_texts = {"done_on": _("Required when the item is done.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = PlanItemStatus.choices
