"""Forms of the inspections pages. They validate input; the writes go through
``inspections.casework.services`` and the model's ``full_clean``, exactly as the API's do."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.pages import DateInput
from inspections.casework.services import EVIDENCE_RULE
from staff.pages.pickers import use_staff_picker

EVIDENCE_ACCEPT = "image/*,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern); each is checked by the
    service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class EvidenceFields(forms.Form):
    """Two ways to add evidence on a phone: take a photo now (``capture``), or pick photos and
    PDFs."""

    photos = MultipleFileField(
        label=_("Take a photo"),
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Opens the camera on a phone."),
    )
    files = MultipleFileField(
        label=_("Attach photos or PDF files"),
        help_text=format_lazy(
            _("Images or PDF, at most {mb} MB each."), mb=EVIDENCE_RULE.max_megabytes
        ),
    )

    def uploads(self) -> list:
        return [*self.cleaned_data.get("photos", []), *self.cleaned_data.get("files", [])]


class ProgressForm(EvidenceFields):
    """The responsible unit reports progress; a date of completion marks the action done."""

    note = forms.CharField(
        label=_("What was done"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    done_on = forms.DateField(
        label=_("Done on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Give the date only when the action is finished: the inspector then verifies it."
        ),
    )
    field_order = ["note", "done_on", "photos", "files"]


class VerifyForm(forms.Form):
    verified_on = forms.DateField(
        label=_("Verified on"), widget=DateInput(), initial=timezone.localdate
    )


# --- Logging an inspection on one page -------------------------------------------------------


class InspectionLogForm(forms.Form):
    """The inspection itself; the unit's subtree decides whom the findings may name."""

    unit = forms.ChoiceField(label=_("Inspected unit"))
    code = forms.CharField(label=_("Inspection code"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"))
    scope = forms.CharField(
        label=_("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.ChoiceField(
        label=_("Inspecting body"),
        required=False,
        help_text=_("The lead and the team are chosen among its staff."),
    )
    lead_inspector = forms.ModelChoiceField(
        label=_("Lead inspector"), queryset=None, required=False
    )
    team = forms.ModelMultipleChoiceField(
        label=_("Inspection team"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, units, inspectors, **kwargs):
        from inspections.casework.choices import InspectionKind, InspectionStatus

        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "---------"), *units]
        self.fields["body"].choices = [("", "---------"), *units]
        self.fields["kind"].choices = InspectionKind.choices
        self.fields["status"].choices = InspectionStatus.choices
        use_staff_picker(self.fields["lead_inspector"], inspectors)
        use_staff_picker(self.fields["team"], inspectors)
        self.fields["unit"].widget.attrs.update({"data-staff-picker": "1"})


class FindingLogForm(EvidenceFields):
    category = forms.ModelChoiceField(label=_("Kind of violation"), queryset=None)
    severity = forms.ChoiceField(label=_("Severity"), initial="minor")
    description = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3})
    )
    staff = forms.ModelChoiceField(
        label=_("Staff member involved"),
        queryset=None,
        required=False,
        help_text=_("Only people of the inspected unit and its sub-units."),
    )
    found_on = forms.DateField(
        label=_("Found on"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the start date."),
    )
    field_order = ["category", "severity", "description", "staff", "found_on", "photos", "files"]

    def __init__(self, *args, staff, **kwargs):
        from inspections.casework.choices import Severity
        from inspections.models import FindingCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = FindingCategory.objects.filter(active=True)
        self.fields["severity"].choices = Severity.choices
        use_staff_picker(self.fields["staff"], staff)


class ActionLogForm(forms.Form):
    description = forms.CharField(
        label=_("What must be fixed"), widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())


class BaseLogFormSet(forms.BaseFormSet):
    """A formset whose extra forms may carry initial values (kept when the page grows a block)."""

    def __init__(self, *args, per_form_initial=None, **kwargs):
        self.per_form_initial = per_form_initial or []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.per_form_initial):
            kwargs["initial"] = self.per_form_initial[index]
        return kwargs


def finding_formset(data=None, files=None, *, count: int, staff, initial=None):
    cls = forms.formset_factory(
        FindingLogForm, formset=BaseLogFormSet, extra=count, max_num=30, validate_max=True
    )
    return cls(
        data, files, prefix="findings", form_kwargs={"staff": staff}, per_form_initial=initial
    )


def action_formset(index: int, data=None, *, count: int, initial=None):
    cls = forms.formset_factory(
        ActionLogForm, formset=BaseLogFormSet, extra=count, max_num=20, validate_max=True
    )
    return cls(data, prefix=f"findings-{index}-actions", per_form_initial=initial)


def raw_values(form_class, data, prefix: str, **form_kwargs) -> dict:
    """What the user typed into one form of ``form_class`` (to show it again, unvalidated)."""
    probe = form_class(prefix=prefix, **form_kwargs)
    values = {}
    for name, field in probe.fields.items():
        if isinstance(field, forms.FileField):
            continue
        values[name] = field.widget.value_from_datadict(data, {}, probe.add_prefix(name))
    return values


# --- Feedback triage ---------------------------------------------------------------------------


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=None,
        help_text=_("Inspectors only; nobody of the unit complained about."),
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users
        self.fields["assignee"].label_from_instance = lambda u: (
            u.get_full_name() or u.get_username()
        )


class FeedbackMoveForm(forms.Form):
    to = forms.ChoiceField(label=_("Next step"))
    public_answer = forms.CharField(
        label=_("Answer the citizen will see"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to conclude: no reporter's name, no internal notes."),
    )
    note = forms.CharField(
        label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices


class FindingFromFeedbackForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Kind of violation"), queryset=None)
    severity = forms.ChoiceField(label=_("Severity"), initial="minor")
    staff = forms.ModelChoiceField(
        label=_("Staff member involved"),
        queryset=None,
        required=False,
        help_text=_("Only people of the unit concerned and its sub-units."),
    )
    description = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3})
    )
    public_answer = forms.CharField(
        label=_("Answer the citizen will see"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, staff, **kwargs):
        from inspections.casework.choices import Severity
        from inspections.models import FindingCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = FindingCategory.objects.filter(active=True)
        self.fields["severity"].choices = Severity.choices
        use_staff_picker(self.fields["staff"], staff)
