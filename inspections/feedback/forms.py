"""The public feedback form: the API's fields and limits, plus a honeypot and a minimum fill
time."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import check_upload
from inspections.feedback.models import DESCRIPTION_MAX_LENGTH, FeedbackCategory
from inspections.feedback.services import ATTACHMENT_RULE
from staff.models import Unit

STARTED_SALT = "inspections.feedback.form-started"
# A form older than this is refused (and re-issued) so a harvested token cannot be replayed forever.
STARTED_MAX_AGE = 24 * 3600
PHONE_PATTERN = r"\+?[0-9 .()\-]{8,20}"


def min_fill_seconds() -> float:
    return settings.FEEDBACK_MIN_FILL_SECONDS


def issue_started_token(now: float | None = None) -> str:
    return signing.dumps(time.time() if now is None else now, salt=STARTED_SALT)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        # Indent by depth so communes read as part of their district on a plain <select>.
        return "\u2003" * max(obj.depth - 1, 0) + obj.name


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FeedbackCategory) -> str:
        return obj.display_name()


class FeedbackForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Unit or office concerned"),
        queryset=Unit.objects.none(),
        to_field_name="code",
        empty_label=_("— Choose the unit —"),
        error_messages={"invalid_choice": _("Choose a unit from the list.")},
    )
    category = CategoryChoiceField(
        label=_("What kind of problem?"),
        queryset=FeedbackCategory.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— Choose if you can —"),
    )
    description = forms.CharField(
        label=_("What happened?"),
        min_length=10,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Where, when, what was said or done. At most 5000 characters."),
    )
    incident_date = forms.DateField(
        label=_("Date it happened"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("dd/mm/yyyy; leave empty if you do not remember."),
    )
    staff_name = forms.CharField(
        label=_("Name or description of the official (if known)"),
        max_length=150,
        required=False,
    )
    reporter_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    reporter_address = forms.CharField(
        label=_("Your address"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    reporter_phone = forms.RegexField(
        label=_("Your phone number"),
        regex=rf"^{PHONE_PATTERN}$",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"invalid": _("Enter a phone number of 8 to 15 digits.")},
    )
    reporter_email = forms.EmailField(
        label=_("Your email (optional)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    reporter_postal_address = forms.CharField(
        label=_("Postal address for the reply, if different (optional)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    attachment = forms.FileField(
        label=_("Photo or PDF (optional)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,application/pdf"}
        ),
    )
    # Honeypot: hidden from people by CSS and from screen readers by aria-hidden; bots fill it.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["unit"].queryset = Unit.objects.active_on(today).order_by("path")
        self.fields["category"].queryset = FeedbackCategory.objects.filter(is_active=True)
        self.fields["attachment"].help_text = _(
            "A photo (JPEG, PNG, WebP, HEIC) or a PDF, at most %(limit)s MB."
        ) % {"limit": ATTACHMENT_RULE.max_megabytes}
        if not self.is_bound:
            self.initial["started"] = issue_started_token()
        self.spam = False

    def clean_incident_date(self):
        value = self.cleaned_data.get("incident_date")
        if value and value > timezone.localdate():
            raise ValidationError(_("The date of the incident cannot be in the future."))
        return value

    def clean_reporter_phone(self):
        value = (self.cleaned_data.get("reporter_phone") or "").strip()
        digits = sum(ch.isdigit() for ch in value)
        if value and not 8 <= digits <= 15:
            raise ValidationError(_("Enter a phone number of 8 to 15 digits."))
        return value

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        return check_upload(upload, ATTACHMENT_RULE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            self.spam = True
            raise ValidationError(
                _("Your feedback could not be accepted. Please try again."), code="honeypot"
            )
        try:
            started = float(
                signing.loads(
                    cleaned.get("started") or "", salt=STARTED_SALT, max_age=STARTED_MAX_AGE
                )
            )
        except (signing.BadSignature, TypeError, ValueError):
            raise ValidationError(
                _("The form has expired. Please check your answers and send it again."),
                code="expired",
            ) from None
        if time.time() - started < min_fill_seconds():
            self.spam = True
            raise ValidationError(
                _("The form was sent too quickly. Please check your answers and send it again."),
                code="too_fast",
            )
        return cleaned

    def renew_started(self) -> None:
        """Give a re-displayed form a fresh start time (the old one may have expired)."""
        data = self.data.copy()
        data["started"] = issue_started_token()
        self.data = data
