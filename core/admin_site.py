"""The admin site: the usual Django admin plus a TOTP code for accounts that need one.

When ``REQUIRE_2FA`` is on, admins and inspectors (``core.security.two_factor_required``)
must enter a code from an enrolled authenticator (django-otp TOTP or a static
backup code) after their password; everyone else signs in with the password
alone, as does everyone when the setting is off.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpResponseBadRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm

from core.admin_guard import StrictChangelistMixin
from core.dates import MAX_DATE, MIN_DATE
from core.security import is_verified, throttle_wait, too_many_requests, two_factor_required


def admin_mixins() -> list[type]:
    return [StrictChangelistMixin, *(import_string(path) for path in settings.ADMIN_MODEL_MIXINS)]


def guarded(admin_class: type) -> type:
    """``admin_class`` with every site-wide mixin it does not have yet, placed first."""
    missing = [mixin for mixin in admin_mixins() if not issubclass(admin_class, mixin)]
    if not missing:
        return admin_class
    return type(
        admin_class.__name__, (*missing, admin_class), {"__module__": admin_class.__module__}
    )


_DATE_PARTS = {"__year": (MIN_DATE.year, MAX_DATE.year), "__month": (1, 12), "__day": (1, 31)}


def bad_date_parameter(query) -> str | None:
    """A message if a ``<field>__year/__month/__day`` parameter is not a number in range, else None.

    Django's date drill-down (``date_hierarchy``) turns ``?start_date__year=9999``
    into "9999 to 10000" and fails with a 500; such input is a 400 here.
    """
    for key, values in query.lists():
        for suffix, (low, high) in _DATE_PARTS.items():
            if not key.endswith(suffix):
                continue
            for value in values:
                number = int(value) if value.isdigit() and len(value) <= 9 else None
                if number is None or not low <= number <= high:
                    return str(
                        _("Bad date filter %(name)s: give a number from %(low)d to %(high)d.")
                        % {"name": key, "low": low, "high": high}
                    )
    return None


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
    """Django's admin site; an admin or inspector without a verified second factor is not let in.

    Every ModelAdmin registered here, ours or a library's, is given the
    guards of ``core.admin_guard`` and the mixins named in
    ``settings.ADMIN_MODEL_MIXINS`` (row access), so no admin page can be
    added without them.
    """

    site_header = "CongVu"
    site_title = "CongVu"
    login_form = TwoFactorAdminAuthenticationForm
    login_template = "otp/admin111/login.html"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def checked(request, *args, **kwargs):
            problem = bad_date_parameter(request.GET)
            if problem is not None:
                return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
            return inner(request, *args, **kwargs)

        return checked

    def login(self, request, extra_context=None):
        # Sign-in attempts per address, whatever the user name: the same
        # counter and rate as the token endpoint and the workspace sign-in.
        if request.method == "POST":
            wait = throttle_wait(request, ("auth",))
            if wait is not None:
                return too_many_requests(request, wait)
        return super().login(request, extra_context)

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, guarded(admin_class or ModelAdmin), **options)

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not two_factor_required(request.user) or is_verified(request.user)
