""" "My work" (Việc của tôi): what is due or overdue for the signed-in user, by role.

Each section is a fixed number of queries whatever the number of rows (the
list is cut at ``LIMIT`` lines, with the full count and a link to the
filtered list), and every line links to the record. Leaders (the auditor,
the admin, and heads of a unit that has sub-units) also get counts per unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inspections.casework.choices import ActionStatus, InspectionStatus
from inspections.feedback.choices import FeedbackStatus
from inspections.models import CitizenFeedback, CorrectiveAction, DisciplinaryCase, Inspection
from staff.access import restrict
from staff.models import Staff, Unit

LIMIT = 10
ACTION_HORIZON = 7
CASE_HORIZON = 14
STATUTE_HORIZON = 30


@dataclass
class Line:
    text: str
    url: str | None
    when: str = ""
    overdue: bool = False


@dataclass
class Section:
    key: str
    title: object
    empty: object
    lines: list[Line] = field(default_factory=list)
    count: int = 0
    more_url: str | None = None


def _url(name: str, *args, query: str = "") -> str | None:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def _days_text(due: dt.date, today: dt.date) -> tuple[str, bool]:
    delta = (due - today).days
    if delta < 0:
        return ngettext("%(n)d day overdue", "%(n)d days overdue", -delta) % {"n": -delta}, True
    if delta == 0:
        return str(_("due today")), False
    return ngettext("due in %(n)d day", "due in %(n)d days", delta) % {"n": delta}, False


def actions_due(user, today: dt.date) -> Section:
    """Open corrective actions due within a week or overdue (2 queries)."""
    qs = restrict(CorrectiveAction.objects.still_open(), user).filter(
        due_date__lte=today + dt.timedelta(days=ACTION_HORIZON)
    )
    section = Section(
        "actions_due",
        _("Corrective actions due within 7 days or overdue"),
        _("No corrective action is due."),
        count=qs.count(),
        more_url=_url("app:action-list", query="status=open&sort=due"),
    )
    _add_urgent_actions(section, qs, today)
    return section


def _add_urgent_actions(section: Section, qs, today: dt.date) -> None:
    """The first actions of ``qs`` by due date, each with how soon or how late it is."""
    for action in qs.select_related("unit").order_by("due_date", "pk")[:LIMIT]:
        when, late = _days_text(action.due_date, today)
        section.lines.append(
            Line(
                f"{action.unit.name}: {action.description[:90]}",
                _url("app:action-detail", action.pk),
                when,
                late,
            )
        )


def actions_open(user, today: dt.date) -> Section:
    """A unit head's open corrective actions, the most urgent first (2 queries)."""
    qs = restrict(CorrectiveAction.objects.still_open(), user)
    section = Section(
        "actions_open",
        _("Corrective actions your unit must carry out"),
        _("Your unit has no open corrective action."),
        count=qs.count(),
        more_url=_url("app:action-list", query="status=open&sort=due"),
    )
    _add_urgent_actions(section, qs, today)
    return section


def actions_to_verify(user, today: dt.date) -> Section:
    """Actions reported done, waiting for an inspector (2 queries)."""
    qs = restrict(CorrectiveAction.objects.all(), user).filter(status=ActionStatus.DONE)
    section = Section(
        "actions_to_verify",
        _("Corrective actions reported done, to verify"),
        _("Nothing waits for verification."),
        count=qs.count(),
        more_url=_url("app:action-list", query="status=done"),
    )
    for action in qs.select_related("unit").order_by("done_on", "pk")[:LIMIT]:
        when = (
            _("done on %(d)s") % {"d": action.done_on.strftime("%d/%m/%Y")}
            if action.done_on
            else ""
        )
        section.lines.append(
            Line(
                f"{action.unit.name}: {action.description[:90]}",
                _url("app:action-detail", action.pk),
                when,
            )
        )
    return section


def feedback_waiting(user, today: dt.date) -> Section:
    """Feedback not answered yet; overdue formal petitions first (2 queries)."""
    qs = restrict(CitizenFeedback.objects.open(), user)
    section = Section(
        "feedback_waiting",
        _("Citizen feedback awaiting an answer"),
        _("No feedback is waiting."),
        count=qs.count(),
        more_url=_url("app:feedback-list", query="open=true"),
    )
    rows = qs.select_related("unit").order_by("response_due", "received_at", "pk")
    for item in rows[:LIMIT]:
        if item.response_due:
            when, late = _days_text(item.response_due, today)
        else:
            when, late = str(_("reference information, no deadline")), False
        label = f"{item.tracking_code} · {item.unit.name} · {FeedbackStatus(item.status).label}"
        section.lines.append(Line(label, _url("app:feedback-detail", item.pk), when, late))
    return section


def inspections_running(user, today: dt.date) -> Section:
    """Inspections planned or in progress (2 queries)."""
    qs = restrict(Inspection.objects.all(), user).filter(
        status__in=[InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS]
    )
    section = Section(
        "inspections_running",
        _("Inspections planned or in progress"),
        _("No inspection is running."),
        count=qs.count(),
        more_url=_url("app:inspection-list", query="status=in_progress"),
    )
    for item in qs.select_related("unit").order_by("start_date", "pk")[:LIMIT]:
        when = _("from %(d)s") % {"d": item.start_date.strftime("%d/%m/%Y")}
        section.lines.append(
            Line(
                f"{item.code} · {item.unit.name} · {InspectionStatus(item.status).label}",
                _url("app:inspection-detail", item.code),
                str(when),
            )
        )
    return section


def cases_near_deadline(user, today: dt.date) -> Section:
    """Open cases whose handling deadline is within 14 days (or passed) or whose statute ends within
    30 (2 queries)."""
    qs = restrict(DisciplinaryCase.objects.still_open(), user).filter(
        Q(handling_deadline__lte=today + dt.timedelta(days=CASE_HORIZON))
        | Q(statute_deadline__lte=today + dt.timedelta(days=STATUTE_HORIZON))
    )
    section = Section(
        "cases_near_deadline",
        _("Disciplinary cases near a deadline"),
        _("No case is near its deadline."),
        count=qs.count(),
        more_url=_url("app:case-list", query="open=true"),
    )
    for case in qs.select_related("staff").order_by("handling_deadline", "pk")[:LIMIT]:
        dates = [d for d in (case.handling_deadline, case.statute_deadline) if d]
        due = min(dates) if dates else today
        when, late = _days_text(due, today)
        which = (
            _("statute of limitations")
            if case.statute_deadline and due == case.statute_deadline
            else _("handling deadline")
        )
        section.lines.append(
            Line(
                f"#{case.pk} {case.staff.full_name} · {which}",
                _url("app:case-detail", case.pk),
                when,
                late,
            )
        )
    return section


def findings_proposed(user, today: dt.date) -> Section:
    """Findings an inspector proposed for a disciplinary case, with no case yet (2 queries)."""
    from inspections.models import Finding

    qs = restrict(
        Finding.objects.filter(case_proposed_at__isnull=False, discipline_cases__isnull=True), user
    )
    section = Section(
        "findings_proposed",
        _("Disciplinary cases proposed by inspectors"),
        _("No proposal waits for a decision."),
        count=qs.count(),
        more_url=_url("app:case-list"),
    )
    for finding in qs.select_related("staff", "case_proposed_by").order_by(
        "case_proposed_at", "pk"
    )[:LIMIT]:
        when = _("proposed %(d)s") % {
            "d": timezone.localtime(finding.case_proposed_at).strftime("%d/%m/%Y")
        }
        url = _url("app:case-open", query=f"finding={finding.pk}")
        section.lines.append(
            Line(
                f"{finding.staff.full_name if finding.staff else '#' + str(finding.pk)} · "
                f"{finding.description[:80]}",
                url,
                str(when),
            )
        )
    return section


def courses_this_month(user, today: dt.date) -> Section:
    """Courses starting this month (2 queries)."""
    from training.models import Course

    start = today.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    # The access layer's rows of courses: organised by the user's units or attended from them.
    qs = restrict(Course.objects.filter(start_date__range=(start, end)), user)
    section = Section(
        "courses_this_month",
        _("Courses starting this month"),
        _("No course starts this month."),
        count=qs.count(),
        more_url=_url(
            "app:course-list", query=f"date_from={start.isoformat()}&date_to={end.isoformat()}"
        ),
    )
    for course in qs.order_by("start_date", "pk")[:LIMIT]:
        when = _("starts %(d)s") % {"d": course.start_date.strftime("%d/%m/%Y")}
        section.lines.append(
            Line(f"{course.code} · {course.title}", _url("app:course-detail", course.pk), str(when))
        )
    return section


def below_requirement(user, today: dt.date) -> Section:
    """Staff below this year's training requirement, as the count per unit (3 queries)."""
    from training.compliance import unit_compliance

    # Only the staff the access layer shows; units outside it count nobody and drop out.
    staff = restrict(Staff.objects.all(), user)
    rows = [
        r
        for r in unit_compliance(today.year, staff=staff)
        if r["own_counted"] and r["own_counted"] > r["own_met"]
    ]
    rows.sort(key=lambda r: -(r["own_counted"] - r["own_met"]))
    section = Section(
        "below_requirement",
        _("People below this year's training requirement"),
        _("Everyone meets this year's requirement so far."),
        count=sum(r["own_counted"] - r["own_met"] for r in rows),
        more_url=_url("app:compliance", query=f"year={today.year}"),
    )
    for row in rows[:LIMIT]:
        below = row["own_counted"] - row["own_met"]
        text = ngettext("%(unit)s: %(n)d person below", "%(unit)s: %(n)d people below", below) % {
            "unit": row["name"],
            "n": below,
        }
        section.lines.append(
            Line(text, _url("app:compliance", query=f"year={today.year}&unit={row['code']}"))
        )
    return section


def improvement_items_due(user, today: dt.date) -> Section:
    """Open improvement plan items (PAR index) due within 7 days or overdue, for the plan's unit (2
    queries).

    An item's owner is a staff member, who has no account: the line goes to
    the head of the plan's unit and to HR, who keep the plan.
    """
    from reform.models import ImprovementItem

    qs = (
        restrict(ImprovementItem.objects.all(), user)
        .open()
        .filter(due_date__lte=today + dt.timedelta(days=ACTION_HORIZON))
    )
    section = Section(
        "improvement_items_due",
        _("Improvement plan items due within 7 days or overdue"),
        _("No improvement plan item is due."),
        count=qs.count(),
        more_url=_url("app:plan-item-list", query="status=open&status=in_progress&sort=due"),
    )
    for item in qs.select_related("owner", "owner_unit").order_by("due_date", "pk")[:LIMIT]:
        when, late = _days_text(item.due_date, today)
        owner = item.owner.full_name if item.owner else item.owner_unit.name
        section.lines.append(
            Line(f"{owner}: {item.action[:90]}", _url("app:plan-item-detail", item.pk), when, late)
        )
    return section


SECTIONS_BY_ROLE = {
    "inspector": [actions_due, actions_to_verify, feedback_waiting, inspections_running],
    "admin": [actions_due, actions_to_verify, feedback_waiting, cases_near_deadline],
    "hr": [
        findings_proposed,
        cases_near_deadline,
        courses_this_month,
        below_requirement,
        improvement_items_due,
    ],
    "unit_head": [actions_open, feedback_waiting, inspections_running, improvement_items_due],
    "auditor": [actions_due, feedback_waiting, cases_near_deadline],
}


def sections_for(user, role: str | None, today: dt.date) -> list[Section]:
    return [make(user, today) for make in SECTIONS_BY_ROLE.get(role or "", [])]


def is_leader(user, role: str | None) -> bool:
    """Auditors, admins, and heads whose units (as the access layer gives them) are more than
    one."""
    if role in ("auditor", "admin"):
        return True
    return role == "unit_head" and restrict(Unit.objects.all(), user)[:2].count() > 1


def counts_per_unit(user, today: dt.date) -> list[dict]:
    """Open and overdue work per unit one level below the top of the user's units, 5 queries.

    Counts are grouped by the unit's path in SQL and rolled up to the shown
    units in Python (a few hundred units at most).
    """
    units = restrict(Unit.objects.all(), user)
    # The top of what the user sees (its own unit, or the tree's roots), then one level below it.
    top = Subquery(units.order_by("depth").values("depth")[:1])
    shown = list(units.filter(depth=top + 1).order_by("path")) or list(
        units.filter(depth=top).order_by("path")
    )
    if not shown:
        return []

    def grouped(qs) -> dict[str, int]:
        return dict(qs.order_by().values_list("unit__path").annotate(n=Count("pk")))

    actions = restrict(CorrectiveAction.objects.all(), user)
    feedback = restrict(CitizenFeedback.objects.all(), user)
    metrics = {
        "actions_open": grouped(actions.still_open()),
        "actions_overdue": grouped(actions.overdue(today)),
        "feedback_open": grouped(feedback.open()),
        "cases_open": grouped(restrict(DisciplinaryCase.objects.still_open(), user)),
    }
    rows = []
    for unit in shown:
        row = {"unit": unit, "url": _url("app:action-list", query=f"unit={unit.code}&status=open")}
        for key, by_path in metrics.items():
            row[key] = sum(n for path, n in by_path.items() if path.startswith(unit.path))
        # Units of the past (merged, dissolved) only while they still hold open work.
        if unit.is_active_on(today) or any(row[key] for key in metrics):
            rows.append(row)
    return rows
