"""Forms of the inspections pages. They validate input; the writes go through ``inspections.services``
and the model's ``full_clean``, exactly as the API's do."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.pages import DateInput
from inspections.services import EVIDENCE_MAX_BYTES

EVIDENCE_ACCEPT = "image/*,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern); each is checked by the service."""

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
    """Two ways to add evidence on a phone: take a photo now (``capture``), or pick photos and PDFs."""

    photos = MultipleFileField(
        label=_("Take a photo"),
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Opens the camera on a phone."),
    )
    files = MultipleFileField(
        label=_("Attach photos or PDF files"),
        help_text=format_lazy(
            _("Images or PDF, at most {mb} MB each."), mb=EVIDENCE_MAX_BYTES // (1024 * 1024)
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
