"""The preferences form: the language of e-mails and, per kind, how e-mails come."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.choices import Delivery, NotificationKind

# Kinds a signed-in user can receive (the status e-mail goes to citizens).
USER_KINDS = [kind for kind in NotificationKind if kind != NotificationKind.FEEDBACK_STATUS]


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in USER_KINDS:
            self.fields[f"kind_{kind.value}"] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=Delivery.IMMEDIATELY,
                widget=forms.RadioSelect,
            )

    def kind_fields(self):
        return [self[f"kind_{kind.value}"] for kind in USER_KINDS]
