"""Forms of the training pages; writes go through ``training.services`` (the same as the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.choices import StaffCategory
from training.choices import EnrolmentStatus


class BulkEnrolForm(forms.Form):
    """Enrol a unit's people (with its sub-units) in the chosen categories, or a list of staff
    codes."""

    unit = forms.ChoiceField(label=_("Unit"))
    include_subtree = forms.BooleanField(
        label=_("Include its sub-units"), required=False, initial=True
    )
    categories = forms.MultipleChoiceField(
        label=_("Staff categories"),
        required=False,
        choices=StaffCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every category."),
    )
    staff_codes = forms.CharField(
        label=_("Only these staff codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: codes separated by spaces, commas or new lines."),
    )
    sanction_override = forms.BooleanField(
        label=_("Also enrol people under a disciplinary sanction"), required=False
    )
    override_reason = forms.CharField(
        label=_("Reason for enrolling people under a sanction"), required=False, max_length=500
    )

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices

    def codes(self) -> list[str] | None:
        text = self.cleaned_data.get("staff_codes", "")
        codes = [c for c in text.replace(",", " ").split() if c]
        return codes or None


# What a row of the attendance sheet can say beyond "present" / "absent".
OUTCOME_CHOICES = [
    ("", _("As ticked")),
    (EnrolmentStatus.COMPLETED, EnrolmentStatus.COMPLETED.label),
    (EnrolmentStatus.FAILED, EnrolmentStatus.FAILED.label),
    (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.WITHDRAWN.label),
]
