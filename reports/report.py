"""One call from parameters to a ``Report``: queries -> frames, shared by the API, the page and the
command.

Scope is not checked here: callers pass a root the user may see
(``staff.access``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import frames, queries
from reports.frames import Period
from reports.render import Report
from reports.scoring import Methodology
from staff.models import Unit

_LEVEL_PREFIX = re.compile(
    r"^(tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường|đặc khu)\s+", re.IGNORECASE
)
_PEOPLES_COMMITTEE_LEVELS = {"province", "district", "commune"}


def default_place(unit: Unit) -> str:
    """The place name of the document's date line: the unit's name without its level word."""
    return _LEVEL_PREFIX.sub("", unit.name).strip() or unit.name


def default_issuing_body(unit: Unit) -> str:
    """The People's Committee of a local unit, or a department's own name.

    ``settings.REPORT_ISSUING_BODY`` (if set) replaces it for every report.
    """
    configured = settings.REPORT_ISSUING_BODY
    if configured:
        return configured
    if unit.level in _PEOPLES_COMMITTEE_LEVELS:
        return _("People's Committee of %(unit)s") % {"unit": unit.name}
    return unit.name


def default_symbol(unit: Unit) -> str:
    """The issuing body's abbreviation in the document symbol "BC-UBND" (Decree 30/2020, appendix).

    "UBND" for a People's Committee; a department's initials ("Phòng Nội vụ" -> "PNV") otherwise;
    ``settings.REPORT_DOCUMENT_SYMBOL`` (if set) replaces it for every report.
    """
    configured = settings.REPORT_DOCUMENT_SYMBOL
    if configured:
        return configured
    if unit.level in _PEOPLES_COMMITTEE_LEVELS:
        return "UBND"

    letters = [word[0] for word in unit.name.split() if word[:1].isalpha()]
    text = unicodedata.normalize("NFD", "".join(letters).upper().replace("Đ", "D"))
    return "".join(c for c in text if c.isascii() and c.isalpha()) or "UBND"


def top_unit() -> Unit | None:
    """The default root: the first top-level unit of the tree."""
    return Unit.objects.filter(parent__isnull=True).order_by("path").first()


def build_report(
    root: Unit,
    period: Period,
    *,
    methodology: Methodology | None = None,
    today: dt.date | None = None,
    issuing_body: str | None = None,
    place: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Report:
    """Compute the accountability report of ``root``'s subtree for ``period``.

    The figures are computed for the whole tree ``root`` belongs to and the
    rows cut to ``root``'s subtree afterwards, so a unit's rank among its
    peers is the same whoever reads the report. ``methodology`` defaults to
    the one in force on the period's last day (``reports.models``).
    """
    from reports.models import methodology_for

    methodology = methodology or methodology_for(period.end)
    today = today or timezone.localdate()
    top_id = int(root.path.strip("/").split("/")[0])
    # The queries read only the top unit's id and path (paths are "/id/.../"):
    # no query for it.
    top = root if top_id == root.pk else Unit(pk=top_id, path=f"/{top_id}/", parent_id=None)
    rows = queries.report_rows(top, period, today=today, on_step=on_step)
    units = frames.units_frame(rows.units)
    current = frames.counts_frame(rows.counts[0])
    previous = frames.counts_frame(rows.counts[1])
    values = frames.values_frame(rows.values)
    report_frame = frames.build_report(units, current, previous, period, methodology, values)
    if top.pk != root.pk:
        report_frame = report_frame.take(
            [i for i, path in enumerate(report_frame["path"]) if path.startswith(root.path)]
        )
    if report_frame.has_row(root.pk):
        total = report_frame.row(root.pk, frames.METRIC_COLUMNS)
    else:  # the root was not in force during the period: sum its former subtree
        total = frames.subtree_total(units, current, root.pk, values)
    if on_step is not None:
        on_step("frames")
    return Report(
        period=period,
        root={"code": root.code, "name": root.name, "level": root.level},
        units=report_frame,
        total=total,
        methodology=methodology,
        missing_components=methodology.missing(set(frames.METRIC_COLUMNS)),
        generated_on=today,
        issuing_body=issuing_body if issuing_body is not None else default_issuing_body(root),
        place=place if place is not None else default_place(root),
        document_symbol=default_symbol(root),
    )
