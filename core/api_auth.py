"""API tokens: issue (``POST``) and revoke (``DELETE``) at ``/api/v1/auth/token/``.

Issuing goes through ``django.contrib.auth.authenticate`` with the request,
so django-axes counts failures and locks out (429) exactly as on the admin
login; admins and inspectors also give a TOTP code when ``REQUIRE_2FA`` is
on, and a token records whether it was (``core.models.TokenFactor``): for
those users a token issued without the code does not authenticate
(``core.security.VerifiedTokenAuthentication``). Every failed sign-in gets
the same answer, so a missing code does not reveal that the password was
right. A token is one per user (DRF's ``authtoken``); revoking deletes it,
and a deactivated user's token is deleted too (``core.signals``).
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.audit import log_event
from core.models import SecurityEventKind, TokenFactor
from core.schema import ErrorSerializer
from core.security import AuthThrottle, token_has_second_factor, two_factor_required


def _sign_in_failed() -> ValidationError:
    """One answer for every failed sign-in: wrong password, missing or wrong code, no
    authenticator."""
    return ValidationError(
        {
            "non_field_errors": [
                _(
                    "Unable to sign in with the given user name and password (and "
                    "authenticator code, for accounts that need one)."
                )
            ]
        }
    )


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("User name"), max_length=150)
    password = serializers.CharField(
        label=_("Password"),
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
    )
    otp_token = serializers.CharField(
        label=_("Authenticator code"),
        max_length=16,
        required=False,
        allow_blank=True,
        help_text=_(
            "6-digit TOTP code; required for admins and inspectors when two-factor sign-in is on."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


_FIELD_ERRORS = OpenApiResponse(
    description=_("Bad input or wrong credentials: field name -> list of messages."),
    response=inline_serializer(
        "TokenErrors",
        fields={
            "username": serializers.ListField(child=serializers.CharField(), required=False),
            "password": serializers.ListField(child=serializers.CharField(), required=False),
            "otp_token": serializers.ListField(child=serializers.CharField(), required=False),
            "non_field_errors": serializers.ListField(
                child=serializers.CharField(), required=False
            ),
        },
    ),
)


class TokenView(APIView):
    """Issue or revoke the caller's API token."""

    renderer_classes = [JSONRenderer]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    def get_throttles(self):
        throttles = [
            # The stubs type the setting as dotted paths; api_settings gives the imported classes.
            throttle()  # type: ignore[operator]
            for throttle in api_settings.DEFAULT_THROTTLE_CLASSES
        ]
        if self.request.method == "POST":
            throttles.append(AuthThrottle())
        return throttles

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: _FIELD_ERRORS,
            429: OpenApiResponse(
                ErrorSerializer, description=_("Locked out after repeated failures, or throttled.")
            ),
        },
        auth=[],
        summary=_("Get an API token"),
        description=_(
            "Exchange a user name and password (and, when required, an authenticator code) "
            "for a token; send it as `Authorization: Token <token>`. The same token is returned "
            "until it is revoked."
        ),
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        credentials = {"username": username, "password": data.validated_data["password"]}
        user = authenticate(request=request, **credentials)
        second_factor = user is not None and two_factor_required(user)
        if (
            user is not None
            and second_factor
            and not self._second_factor_ok(user, data.validated_data.get("otp_token", ""))
        ):
            # The password was right but the code is missing or wrong: a failed
            # sign-in for the lockout, answered exactly like a wrong password.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=request
            )
            user = None
        if user is None:
            if AxesProxyHandler.is_locked(request, {"username": username}):
                return Response(
                    {"detail": _("Too many failed sign-in attempts. Try again later.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            raise _sign_in_failed()
        # A successful sign-in like any other: last_login is updated, axes
        # clears the failure count, and the security log records it.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        token, created = self._token_for(user, second_factor=second_factor)
        log_event(
            SecurityEventKind.TOKEN_ISSUED,
            request=request._request,
            user=user,
            created=created,
            second_factor=second_factor,
        )
        return Response({"token": token.key})

    @staticmethod
    @transaction.atomic
    def _token_for(user, *, second_factor: bool) -> tuple[Token, bool]:
        """The user's token, recorded with how it was issued; a token lacking a factor now given is
        replaced.

        A token issued on the password alone is never upgraded by a later
        sign-in with the code (it may have leaked meanwhile): it is deleted
        and a new key issued.
        """
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and second_factor and not token_has_second_factor(token):
            token.delete()
            token = None
        if token is not None:
            return token, False
        token = Token.objects.create(user=user)
        TokenFactor.objects.filter(user=user).delete()
        TokenFactor.objects.create(
            digest=TokenFactor.digest_of(token.key), user=user, second_factor=second_factor
        )
        return token, True

    @staticmethod
    def _second_factor_ok(user, code: str) -> bool:
        """A code was given, the user has an authenticator, and the code matches it.

        Each failure (no code, no device, wrong code) gets the wrong-password
        answer, so the answer never tells that the password was right.
        """
        return bool(code) and user_has_device(user) and match_token(user, code) is not None

    @extend_schema(
        operation_id="auth_token_destroy",
        request=None,
        responses={
            204: None,
            401: OpenApiResponse(ErrorSerializer, description=_("Not signed in.")),
        },
        summary=_("Revoke the caller's API token"),
        description=_(
            "Deletes the token used (or held) by the caller; later requests with it get 401."
        ),
    )
    def delete(self, request):
        deleted, _per_model = Token.objects.filter(user=request.user).delete()
        if deleted:
            log_event(
                SecurityEventKind.TOKEN_REVOKED,
                request=request._request,
                user=request.user,
                reason="revoked",
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
