"""``/reports/accountability/``: the report as an HTML page with server-drawn SVG charts.

Same parameters, scope and computation as the API (``reports.params``,
``reports.report``); bad parameters give the page again with the messages
(400), a unit outside the user's scope 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from reports import params, svg
from reports.frames import ORGANIZER_LEVELS, SEVERITIES
from reports.render import LABELS, LEVEL_LABELS, ORGANIZER_LABELS, SEVERITY_LABELS, method_in_words
from reports.report import build_report
from staff.access import visible_units

YEARS_BACK = 10


def _charts(rows: list[dict]) -> list[str]:
    names = [f"{row['code']} · {row['name']}" for row in rows]
    return [
        svg.bar_chart(_("Scores by unit"), names, [row["score"] for row in rows], maximum=100),
        svg.stacked_bar_chart(
            _("Findings by severity"), names,
            [(str(SEVERITY_LABELS[s]), [row[f"findings_by_severity.{s}"] for row in rows]) for s in SEVERITIES],
        ),
        svg.stacked_bar_chart(
            _("Training turns by organiser level"), names,
            [(str(ORGANIZER_LABELS[lvl]), [row[f"training_turns_by_organizer_level.{lvl}"] for row in rows])
             for lvl in ORGANIZER_LEVELS],
        ),
    ]


@login_required
def accountability(request):
    if not request.user.has_perm("staff.view_unit"):
        raise PermissionDenied
    this_year = timezone.localdate().year
    context = {
        "years": list(range(this_year, this_year - YEARS_BACK, -1)),
        "labels": {k: str(v) for k, v in LABELS.items()},
    }
    try:
        wanted = params.resolve(request.user, request.GET)
    except ValidationError as exc:
        context["errors"] = exc.detail
        return render(request, "reports/accountability.html", context, status=400)
    report = build_report(wanted.root, wanted.period)
    rows = list(report.unit_rows())
    depths = dict(zip(report.units["code"], report.units["depth"], strict=True))
    top = min(depths.values(), default=0)
    for row in rows:
        row["level_label"] = str(LEVEL_LABELS.get(row["level"], row["level"]))
        row["indent"] = int(depths[row["code"]] - top)
    query = {k: v for k, v in request.GET.items() if k in ("year", "start", "end", "unit")}
    api = reverse("report-accountability")
    units = (
        visible_units(request.user).active_during(wanted.period.start, wanted.period.end)
        .order_by("path").values("code", "name", "depth")
    )
    context.update({
        "report": report,
        "rows": rows,
        "total": dict(report.total.items()),
        "charts": _charts(rows),
        "method": method_in_words(report),
        "units": list(units),
        "selected_unit": wanted.root.code,
        "selected_year": wanted.period.start.year if wanted.period.is_whole_years else None,
        "xlsx_url": f"{api}?{urlencode({**query, 'format': 'xlsx'})}",
        "csv_url": f"{api}?{urlencode({**query, 'format': 'csv'})}",
    })
    return render(request, "reports/accountability.html", context)
