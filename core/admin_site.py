"""The admin site: the usual Django admin plus a TOTP code for accounts that need one.

When ``REQUIRE_2FA`` is on, admins and inspectors (``core.security.two_factor_required``)
must enter a code from an enrolled authenticator (django-otp TOTP or a static
backup code) after their password; everyone else signs in with the password
alone, as does everyone when the setting is off.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm

from core.security import is_verified, two_factor_required


class TwoFactorAdminAuthenticationForm(OTPAdminAuthenticationForm):
    """Password first; then a TOTP code only for users who must give one."""

    otp_error_messages = dict(
        OTPAdminAuthenticationForm.otp_error_messages,
        token_required=_("Enter the 6-digit code from your authenticator app."),
        invalid_token=_("The code is not valid. Check your authenticator app and try again."),
    )

    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and two_factor_required(user):
            if not user_has_device(user):
                raise forms.ValidationError(
                    _(
                        "Your account must sign in with two-factor authentication, but no "
                        "authenticator is enrolled. Ask an administrator to enrol one."
                    ),
                    code="no_device",
                )
            self.clean_otp(user)
        return self.cleaned_data


class CongVuAdminSite(AdminSite):
    """Django's admin site; an admin or inspector without a verified second factor is not let in."""

    site_header = "CongVu"
    site_title = "CongVu"
    login_form = TwoFactorAdminAuthenticationForm
    login_template = "otp/admin111/login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not two_factor_required(request.user) or is_verified(request.user)
