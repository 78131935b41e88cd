"""Feedback workflows: submit, triage moves, assignment, finding from feedback.

Called alike from the public form, the API, the admin and the demo seeder.
Each function is atomic and runs ``full_clean`` before writing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import CheckedUpload, UploadRule
from core.workdays import load_calendar
from inspections.feedback import rules
from inspections.feedback.choices import FeedbackChannel, FeedbackKind, FeedbackStatus
from inspections.feedback.models import (
    CitizenFeedback,
    FeedbackAttachment,
    FeedbackCategory,
    FeedbackDeadlineRule,
    FeedbackResponseTarget,
    FeedbackStep,
)
from staff.models import in_subtree

logger = logging.getLogger(__name__)

# What citizens may attach: photos and PDFs only, what a phone produces and what a letter scan
# becomes.
ATTACHMENT_RULE = UploadRule(
    types={
        "image/jpeg": "image",
        "image/png": "image",
        "image/webp": "image",
        "image/heic": "image",
        "application/pdf": "pdf",
    },
    max_bytes_setting="FEEDBACK_MAX_UPLOAD_BYTES",
    type_message=_("Only a photo (JPEG, PNG, WebP, HEIC) or a PDF file can be attached."),
)

# How far ahead to read holidays when computing a due date: 15 working days
# never span more than a few calendar months, even across Tết.
_CALENDAR_HORIZON = dt.timedelta(days=180)


def compute_response_due(received_on: dt.date, *, is_formal: bool) -> dt.date | None:
    """Due date from the target in force on the day of receipt and the stored holidays."""
    if not is_formal:
        return None
    days = FeedbackResponseTarget.working_days_on(received_on)
    calendar = load_calendar(received_on, received_on + _CALENDAR_HORIZON)
    return rules.response_due(received_on, is_formal=True, working_days=days, calendar=calendar)


@transaction.atomic
def feedback_submit(
    *,
    unit,
    description: str,
    category: FeedbackCategory | None = None,
    incident_date: dt.date | None = None,
    staff_name: str = "",
    reporter_name: str = "",
    reporter_address: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    reporter_postal_address: str = "",
    attachment: CheckedUpload | None = None,
    channel: str = FeedbackChannel.WEB,
    language: str = "vi",
    received_at: dt.datetime | None = None,
) -> CitizenFeedback:
    """Store a citizen's feedback with a fresh tracking code; returns it.

    Formal petitions (name, address and a phone, e-mail or postal address) get a due date; the rest
    is reference information. ``attachment`` has already been sniffed and sized.
    """
    received_at = received_at or timezone.now()
    received_on = timezone.localdate(received_at)
    feedback = CitizenFeedback(
        unit=unit,
        description=description,
        category=category,
        incident_date=incident_date,
        staff_name=staff_name or "",
        reporter_name=reporter_name or "",
        reporter_address=reporter_address or "",
        reporter_phone=reporter_phone or "",
        reporter_email=reporter_email or "",
        reporter_postal_address=reporter_postal_address or "",
        channel=channel,
        language=(language or "vi")[:10],
        received_at=received_at,
        received_on=received_on,
    )
    feedback.full_clean(exclude=["tracking_code"])
    feedback.is_formal = rules.is_formal_petition(
        name=feedback.reporter_name,
        address=feedback.reporter_address,
        phone=feedback.reporter_phone,
        email=feedback.reporter_email,
        postal_address=feedback.reporter_postal_address,
    )
    feedback.response_due = compute_response_due(received_on, is_formal=feedback.is_formal)
    for _attempt in range(5):
        feedback.tracking_code = rules.generate_tracking_code()
        try:
            # A savepoint, so a (vanishingly unlikely) duplicate code is retried
            # without spoiling the caller's transaction.
            with transaction.atomic():
                feedback.save()
            break
        except IntegrityError:
            if CitizenFeedback.objects.filter(tracking_code=feedback.tracking_code).exists():
                logger.warning("tracking code collision; drawing another")
                feedback.pk = None
                continue
            raise
    else:  # pragma: no cover - 5 collisions in a 78-bit space
        raise RuntimeError("could not draw a unique tracking code")
    FeedbackStep.objects.create(
        feedback=feedback,
        at=received_at,
        to_status=FeedbackStatus.RECEIVED,
        note=str(channel),
    )
    if attachment is not None:
        row = FeedbackAttachment(
            feedback=feedback,
            content_type=attachment.content_type,
            extension=attachment.extension,
            size=attachment.size,
            checksum=attachment.checksum,
        )
        row.file.save("upload", attachment.file, save=False)
        row.save()
    return feedback


def _locked(feedback: CitizenFeedback) -> CitizenFeedback:
    return CitizenFeedback.objects.select_for_update().select_related("unit").get(pk=feedback.pk)


@transaction.atomic
def feedback_transition(
    *,
    feedback: CitizenFeedback,
    to: str,
    user,
    note: str = "",
    public_answer: str | None = None,
    today: dt.date | None = None,
) -> CitizenFeedback:
    """Move feedback along the triage; an answer needs a public answer and dates it."""
    today = today or timezone.localdate()
    feedback = _locked(feedback)
    current = feedback.status
    if to not in FeedbackStatus.values:
        raise ValidationError({"to": _("Unknown status.")})
    if not rules.can_transition(current, to):
        raise ValidationError(
            {
                "to": _("Feedback cannot move from “%(current)s” to “%(target)s”.")
                % {"current": FeedbackStatus(current).label, "target": FeedbackStatus(to).label}
            }
        )
    if public_answer is not None:
        feedback.public_answer = public_answer.strip()
    if to in rules.ANSWERING and not feedback.public_answer:
        raise ValidationError(
            {"public_answer": _("Write the answer the citizen will see before concluding.")}
        )
    feedback.status = to
    feedback.substantiated = rules.substantiated_after(feedback.substantiated, to)
    feedback.resolved_on = rules.resolved_on_after(feedback.resolved_on, to, today)
    feedback.full_clean()
    feedback.save()
    FeedbackStep.objects.create(
        feedback=feedback,
        user=user,
        from_status=current,
        to_status=to,
        note=note or "",
        at=_moment(today, feedback),
    )
    return feedback


def _moment(day: dt.date, feedback: CitizenFeedback) -> dt.datetime:
    """Now, or office hours of ``day`` when a step is recorded for another day (demo, back-entry).

    Never before the feedback's previous step: feedback received at 16:42 and
    handled the same day is handled after 16:42, not at 09:00.
    """
    now = timezone.now()
    if day == timezone.localdate(now):
        return now
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    last = feedback.steps.aggregate(last=Max("at"))["last"] or feedback.received_at
    if last and moment <= last:
        moment = last + dt.timedelta(minutes=5)
    return moment


def _in_accused_unit(user, unit) -> bool:
    """Linked (as its head) to the unit complained about, a unit above it or one below it."""
    from staff.models import UnitHead

    link = UnitHead.objects.filter(user=user).select_related("unit").first()
    if link is None:
        return False
    return unit.path.startswith(link.unit.path) or link.unit.path.startswith(unit.path)


def eligible_assignees(feedback: CitizenFeedback):
    """Active users who may triage and see identities, none of them linked to the accused unit's
    branch."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    from staff.models import UnitHead

    perms = Permission.objects.filter(
        content_type__app_label="inspections",
        codename__in=["change_citizenfeedback", "view_reporter_identity"],
    )
    change, identity = (
        perms.filter(codename=c).values("pk")
        for c in ("change_citizenfeedback", "view_reporter_identity")
    )
    model = get_user_model()
    # Separate filter() calls: each permission may come from the user or from any of its groups.
    holders = (
        model.objects.filter(Q(user_permissions__in=change) | Q(groups__permissions__in=change))
        .filter(Q(user_permissions__in=identity) | Q(groups__permissions__in=identity))
        .values("pk")
    )
    users = model.objects.filter(is_active=True).filter(Q(is_superuser=True) | Q(pk__in=holders))
    path = feedback.unit.path
    accused = UnitHead.objects.filter(in_subtree(path, "unit")).values("user_id")
    above = [int(part) for part in path.strip("/").split("/") if part]
    users = users.exclude(pk__in=accused).exclude(
        pk__in=UnitHead.objects.filter(unit_id__in=above).values("user_id")
    )
    return get_user_model().objects.filter(pk__in=users.values("pk")).order_by("username")


@transaction.atomic
def feedback_assign(
    *, feedback: CitizenFeedback, assignee, user, note: str = "", today: dt.date | None = None
) -> CitizenFeedback:
    """Give the feedback to an inspector (someone who may triage and see the identity)."""
    feedback = _locked(feedback)
    if assignee is not None and not (
        assignee.is_active
        and assignee.has_perm("inspections.change_citizenfeedback")
        and assignee.has_perm("inspections.view_reporter_identity")
    ):
        raise ValidationError({"assigned_to": _("Feedback can only be assigned to an inspector.")})
    if assignee is not None and _in_accused_unit(assignee, feedback.unit):
        raise ValidationError(
            {
                "assigned_to": _(
                    "This person belongs to the unit complained about and cannot handle the "
                    "feedback."
                )
            }
        )
    feedback.assigned_to = assignee
    feedback.save(update_fields=["assigned_to", "updated_at"])
    label = assignee.get_username() if assignee else "-"
    FeedbackStep.objects.create(
        feedback=feedback,
        user=user,
        from_status=feedback.status,
        to_status=feedback.status,
        note=(note or str(_("Assigned to %(user)s") % {"user": label})),
        at=_moment(today or timezone.localdate(), feedback),
    )
    return feedback


@transaction.atomic
def feedback_create_finding(
    *,
    feedback: CitizenFeedback,
    user,
    severity: str,
    category=None,
    description: str = "",
    found_on: dt.date | None = None,
    staff=None,
    public_answer: str | None = None,
    note: str = "",
    today: dt.date | None = None,
):
    """Substantiate the feedback and record the violation as a finding, in one step.

    The finding has no inspection (it comes from a citizen), the feedback's
    unit, and the official if known; the feedback moves to ``substantiated``
    (through ``under_review`` when it was just received) with its public answer.
    """
    from inspections.casework.models import Finding

    today = today or timezone.localdate()
    feedback = _locked(feedback)
    if feedback.finding_id:
        raise ValidationError({"finding": _("A finding was already created from this feedback.")})
    if feedback.status not in (FeedbackStatus.RECEIVED, FeedbackStatus.UNDER_REVIEW):
        raise ValidationError(
            {
                "to": _(
                    "A finding can only be created from feedback that is received or under review."
                )
            }
        )
    if public_answer is not None:
        feedback.public_answer = public_answer.strip()
    if not feedback.public_answer:
        raise ValidationError(
            {"public_answer": _("Write the answer the citizen will see before concluding.")}
        )
    category = category or (feedback.category.finding_category if feedback.category_id else None)
    if category is None:
        raise ValidationError({"category": _("Choose the finding category.")})
    staff = staff or feedback.staff
    finding = Finding(
        inspection=None,
        unit=feedback.unit,
        staff=staff,
        category=category,
        severity=severity,
        description=(description or "").strip()
        or str(
            _("From citizen feedback %(code)s: %(text)s")
            % {"code": feedback.tracking_code, "text": feedback.description}
        ),
        found_on=found_on or today,
        substantiated=True,
    )
    finding.full_clean()
    finding.save()
    feedback.finding = finding
    if staff is not None and feedback.staff_id is None:
        feedback.staff = staff
    feedback.full_clean()
    feedback.save()
    if feedback.status == FeedbackStatus.RECEIVED:
        feedback_transition(
            feedback=feedback, to=FeedbackStatus.UNDER_REVIEW, user=user, today=today
        )
    feedback_transition(
        feedback=feedback,
        to=FeedbackStatus.SUBSTANTIATED,
        user=user,
        today=today,
        note=note or str(_("Finding #%(id)s created") % {"id": finding.pk}),
    )
    return finding


# --- Classification at triage: feedback or petition, complaint, denunciation ---------


def _procedure_due(feedback: CitizenFeedback, rule: FeedbackDeadlineRule) -> dt.date | None:
    calendar = load_calendar(feedback.accepted_on, feedback.accepted_on + dt.timedelta(days=400))
    return rules.procedure_deadline(
        accepted_on=feedback.accepted_on,
        days=rule.days,
        extension_days=rule.extension_days,
        extensions=feedback.extensions,
        max_extensions=rule.max_extensions,
        calendar=calendar,
    )


@transaction.atomic
def feedback_classify(
    *,
    feedback: CitizenFeedback,
    kind: str,
    user,
    accepted_on: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> CitizenFeedback:
    """Say what the submission is in law and apply that procedure's deadline.

    A feedback or petition keeps the working-day target from receipt (formal
    petitions only). A complaint or denunciation runs from its acceptance
    (thụ lý, default today) under the ``FeedbackDeadlineRule`` in force that day.
    """
    today = today or timezone.localdate()
    feedback = _locked(feedback)
    if kind not in FeedbackKind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    if not feedback.is_open:
        raise ValidationError({"kind": _("Answered feedback cannot be classified again.")})
    if kind == FeedbackKind.REFLECTION:
        feedback.accepted_on, feedback.extensions = None, 0
        feedback.response_due = compute_response_due(
            feedback.received_on, is_formal=feedback.is_formal
        )
    else:
        accepted_on = accepted_on or today
        if accepted_on < feedback.received_on:
            raise ValidationError(
                {"accepted_on": _("A case cannot be accepted before it was received.")}
            )
        if accepted_on > today:
            raise ValidationError({"accepted_on": _("The date is in the future.")})
        rule = FeedbackDeadlineRule.in_force(kind, accepted_on)
        if not rule:
            raise ValidationError(
                {"kind": _("No time limit is recorded for this kind on the day of acceptance.")}
            )
        feedback.accepted_on, feedback.extensions = accepted_on, 0
        feedback.kind = kind
        feedback.response_due = _procedure_due(feedback, rule)
    feedback.kind = kind
    feedback.full_clean()
    feedback.save()
    FeedbackStep.objects.create(
        feedback=feedback,
        user=user,
        from_status=feedback.status,
        to_status=feedback.status,
        note=note or str(_("Classified as: %(kind)s") % {"kind": FeedbackKind(kind).label}),
        at=_moment(today, feedback),
    )
    return feedback


@transaction.atomic
def feedback_extend(
    *, feedback: CitizenFeedback, user, note: str, today: dt.date | None = None
) -> CitizenFeedback:
    """Extend the time limit of a complex complaint or denunciation once more, within what the law
    allows."""
    today = today or timezone.localdate()
    feedback = _locked(feedback)
    if feedback.kind == FeedbackKind.REFLECTION or feedback.accepted_on is None:
        raise ValidationError(
            {"kind": _("Only an accepted complaint or denunciation has a time limit to extend.")}
        )
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason for the extension.")})
    rule = FeedbackDeadlineRule.in_force(feedback.kind, feedback.accepted_on)
    if rule is None or feedback.extensions >= rule.max_extensions:
        raise ValidationError(
            {
                "extensions": _(
                    "The time limit cannot be extended again (at most %(n)s extensions)."
                )
                % {"n": rule.max_extensions if rule else 0}
            }
        )
    feedback.extensions += 1
    feedback.response_due = _procedure_due(feedback, rule)
    feedback.full_clean()
    feedback.save()
    FeedbackStep.objects.create(
        feedback=feedback,
        user=user,
        from_status=feedback.status,
        to_status=feedback.status,
        note=str(
            _("Time limit extended to %(d)s: %(r)s")
            % {"d": f"{feedback.response_due:%d/%m/%Y}", "r": note.strip()}
        ),
        at=_moment(today, feedback),
    )
    return feedback


def deadline_rules_load(*, model=FeedbackDeadlineRule) -> int:
    """Create the fixture's complaint and denunciation time limits that are missing (a migration
    passes its model)."""
    import json
    from pathlib import Path

    data = json.loads(
        (Path(__file__).resolve().parent.parent / "fixtures" / "feedback_deadlines.json").read_text(
            "utf-8"
        )
    )
    created = 0
    for item in data["rules"]:
        fields = {k: v for k, v in item.items() if k not in ("kind", "valid_from")}
        if fields.get("valid_until"):
            fields["valid_until"] = dt.date.fromisoformat(fields["valid_until"])
        _row, new = model.objects.get_or_create(
            kind=item["kind"], valid_from=dt.date.fromisoformat(item["valid_from"]), defaults=fields
        )
        created += int(new)
    return created
