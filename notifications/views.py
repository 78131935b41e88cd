"""Notification pages: the inbox, opening one, preferences, and a citizen's unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from notifications.choices import Delivery
from notifications.forms import USER_KINDS, PreferencesForm
from notifications.links import record_url
from notifications.mail import read_unsubscribe_token
from notifications.models import (
    EmailOptOut,
    Notification,
    NotificationPreference,
    NotificationProfile,
)

PAGE_SIZE = 30


@login_required
@never_cache
def inbox(request):
    mine = Notification.objects.for_user(request.user)
    page = Paginator(
        mine.only("pk", "kind", "subject", "body", "created_at", "read_at"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request, "notifications/list.html", {"page": page, "unread": mine.unread().count()}
    )


@login_required
@never_cache
def badge(request):
    """The unread count as a fragment for the workspace header (htmx)."""
    unread = Notification.objects.for_user(request.user).unread().count()
    return render(request, "notifications/_badge.html", {"unread": unread})


@login_required
@require_POST
def read_all(request):
    Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    return redirect("notifications:list")


@login_required
@never_cache
def open_notification(request, pk: int):
    """Mark the notification read and go to its record (someone else's answers 404)."""
    notification = get_object_or_404(
        Notification.objects.for_user(request.user).select_related("content_type"), pk=pk
    )
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    return redirect(record_url(notification))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request):
    user = request.user
    current = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    profile = NotificationProfile.objects.filter(user=user).first()
    initial = {"language": profile.language if profile else "vi"}
    initial.update(
        {f"kind_{kind.value}": current.get(kind.value, Delivery.IMMEDIATELY) for kind in USER_KINDS}
    )
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        NotificationProfile.objects.update_or_create(
            user=user, defaults={"language": form.cleaned_data["language"]}
        )
        for kind in USER_KINDS:
            NotificationPreference.objects.update_or_create(
                user=user,
                kind=kind.value,
                defaults={"delivery": form.cleaned_data[f"kind_{kind.value}"]},
            )
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "email": user.email})


# csrf_exempt: the signed token is the authority; mail clients post one-click (RFC 8058) without
# a form.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """A citizen stops the e-mails to the address the token names; no sign-in, that address only."""
    address_hash = read_unsubscribe_token(token)
    if address_hash is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    done = EmailOptOut.objects.filter(address_hash=address_hash).exists()
    if request.method == "POST" and not done:
        try:
            EmailOptOut.objects.create(address_hash=address_hash)
        except IntegrityError:
            pass
        done = True
    return render(request, "notifications/unsubscribe.html", {"done": done, "token": token})
