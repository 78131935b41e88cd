"""``/reports/accountability/``: the report as an HTML page with server-drawn SVG charts.

Same parameters, scope and computation as the API (``reports.params``,
``reports.report``); bad parameters give the page again with the messages
(400), a unit outside the user's scope 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from reports import formats, params, svg
from reports.frames import ORGANIZER_LEVELS, SEVERITIES
from reports.render import (
    LABELS,
    LEVEL_LABELS,
    ORGANIZER_LABELS,
    SEVERITY_LABELS,
    method_in_words,
    service_summary,
    total_metrics,
)
from reports.report import build_report
from staff.access import visible_units

YEARS_BACK = 10


def _chart_label(row: dict) -> str:
    return f"{row['name']} ({row['code']})"


def _chart_groups(rows: list[dict], root_code: str) -> list[dict]:
    """Charts per peer group: units drawn only beside their peers, never beside the totals
    containing them.

    The requested unit's own figures are the totals above the charts, so a
    group holding only the requested unit is not drawn.
    """
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["peer_group"], []).append(row)
    result = []
    for group, members in groups.items():
        if [m["code"] for m in members] == [root_code]:
            continue
        names = [_chart_label(row) for row in members]
        title = formats.peer_group_name(group)
        result.append(
            {
                "title": title[:1].upper() + title[1:],
                "charts": [
                    svg.bar_chart(
                        _("Scores by unit"),
                        names,
                        [row["score"] for row in members],
                        maximum=100,
                        value_format=formats.score,
                    ),
                    svg.stacked_bar_chart(
                        _("Findings by severity"),
                        names,
                        [
                            (
                                str(SEVERITY_LABELS[s]),
                                [row[f"findings_by_severity.{s}"] for row in members],
                            )
                            for s in SEVERITIES
                        ],
                    ),
                    svg.stacked_bar_chart(
                        _("Training turns by organiser level"),
                        names,
                        [
                            (
                                str(ORGANIZER_LABELS[lvl]),
                                [
                                    row[f"training_turns_by_organizer_level.{lvl}"]
                                    for row in members
                                ],
                            )
                            for lvl in ORGANIZER_LEVELS
                        ],
                    ),
                ],
            }
        )
    return result


@login_required
def accountability(request):
    if not request.user.has_perm("staff.view_unit"):
        raise PermissionDenied
    this_year = timezone.localdate().year
    context: dict[str, Any] = {
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
    groups = dict(zip(report.units["code"], report.units["peer_group"], strict=True))
    top = min(depths.values(), default=0)
    components = report.methodology.components
    missing = {c.key for c in report.missing_components}
    for row in rows:
        row["level_label"] = str(LEVEL_LABELS.get(row["level"], row["level"]))
        row["indent"] = min(int(depths[row["code"]] - top), 4)
        row["peer_group"] = groups[row["code"]]
        row["rank_text"] = formats.rank_text(row["rank"], row["peers"], row["peer_group"])
        row["points"] = [row[f"points.{c.key}"] for c in components if c.key not in missing]
    query = {k: v for k, v in request.GET.items() if k in ("year", "start", "end", "unit")}
    api = reverse("report-accountability")
    xlsx_query = {**query, "format": "xlsx"}
    if wanted.root.level == "province":
        # The whole province's workbook is built by a background job (core/jobs.py).
        xlsx_query["async"] = "1"
    units = (
        visible_units(request.user)
        .active_during(wanted.period.start, wanted.period.end)
        .order_by("path")
        .values("code", "name", "depth")
    )
    context.update(
        {
            "report": report,
            "rows": rows,
            "total": total_metrics(report.total),
            "chart_groups": _chart_groups(rows, wanted.root.code),
            "components": [
                c.label(translation.get_language()) for c in components if c.key not in missing
            ],
            "own_row": next((row for row in rows if row["code"] == wanted.root.code), None),
            "method": method_in_words(report),
            "service": service_summary(report),
            "units": list(units),
            "selected_unit": wanted.root.code,
            "selected_year": wanted.period.start.year if wanted.period.is_whole_years else None,
            "xlsx_url": f"{api}?{urlencode(xlsx_query)}",
            "csv_url": f"{api}?{urlencode({**query, 'format': 'csv'})}",
            "pdf_url": f"{api}?{urlencode({**query, 'format': 'pdf'})}",
        }
    )
    return render(request, "reports/accountability.html", context)
