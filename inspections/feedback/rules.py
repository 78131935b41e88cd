"""Pure rules of citizen feedback: tracking codes, classification, due dates, triage moves.

No ORM and no request here, so every rule is tested alone (hypothesis and a
frozen clock in tests/inspections/test_feedback_rules.py).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets

from core.workdays import Calendar, add_working_days
from inspections.feedback.choices import FeedbackStatus

# Digits and upper-case letters without the look-alikes 0/O, 1/I/L and U/V
# confusion (U dropped): a code read aloud over the phone or copied from a
# receipt survives.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "PA"  # phản ánh
GROUPS = 4
GROUP_LENGTH = 4
RANDOM_CHARS = GROUPS * GROUP_LENGTH
ENTROPY_BITS = RANDOM_CHARS * math.log2(len(ALPHABET))  # about 78.5 bits
_CODE_RE = re.compile(rf"^{PREFIX}(-[{ALPHABET}]{{{GROUP_LENGTH}}}){{{GROUPS}}}$")


def generate_tracking_code(randbelow=secrets.randbelow) -> str:
    """A new code such as ``PA-7K3M-9QX2-HV4T-ZC8N`` from the OS's secure random source.

    One uniform draw below 30**16, written in base 30: every code is equally
    likely (about 78.5 bits), and one call per code keeps bulk seeding fast.
    """
    number = randbelow(len(ALPHABET) ** RANDOM_CHARS)
    chars = []
    for _ in range(RANDOM_CHARS):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    groups = ["".join(chars[i : i + GROUP_LENGTH]) for i in range(0, RANDOM_CHARS, GROUP_LENGTH)]
    return "-".join([PREFIX, *groups])


def is_tracking_code(value: str) -> bool:
    return bool(_CODE_RE.match(value or ""))


def normalize_tracking_code(value: str | None) -> str | None:
    """What the citizen typed -> the canonical code, or ``None`` if it cannot be one.

    Case, spaces and dashes do not matter; characters outside the alphabet
    (0, 1, I, L, O, U) mean a mistyped code and give ``None``.
    """
    if not value:
        return None
    compact = re.sub(r"[\s\-_.]", "", value.upper())
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    if len(compact) != RANDOM_CHARS or any(ch not in ALPHABET for ch in compact):
        return None
    groups = [compact[i : i + GROUP_LENGTH] for i in range(0, RANDOM_CHARS, GROUP_LENGTH)]
    return "-".join([PREFIX, *groups])


def is_formal_petition(
    *, name: str, address: str, phone: str = "", email: str = "", postal_address: str = ""
) -> bool:
    """A formal petition gives a name, an address and a way to reach the person.

    Decree 20/2008/NĐ-CP art. 7 cl. 1(d): "tên, địa chỉ, số điện thoại (hoặc
    địa chỉ thư tín khi cần liên hệ)"; Decree 92/2017 as the brief reads it adds
    e-mail. So name + address + (phone or e-mail or postal address).
    """
    has = [bool((value or "").strip()) for value in (name, address, phone, email, postal_address)]
    return has[0] and has[1] and any(has[2:])


def procedure_deadline(
    *,
    accepted_on: dt.date | None,
    days: int,
    extension_days: int,
    extensions: int,
    max_extensions: int,
    calendar: Calendar | None = None,
) -> dt.date | None:
    """The day a complaint or denunciation must be resolved: acceptance + days (+ extensions).

    Law on Denunciations 2018 art. 30: 30 days from acceptance (thụ lý), one
    extension of up to 30 days for a complex case, two for an especially
    complex one. Law on Complaints 2011 art. 28: 30 days, up to 45 for a
    complex case. No deadline before the case is accepted. A last day that is
    a weekend day or holiday moves to the next working day (Civil Code 2015
    art. 148 cl. 5).
    """
    if accepted_on is None:
        return None
    if not 0 <= extensions <= max_extensions:
        raise ValueError(f"extensions must be between 0 and {max_extensions}")
    due = accepted_on + dt.timedelta(days=days + extension_days * extensions)
    cal = calendar or Calendar()
    while not cal.is_working_day(due):
        due += dt.timedelta(days=1)
    return due


def response_due(
    received_on: dt.date, *, is_formal: bool, working_days: int, calendar: Calendar
) -> dt.date | None:
    """The date the answer is due: ``working_days`` working days after receipt, for formal
    petitions.

    Reference information (anonymous or incomplete identity) has no due date.
    """
    if not is_formal:
        return None
    return add_working_days(received_on, working_days, calendar)


# Each triage move an inspector may make. A conclusion (substantiated,
# unsubstantiated, referred) is the answer; "closed" archives it, or ends a
# duplicate or spam submission straight from "received".
TRANSITIONS: dict[str, frozenset[str]] = {
    FeedbackStatus.RECEIVED: frozenset(
        {FeedbackStatus.UNDER_REVIEW, FeedbackStatus.REFERRED, FeedbackStatus.CLOSED}
    ),
    FeedbackStatus.UNDER_REVIEW: frozenset(
        {FeedbackStatus.SUBSTANTIATED, FeedbackStatus.UNSUBSTANTIATED, FeedbackStatus.REFERRED}
    ),
    FeedbackStatus.SUBSTANTIATED: frozenset({FeedbackStatus.CLOSED}),
    FeedbackStatus.UNSUBSTANTIATED: frozenset({FeedbackStatus.CLOSED, FeedbackStatus.UNDER_REVIEW}),
    FeedbackStatus.REFERRED: frozenset({FeedbackStatus.CLOSED}),
    FeedbackStatus.CLOSED: frozenset(),
}
# Moves that give the citizen an answer: they need a public answer and set resolved_on.
ANSWERING = frozenset(
    {
        FeedbackStatus.SUBSTANTIATED,
        FeedbackStatus.UNSUBSTANTIATED,
        FeedbackStatus.REFERRED,
        FeedbackStatus.CLOSED,
    }
)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def substantiated_after(current: bool | None, target: str) -> bool | None:
    """The ``substantiated`` flag after a move: set by a conclusion, kept when closing."""
    if target == FeedbackStatus.SUBSTANTIATED:
        return True
    if target == FeedbackStatus.UNSUBSTANTIATED:
        return False
    if target == FeedbackStatus.UNDER_REVIEW:
        return None
    return current


def resolved_on_after(current: dt.date | None, target: str, today: dt.date) -> dt.date | None:
    """The first answer's date; reopening a dismissal clears it, closing keeps it."""
    if target == FeedbackStatus.UNDER_REVIEW:
        return None
    if target in ANSWERING and current is None:
        return today
    return current
