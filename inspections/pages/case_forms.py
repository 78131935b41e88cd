"""Forms of the discipline-case pages: open a case from a finding, take one legal workflow step.

The step form is built for one target step: it holds only the fields that
step needs (a decision's form, number, date and signer only when deciding),
and the services (``case_open``, ``case_transition``) do the checking.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.pages import DateInput
from inspections.casework import rules
from inspections.casework.choices import (
    CaseStatus,
    DeferralReason,
    DisciplineFormCode,
    ExemptionReason,
    Severity,
)
from staff.pages.pickers import use_staff_picker

# Which fields each target step asks for.
STEP_FIELDS = {
    CaseStatus.DECIDED: (
        "decision_form",
        "decision_number",
        "decision_date",
        "decision_signer",
        "note",
    ),
    CaseStatus.POSTPONED: ("on", "deferral_reason", "note"),
    CaseStatus.EXEMPT: ("on", "exemption_reason", "note"),
    CaseStatus.CLOSED_NO_ACTION: ("on", "note"),
}
DEFAULT_FIELDS = ("on", "note")


def legal_steps(case) -> list[tuple[str, str]]:
    """The steps this case may take next, as (code, label in the reader's language)."""
    return [
        (code, CaseStatus(code).label)
        for code in rules.allowed_targets(case.status, case.postponed_from)
    ]


class CaseStepForm(forms.Form):
    """One workflow step to ``to`` (one of ``legal_steps(case)``)."""

    to = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Date of the step"), widget=DateInput())
    decision_form = forms.ChoiceField(label=_("Disciplinary form"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    decision_signer = forms.CharField(label=_("Signed by"), max_length=150, required=False)
    deferral_reason = forms.ChoiceField(
        label=_("Reason for deferral"), choices=DeferralReason.choices
    )
    exemption_reason = forms.ChoiceField(
        label=_("Reason for exemption"), choices=ExemptionReason.choices
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, case, to: str, decision_forms=(), **kwargs):
        initial = {
            "to": to,
            "on": timezone.localdate(),
            "decision_date": timezone.localdate(),
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.case, self.to = case, to
        keep = {"to", *STEP_FIELDS.get(to, DEFAULT_FIELDS)}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "decision_form" in self.fields:
            self.fields["decision_form"].choices = [("", "---------"), *decision_forms]
        if to == CaseStatus.CLOSED_NO_ACTION:
            self.fields["note"].required = True
            self.fields["note"].label = _("Why the case is closed without discipline")
        if to == CaseStatus.POSTPONED and case.regime_rule_id and case.regime_rule.deferral_reasons:
            allowed = set(case.regime_rule.deferral_reasons)
            self.fields["deferral_reason"].choices = [
                c for c in DeferralReason.choices if c[0] in allowed
            ]

    def clean_to(self):
        to = self.cleaned_data["to"]
        if to not in dict(legal_steps(self.case)):
            raise forms.ValidationError(
                _("This step is not possible from the case's current step.")
            )
        return to

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data.setdefault("note", "")
        return data


def decision_form_choices(forms_in_force) -> list[tuple[str, str]]:
    return [(row.form, DisciplineFormCode(row.form).label) for row in forms_in_force]


class CaseOpenForm(forms.Form):
    """Open a case about one person named by a finding (or chosen among the finding unit's
    staff)."""

    staff = forms.ModelChoiceField(label=_("Staff member"), queryset=None)
    violation_date = forms.DateField(label=_("Date of the violation"), widget=DateInput())
    discovered_on = forms.DateField(label=_("Discovered on"), widget=DateInput())
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    summary = forms.CharField(
        label=_("Summary of the violation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label=_("Note on opening"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        use_staff_picker(self.fields["staff"], staff_queryset)
