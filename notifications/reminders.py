"""What is due on a day, and to whom: the reminders of ``send_reminders``.

Each rule reads one domain queryset (the models' own ``overdue``,
``due_within``, ``limitation_expiring``... conditions), so the number of
queries is the same whatever the number of records. A reminder is keyed by
(record, kind, due date) in ``SentReminder`` with a unique constraint: run
twice, or by two processes at once, and the second finds the key (or hits the
constraint and rolls back) and sends nothing. Windows ("due within 7 days")
rather than exact days make a missed day caught up on the next run.

Every rule reads the same way: only what is still open now (the ``open``
conditions with no day), judged due or overdue as of the run's day. A
catch-up run for a past day (the worker was down) reminds of what is still
to do, never of work done, answered or decided since.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from core.bulk import insert_many
from core.workdays import add_working_days, load_calendar
from notifications.choices import NotificationKind as K
from notifications.models import Notification, ReminderRun, SentReminder
from notifications.recipients import Directory, UnitRef, leader_root
from notifications.services import Builder

# A run looks back at most this far for the digest window (days missed).
CATCH_UP_DAYS = 7


@dataclass
class Due:
    kind: str
    model: str
    object_id: int
    due_on: dt.date
    unit: UnitRef
    context: dict
    recipients: list = field(default_factory=list)


@dataclass
class Summary:
    day: dt.date
    due: int = 0
    reminders: int = 0
    notifications: int = 0
    by_kind: dict = field(default_factory=dict)


def _weekly_occurrence(due_date: dt.date, day: dt.date) -> dt.date:
    """The day of this week's overdue reminder: the first day overdue, then every 7 days."""
    first = due_date + dt.timedelta(days=1)
    return first + dt.timedelta(days=7 * ((day - first).days // 7))


def _actions(day: dt.date, directory: Directory, since: dt.date):
    from inspections.models import CorrectiveAction

    fields = ("pk", "due_date", "description", "unit_id", "unit__path", "unit__name")
    # Still open now: a run for a past day does not remind of an action done since.
    still_due = CorrectiveAction.objects.still_open()
    for row in still_due.due_within(day, 7).values(*fields).order_by("pk"):
        unit = UnitRef(row["unit_id"], row["unit__path"])
        context = {
            "id": row["pk"],
            "unit": row["unit__name"],
            "due": row["due_date"].isoformat(),
            "text": row["description"][:200],
            "record": "action",
        }
        yield Due(
            K.ACTION_DUE,
            "action",
            row["pk"],
            row["due_date"],
            unit,
            context,
            directory.heads_of(unit),
        )
    overdue = list(still_due.overdue(day).values(*fields).order_by("pk"))
    loggers = _action_loggers([row["pk"] for row in overdue])
    for row in overdue:
        unit = UnitRef(row["unit_id"], row["unit__path"])
        context = {
            "id": row["pk"],
            "unit": row["unit__name"],
            "due": row["due_date"].isoformat(),
            "text": row["description"][:200],
            "record": "action",
        }
        recipients = directory.heads_of(unit)
        logger = directory.logger(loggers.get(row["pk"]), unit)
        if logger is not None and logger not in recipients:
            recipients = [*recipients, logger]
        yield Due(
            K.ACTION_OVERDUE,
            "action",
            row["pk"],
            _weekly_occurrence(row["due_date"], day),
            unit,
            context,
            recipients,
        )


def _action_loggers(ids: list[int]) -> dict[int, int]:
    """Who logged each action: the user of its creation record in the history (one query)."""
    from inspections.models import CorrectiveAction

    if not ids:
        return {}
    history = CorrectiveAction.history.model.objects.filter(
        history_type="+", history_user__isnull=False
    )
    if len(ids) < 500:
        history = history.filter(id__in=ids)
    return dict(history.values_list("id", "history_user_id"))


def _cases(day: dt.date, directory: Directory, since: dt.date):
    from inspections.models import DisciplinaryCase

    # A case's status is its state now (``case_open``): a run for a past day does
    # not remind of a case decided or closed since.

    fields = ("pk", "handling_deadline", "statute_deadline", "unit_id", "unit__path", "unit__name")
    rules = [
        (
            K.CASE_DEADLINE_5,
            DisciplinaryCase.objects.handling_due_between(day, day + dt.timedelta(days=5)),
            "handling_deadline",
        ),
        (
            K.CASE_DEADLINE_15,
            DisciplinaryCase.objects.handling_due_between(
                day + dt.timedelta(days=6), day + dt.timedelta(days=15)
            ),
            "handling_deadline",
        ),
        (
            K.CASE_DEADLINE_PASSED,
            DisciplinaryCase.objects.open_past_deadline(day),
            "handling_deadline",
        ),
        (
            K.CASE_STATUTE_30,
            DisciplinaryCase.objects.limitation_expiring(day, 30),
            "statute_deadline",
        ),
    ]
    for kind, queryset, date_field in rules:
        for row in queryset.values(*fields).order_by("pk"):
            unit = UnitRef(row["unit_id"], row["unit__path"])
            due = row[date_field]
            context = {
                "id": row["pk"],
                "unit": row["unit__name"],
                "due": due.isoformat(),
                "record": "case",
            }
            yield Due(kind, "case", row["pk"], due, unit, context, directory.hr_for(unit))


def _petitions(day: dt.date, directory: Directory, since: dt.date):
    from inspections.models import CitizenFeedback

    calendar = load_calendar(day, day + dt.timedelta(days=30))
    last = add_working_days(day, 3, calendar)
    fields = (
        "pk",
        "tracking_code",
        "response_due",
        "assigned_to_id",
        "unit_id",
        "unit__path",
        "unit__name",
    )
    rules = [
        # Unanswered now: a run for a past day does not remind of a petition answered since.
        (K.PETITION_DUE, CitizenFeedback.objects.open().due_between(day, last)),
        (K.PETITION_OVERDUE, CitizenFeedback.objects.open().overdue(day)),
    ]
    for kind, queryset in rules:
        for row in queryset.values(*fields).order_by("pk"):
            unit = UnitRef(row["unit_id"], row["unit__path"])
            context = {
                "code": row["tracking_code"],
                "unit": row["unit__name"],
                "due": row["response_due"].isoformat(),
                "record": "feedback",
            }
            yield Due(
                kind,
                "feedback",
                row["pk"],
                row["response_due"],
                unit,
                context,
                directory.assigned_or_triage(row["assigned_to_id"], unit),
            )


def _owner_accounts(emails: set[str]) -> dict[str, list]:
    """Active accounts by lower-cased e-mail: how a plan item's owner (a staff record) is
    reached."""
    from django.contrib.auth import get_user_model

    from staff import access

    if not emails:
        return {}
    users = list(
        get_user_model()
        .objects.filter(is_active=True, email__in=sorted(emails))
        .exclude(email="")
        .order_by("pk")
    )
    access.preload_scopes(users)
    found: dict[str, list] = defaultdict(list)
    for user in users:
        found[user.email.lower()].append(user)
    return found


def _plan_items(day: dt.date, directory: Directory, since: dt.date):
    """Improvement plan items (PAR index): assigned, due within 7 days, overdue weekly.

    The owner is reached through the account with the owner's e-mail, if any,
    and the heads of the responsible unit (or the nearest unit above it whose
    head may see the item): never anyone the item is outside the scope of.
    "Assigned" goes out once per item and due date, on the first run that
    finds the item to do with its plan adopted and its due date not passed.
    Like every rule, only items still to do now, judged as of ``day``.
    """
    from reform.models import ImprovementItem

    fields = (
        "pk",
        "due_date",
        "action",
        "criterion_code",
        "owner__email",
        "owner__full_name",
        "owner_unit_id",
        "owner_unit__path",
        "owner_unit__name",
        "plan__unit_id",
        "plan__unit__path",
        "plan__year",
    )
    # Still to do now: a run for a past day does not remind of an item done since.
    items = ImprovementItem.objects.open().filter(
        Q(plan__adopted_on__isnull=True) | Q(plan__adopted_on__lte=day)
    )
    assigned_ct = ContentType.objects.get_for_model(ImprovementItem).pk
    announced = SentReminder.objects.filter(
        content_type_id=assigned_ct,
        kind=K.PLAN_ITEM_ASSIGNED,
        object_id=OuterRef("pk"),
        due_on=OuterRef("due_date"),
    )
    rules = [
        (
            K.PLAN_ITEM_ASSIGNED,
            items.open_on(day).filter(due_date__gte=day).exclude(Exists(announced)),
            False,
        ),
        (K.PLAN_ITEM_DUE, items.due_within(day, 7), False),
        (K.PLAN_ITEM_OVERDUE, items.overdue(day), True),
    ]
    found = [
        (kind, row, weekly)
        for kind, queryset, weekly in rules
        for row in queryset.values(*fields).order_by("pk")
    ]
    accounts = _owner_accounts(
        {row["owner__email"].lower() for _k, row, _w in found if row["owner__email"]}
    )
    for kind, row, weekly in found:
        owner_unit = UnitRef(row["owner_unit_id"], row["owner_unit__path"])
        scope_unit = UnitRef(row["plan__unit_id"], row["plan__unit__path"])
        mine = accounts.get((row["owner__email"] or "").lower(), [])
        context = {
            "id": row["pk"],
            "unit": row["owner_unit__name"],
            "owner": row["owner__full_name"] or "",
            "criterion": row["criterion_code"],
            "year": row["plan__year"],
            "due": row["due_date"].isoformat(),
            "text": row["action"][:200],
            "record": "improvement",
        }
        yield Due(
            kind,
            "improvement",
            row["pk"],
            _weekly_occurrence(row["due_date"], day) if weekly else row["due_date"],
            scope_unit,
            context,
            directory.owners_of(owner_unit, scope_unit, mine),
        )


def _became_overdue(day: dt.date, since: dt.date):
    """(type, id, label, unit, due) of what became overdue after ``since`` and up to ``day``."""
    from inspections.models import CitizenFeedback, CorrectiveAction, DisciplinaryCase

    first = since  # deadline ``since`` became overdue on since + 1
    for row in (
        CorrectiveAction.objects.still_open()
        .overdue(day)
        .filter(due_date__gte=first)
        .values("pk", "due_date", "unit_id", "unit__path", "unit__name")
        .order_by("due_date", "pk")
    ):
        yield (
            "action",
            row["pk"],
            f"#{row['pk']}",
            UnitRef(row["unit_id"], row["unit__path"]),
            row["unit__name"],
            row["due_date"],
        )
    for row in (
        DisciplinaryCase.objects.open_past_deadline(day)
        .filter(handling_deadline__gte=first)
        .values("pk", "handling_deadline", "unit_id", "unit__path", "unit__name")
        .order_by("handling_deadline", "pk")
    ):
        yield (
            "case",
            row["pk"],
            f"#{row['pk']}",
            UnitRef(row["unit_id"], row["unit__path"]),
            row["unit__name"],
            row["handling_deadline"],
        )
    for row in (
        CitizenFeedback.objects.open()
        .overdue(day)
        .filter(response_due__gte=first)
        .values("pk", "tracking_code", "response_due", "unit_id", "unit__path", "unit__name")
        .order_by("response_due", "pk")
    ):
        yield (
            "feedback",
            row["pk"],
            row["tracking_code"],
            UnitRef(row["unit_id"], row["unit__path"]),
            row["unit__name"],
            row["response_due"],
        )


def _digests(day: dt.date, directory: Directory, since: dt.date):
    items = list(_became_overdue(day, since))
    if not items:
        return
    # Items under each unit of their path, so a leader looks only at their subtree's
    # candidates; the scoping module still decides each one.
    under: dict[int, list] = defaultdict(list)
    for item in items:
        for part in item[3].path.strip("/").split("/"):
            under[int(part)].append(item)
    for leader in directory.leaders:
        root = leader_root(leader)
        if root is None:
            continue
        mine = [
            {"type": kind, "id": pk, "label": label, "unit": unit_name, "due": due.isoformat()}
            for kind, pk, label, unit, unit_name, due in under.get(root.pk, ())
            if directory.sees(leader, kind, unit)
        ]
        if mine:
            context = {
                "unit": root.name,
                "day": day.isoformat(),
                "items": mine[:200],
                "record": "inbox",
            }
            yield Due(
                K.OVERDUE_DIGEST,
                "user",
                leader.pk,
                day,
                UnitRef(root.pk, root.path),
                context,
                [leader],
            )


RULES = (_actions, _cases, _petitions, _plan_items, _digests)


def _content_types() -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from inspections.models import CitizenFeedback, CorrectiveAction, DisciplinaryCase
    from reform.models import ImprovementItem

    models = {
        "action": CorrectiveAction,
        "case": DisciplinaryCase,
        "feedback": CitizenFeedback,
        "improvement": ImprovementItem,
        "user": get_user_model(),
    }
    return {name: ContentType.objects.get_for_model(model).pk for name, model in models.items()}


def due_on(day: dt.date) -> tuple[list[Due], dt.date]:
    """Everything due on ``day`` with its recipients (not yet filtered by what was sent)."""
    previous = (
        ReminderRun.objects.filter(
            day__lt=day, day__gte=day - dt.timedelta(days=CATCH_UP_DAYS), finished_at__isnull=False
        )
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    since = previous or day - dt.timedelta(days=1)
    directory = Directory.load()
    return [due for rule in RULES for due in rule(day, directory, since)], since


def collect(day: dt.date) -> Summary:
    """Write the reminders due on ``day`` that were never sent, and their notifications.

    Atomic: the keys and the notifications are written together or not at
    all. A concurrent run for an overlapping window hits the unique key and
    rolls back, having sent nothing twice.
    """
    summary = Summary(day=day)
    items, _since = due_on(day)
    summary.due = len(items)
    cts = _content_types()
    with transaction.atomic():
        run, _created = ReminderRun.objects.get_or_create(day=day)
        kinds = {item.kind for item in items}
        if items:
            low = min(item.due_on for item in items)
            sent = set(
                SentReminder.objects.filter(kind__in=kinds, due_on__gte=low).values_list(
                    "content_type_id", "object_id", "kind", "due_on"
                )
            )
        else:
            sent = set()
        fresh = [i for i in items if (cts[i.model], i.object_id, i.kind, i.due_on) not in sent]
        insert_many(
            SentReminder,
            [
                SentReminder(
                    content_type_id=cts[i.model],
                    object_id=i.object_id,
                    kind=i.kind,
                    due_on=i.due_on,
                    run_day=day,
                )
                for i in fresh
            ],
        )
        users = {u.pk: u for i in fresh for u in i.recipients}
        builder = Builder(list(users.values()))
        rows = [
            builder.for_user(
                user,
                kind=i.kind,
                content_type_id=cts[i.model],
                object_id=i.object_id,
                context=i.context,
                due_on=i.due_on,
            )
            for i in fresh
            for user in i.recipients
        ]
        insert_many(Notification, rows)
        by_kind: dict[str, int] = defaultdict(int)
        for i in fresh:
            by_kind[i.kind] += 1
        ReminderRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(),
            reminders=F("reminders") + len(fresh),
            notifications=F("notifications") + len(rows),
        )
    summary.reminders, summary.notifications, summary.by_kind = len(fresh), len(rows), dict(by_kind)
    return summary


def collect_safely(day: dt.date) -> Summary:
    """``collect``, once more if a concurrent run won the race for some keys."""
    try:
        return collect(day)
    except IntegrityError:
        return collect(day)
