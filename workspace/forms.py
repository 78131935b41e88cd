"""The workspace's sign-in form: password, then a TOTP code for accounts that must give one."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device

from core.security import two_factor_required


class SignInForm(AuthenticationForm):
    """Django's sign-in form plus the authenticator code when ``REQUIRE_2FA`` asks for it.

    The code field is shown only when the setting is on; it is checked only
    for the roles that need it (``core.security.two_factor_required``), so an
    HR or unit-head account signs in with the password alone.
    """

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=16,
        help_text=_("Six digits; only accounts of administrators and inspectors need it."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "token_required": _("Enter the 6-digit code from your authenticator app."),
        "invalid_token": _("The code is not valid. Check your authenticator app and try again."),
        "no_device": _(
            "Your account must sign in with two-factor authentication, but no authenticator is "
            "enrolled. Ask an administrator to enrol one."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.otp_device = None
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocomplete": "username"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        if not settings.REQUIRE_2FA:
            del self.fields["otp_token"]

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and two_factor_required(user):
            if not user_has_device(user):
                raise forms.ValidationError(self.error_messages["no_device"], code="no_device")
            token = (cleaned.get("otp_token") or "").strip()
            if not token:
                raise forms.ValidationError(
                    self.error_messages["token_required"], code="token_required"
                )
            device = match_token(user, token)
            if device is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_token"], code="invalid_token"
                )
            self.otp_device = device
        return cleaned
