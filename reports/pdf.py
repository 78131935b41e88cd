"""The report as a PDF for signing: A4, in the layout Decree 30/2020/NĐ-CP gives administrative
documents.

Drawn on the server from an HTML template (``reports/pdf.html``) by
WeasyPrint, which needs Pango from the system (Debian: ``libpango-1.0-0``
and ``libpangoft2-1.0-0``; ``.ci/run`` installs them): no office suite.

The layout, top to bottom: the issuing body (upper case, bold) over the
document's number and symbol ("Số: ....../BC-UBND", the number left blank
for the clerk) on the left; the national title and motto, then the place
and date, on the right; the document type and title in the middle; the
body (period, totals, the method in words, the ranking and each
component's points); the recipients ("Nơi nhận") on the left and the
signature block on the right.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from reports import formats
from reports.render import LABELS, LEVEL_LABELS, Report, method_in_words, total_metrics

PDF_CONTENT_TYPE = "application/pdf"
# WeasyPrint logs every layout step at INFO: keep the request log readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
_PEOPLES_COMMITTEE_LEVELS = {"province", "district", "commune"}


def recipients(report: Report) -> list[str]:
    """``settings.REPORT_RECIPIENTS`` or "as above" and "filed" (the usual closing list)."""
    configured = settings.REPORT_RECIPIENTS
    if configured:
        return list(configured)
    return [_("As above;"), _("Filed: Clerical office.")]


def signature(report: Report) -> tuple[str, str]:
    """(authority line, title of the signer): "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH" for a People's
    Committee."""
    if report.root.get("level") in _PEOPLES_COMMITTEE_LEVELS and report.document_symbol == "UBND":
        return _("ON BEHALF OF THE PEOPLE'S COMMITTEE"), _("CHAIRPERSON")
    return "", _("HEAD OF THE ISSUING BODY")


def context(report: Report) -> dict[str, Any]:
    from reports.excel import number_line, official_date  # the workbook's, with xlsxwriter

    language = translation.get_language()
    components = [c for c in report.methodology.components if c not in report.missing_components]
    levels = {level: str(label) for level, label in LEVEL_LABELS.items()}
    groups = dict(zip(report.units["code"], report.units["peer_group"], strict=True))
    rows = []
    for row in report.unit_rows():
        rows.append(
            {
                "code": row["code"],
                "name": row["name"],
                "level": levels.get(row["level"], row["level"]),
                "staff": formats.count(row["staff_count"]),
                "score": formats.score(row["score"]),
                "rank": formats.rank_text(row["rank"], row["peers"], groups[row["code"]]),
                "peer_average": formats.score(row["peer_average"]),
                "change": formats.score(row["score_change"], sign=True),
                "points": [formats.score(row[f"points.{c.key}"]) for c in components],
            }
        )
    total = total_metrics(report.total)
    authority, signer = signature(report)
    return {
        "report": report,
        "language": language,
        "labels": {k: str(v) for k, v in LABELS.items()},
        "issuing_body": report.issuing_body.upper(),
        "number_line": number_line(report),
        "date_line": official_date(report),
        "title": _("Results of the accountability assessment and ranking of units"),
        "period": _("%(unit)s, period %(start)s to %(end)s (compared with %(pstart)s to %(pend)s)")
        % {
            "unit": report.root["name"],
            "start": report.period.start.strftime("%d/%m/%Y"),
            "end": report.period.end.strftime("%d/%m/%Y"),
            "pstart": report.previous_period.start.strftime("%d/%m/%Y"),
            "pend": report.previous_period.end.strftime("%d/%m/%Y"),
        },
        "totals": [
            (LABELS["staff_count"], formats.count(total["staff_count"])),
            (LABELS["inspections"], formats.count(total["inspections"])),
            (LABELS["findings"], formats.count(total["findings"])),
            (
                LABELS["corrective_actions_on_time_rate"],
                formats.percent(total["corrective_actions_on_time_rate"]),
            ),
            # As the methodology scores discipline: decided within the handling deadline, not the
            # caseload.
            (
                LABELS["discipline_handled_on_time_rate"],
                formats.percent(total["discipline_handled_on_time_rate"]),
            ),
            (
                LABELS["feedback_resolved_on_time_rate"],
                formats.percent(total["feedback_resolved_on_time_rate"]),
            ),
            (LABELS["training_turns"], formats.count(total["training_turns"])),
            (
                LABELS["training_requirement_met_rate"],
                formats.percent(total["training_requirement_met_rate"]),
            ),
        ],
        "method": method_in_words(report),
        "components": [c.label(language) for c in components],
        "rows": rows,
        "recipients": recipients(report),
        "authority": authority,
        "signer": signer,
    }


def render_html(report: Report) -> str:
    return render_to_string("reports/pdf.html", context(report))


def write_pdf(report: Report, *, lang: str | None = None) -> bytes:
    """The PDF's bytes (a province's report is a few hundred kB)."""
    from weasyprint import HTML  # imported here: it loads Pango, which only the PDF needs

    with translation.override(lang or translation.get_language() or "vi"):
        html = render_html(report)
    return HTML(string=html).write_pdf()
