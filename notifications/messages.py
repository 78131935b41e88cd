"""The words of each kind of notification, in the recipient's language.

Each message is built from a small ``context`` of plain values stored with
the notification, so e-mails are rendered later without reading the records
again. Citizens' messages carry the tracking code and the status only.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from notifications.choices import NotificationKind as K


def _day(value: str | None) -> str:
    """ISO date -> dd/mm/yyyy, as people here write dates."""
    if not value:
        return ""
    year, month, day = value.split("-")
    return f"{day}/{month}/{year}"


def _texts(kind: str, c: dict) -> tuple[str, str]:
    if kind == K.FEEDBACK_NEW:
        return (
            _("New feedback %(code)s about %(unit)s") % c,
            _(
                "Citizen feedback %(code)s about %(unit)s was received on %(received)s and "
                "waits for triage."
            )
            % {**c, "received": _day(c.get("received"))},
        )
    if kind == K.FEEDBACK_STATUS:
        return (
            _("Your feedback %(code)s: %(status)s") % {**c, "status": _status(c["status"])},
            _("The status of your feedback %(code)s is now: %(status)s.")
            % {**c, "status": _status(c["status"])},
        )
    if kind == K.ACTION_ASSIGNED:
        return (
            _("Corrective action for %(unit)s, due %(due)s") % {**c, "due": _day(c["due"])},
            _("%(unit)s must carry out a corrective action by %(due)s: %(text)s")
            % {**c, "due": _day(c["due"])},
        )
    if kind == K.ACTION_DUE:
        return (
            _("Corrective action due on %(due)s") % {"due": _day(c["due"])},
            _("The corrective action of %(unit)s is due on %(due)s and is still open: %(text)s")
            % {**c, "due": _day(c["due"])},
        )
    if kind == K.ACTION_OVERDUE:
        return (
            _("Corrective action overdue since %(due)s") % {"due": _day(c["due"])},
            _("The corrective action of %(unit)s was due on %(due)s and is still open: %(text)s")
            % {**c, "due": _day(c["due"])},
        )
    if kind in (K.CASE_DEADLINE_15, K.CASE_DEADLINE_5):
        days = 15 if kind == K.CASE_DEADLINE_15 else 5
        return (
            _("Disciplinary case #%(id)s: handling deadline %(due)s")
            % {**c, "due": _day(c["due"])},
            _(
                "The handling deadline of disciplinary case #%(id)s (%(unit)s) is %(due)s, "
                "in %(days)s days or less."
            )
            % {**c, "due": _day(c["due"]), "days": days},
        )
    if kind == K.CASE_DEADLINE_PASSED:
        return (
            _("Disciplinary case #%(id)s: handling deadline passed") % c,
            _(
                "The handling deadline of disciplinary case #%(id)s (%(unit)s) was %(due)s "
                "and the case is still open."
            )
            % {**c, "due": _day(c["due"])},
        )
    if kind == K.CASE_STATUTE_30:
        return (
            _("Disciplinary case #%(id)s: statute of limitations ends %(due)s")
            % {**c, "due": _day(c["due"])},
            _("The statute of limitations of disciplinary case #%(id)s (%(unit)s) ends on %(due)s.")
            % {**c, "due": _day(c["due"])},
        )
    if kind == K.PETITION_DUE:
        return (
            _("Answer to petition %(code)s due on %(due)s") % {**c, "due": _day(c["due"])},
            _(
                "The answer to petition %(code)s about %(unit)s is due on %(due)s (within 3 "
                "working days)."
            )
            % {**c, "due": _day(c["due"])},
        )
    if kind == K.PETITION_OVERDUE:
        return (
            _("Answer to petition %(code)s overdue") % c,
            _("The answer to petition %(code)s about %(unit)s was due on %(due)s.")
            % {**c, "due": _day(c["due"])},
        )
    if kind == K.PLAN_ITEM_ASSIGNED:
        return (
            _("Improvement plan item for %(unit)s, due %(due)s") % {**c, "due": _day(c["due"])},
            _(
                "%(unit)s is responsible for an item of the %(year)s plan to improve the "
                "PAR index (criterion %(criterion)s), due on %(due)s: %(text)s"
            )
            % {**c, "due": _day(c["due"])},
        )
    if kind == K.PLAN_ITEM_DUE:
        return (
            _("Improvement plan item due on %(due)s") % {"due": _day(c["due"])},
            _(
                "The item of the %(year)s PAR index improvement plan (criterion "
                "%(criterion)s) of %(unit)s is due on %(due)s and is not done: %(text)s"
            )
            % {**c, "due": _day(c["due"])},
        )
    if kind == K.PLAN_ITEM_OVERDUE:
        return (
            _("Improvement plan item overdue since %(due)s") % {"due": _day(c["due"])},
            _(
                "The item of the %(year)s PAR index improvement plan (criterion "
                "%(criterion)s) of %(unit)s was due on %(due)s and is not done: %(text)s"
            )
            % {**c, "due": _day(c["due"])},
        )
    if kind == K.OVERDUE_DIGEST:
        lines = [_("Became overdue in %(unit)s up to %(day)s:") % {**c, "day": _day(c["day"])}]
        labels = {
            "action": _("corrective action"),
            "case": _("disciplinary case"),
            "feedback": _("petition"),
        }
        for item in c["items"]:
            lines.append(
                f"- {labels[item['type']]} {item['label']} ({item['unit']}), {_day(item['due'])}"
            )
        return (
            _("%(count)s item(s) became overdue in %(unit)s") % {**c, "count": len(c["items"])},
            "\n".join(lines),
        )
    raise ValueError(kind)


def _status(value: str) -> str:
    from inspections.feedback.choices import FeedbackStatus

    try:
        return str(FeedbackStatus(value).label)
    except ValueError:
        return value


def render(kind: str, context: dict, language: str) -> tuple[str, str]:
    """(subject, text) of a notification in ``language``."""
    with translation.override(language):
        subject, body = _texts(kind, context)
    return subject[:255], body
