"""Public feedback pages: the form, the receipt, the status lookup. No sign-in, no JavaScript
needed."""

from __future__ import annotations

import logging

from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.security import throttle_page
from inspections.feedback import rules, services
from inspections.feedback.choices import FeedbackChannel
from inspections.feedback.forms import FeedbackForm
from inspections.feedback.models import CitizenFeedback, FeedbackResponseTarget

logger = logging.getLogger(__name__)

RECEIPT_SALT = "inspections.feedback.receipt"
# The receipt link works for an hour: long enough to copy the code, short
# enough that a shared or bookmarked link does not keep showing it.
RECEIPT_MAX_AGE = 3600


@never_cache
@require_http_methods(["GET", "POST"])
@throttle_page("feedback", methods=("POST",), template="429.html")
def feedback_form(request):
    """GET shows the form (``?unit=CODE`` preselects the unit, for the QR code on the counter's
    wall)."""
    if request.method == "POST":
        form = FeedbackForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            feedback = services.feedback_submit(
                unit=data["unit"],
                category=data.get("category"),
                description=data["description"],
                incident_date=data.get("incident_date"),
                staff_name=data.get("staff_name", ""),
                reporter_name=data.get("reporter_name", ""),
                reporter_address=data.get("reporter_address", ""),
                reporter_phone=data.get("reporter_phone", ""),
                reporter_email=data.get("reporter_email", ""),
                reporter_postal_address=data.get("reporter_postal_address", ""),
                attachment=data.get("attachment"),
                channel=FeedbackChannel.WEB,
                language=translation.get_language() or "vi",
            )
            token = signing.dumps(feedback.tracking_code, salt=RECEIPT_SALT)
            return redirect(reverse("feedback:sent", args=[token]))
        form.renew_started()
        status = 400
    else:
        initial = {}
        unit_code = request.GET.get("unit", "").strip()
        if unit_code:
            initial["unit"] = unit_code
        form = FeedbackForm(initial=initial)
        status = 200
    context = {
        "form": form,
        "working_days": FeedbackResponseTarget.working_days_on(timezone.localdate()),
    }
    return render(request, "inspections/feedback_form.html", context, status=status)


@never_cache
def feedback_sent(request, token: str):
    """The receipt after a successful submission: the code and what happens next."""
    try:
        code = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature:
        return redirect("feedback:status")
    feedback = (
        CitizenFeedback.objects.filter(tracking_code=code)
        .only("tracking_code", "received_on", "response_due", "is_formal", "status")
        .first()
    )
    if feedback is None:
        return redirect("feedback:status")
    return render(request, "inspections/feedback_sent.html", {"feedback": feedback})


@never_cache
@throttle_page("anon", "user")
def feedback_status(request):
    """Look up a tracking code: status, dates and the public answer only.

    Throttled like its API twin (``/api/v1/feedback/status/<code>/``), on the
    same counter: codes cannot be guessed faster through the page.
    """
    raw = request.GET.get("code", "").strip()
    context = {"code": raw[:40], "feedback": None, "searched": bool(raw)}
    status = 200
    if raw:
        code = rules.normalize_tracking_code(raw)
        feedback = (
            CitizenFeedback.objects.filter(tracking_code=code)
            .only(
                "tracking_code",
                "status",
                "received_on",
                "response_due",
                "resolved_on",
                "public_answer",
                "is_formal",
                "kind",
            )
            .first()
            if code
            else None
        )
        context["feedback"] = feedback
        if feedback is None:
            status = 404
    return render(request, "inspections/feedback_status.html", context, status=status)
