"""Accountability report, layer 3: the Excel workbook (xlsxwriter).

One summary sheet (score, rank, change against the previous period, with
conditional formatting and a native chart of scores by unit) and one sheet
per section (inspections and findings, corrective actions, discipline,
citizen feedback, training), two of them with native charts (findings by
severity, training turns by organiser level).

Every sheet opens with the header of a Vietnamese administrative document
(the issuing body on the left; the national title and motto, then place and
date, on the right), the report title and period, and closes with a
signature block. Table headers are frozen and filtered; counts, rates and
scores carry number and percent formats. Headers follow the active language
(Vietnamese by default). User text (unit names, the issuing body) is
written with ``write_string`` and ``strings_to_formulas`` is off, so a unit
named ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import xlsxwriter
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.frames import FLAG_COLUMNS, ORGANIZER_LEVELS, SEVERITIES
from reports.render import (
    LABELS,
    LEVEL_LABELS,
    PERCENT_COLUMNS,
    RATIO_COLUMNS,
    SECTIONS,
    Report,
    method_in_words,
)

HEADER_ROW = 7  # zero-based row of the table header, under the document header
FIRST_DATA_ROW = HEADER_ROW + 1
ID_COLUMNS = ("code", "name", "level")
SUMMARY_COLUMNS = (
    "staff_count",
    "score",
    "rankable",
    "rank",
    "peers",
    "peer_average",
    "previous_score",
    "previous_rank",
    "score_change",
    "rank_change",
)
SHEET_NAMES = {"summary": 0}
COLUMN_WIDTHS = {"code": 11, "name": 30, "level": 10}
A4 = 9  # xlsxwriter's paper code


def _width_px(columns: tuple[str, ...]) -> int:
    """The table's width in pixels (Excel: about 7 pixels a character plus 5 a column)."""
    return sum(int(COLUMN_WIDTHS.get(c, 12) * 7 + 5) for c in (*ID_COLUMNS, *columns))


def number_line(report: Report) -> str:
    """ "Số: ....../BC-UBND": the number is left blank for the clerk; the symbol names the issuing body."""
    return _("No.: ....../%(symbol)s") % {"symbol": f"BC-{report.document_symbol}"}


def official_date(report: Report) -> str:
    """ "Đạ Huoai, ngày 25 tháng 11 năm 2026" (Vietnamese) or "Da Huoai, 25 November 2026"."""
    day = report.generated_on
    if translation.get_language() == "vi":
        text = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    else:
        text = date_format(day, "j F Y")
    return f"{report.place}, {text}" if report.place else text


class _Writer:
    def __init__(
        self, target: Any, report: Report, on_step: Callable[[str], None] | None = None
    ) -> None:
        self.report = report
        self.step = on_step or (lambda _name: None)
        # Column by column, as plain Python values, once for every sheet.
        self.columns = report.unit_columns()
        self.row_count = len(report.units)
        # Labels are lazy translations: resolved once per workbook, not once
        # per cell (a gettext lookup per row and sheet cost more than
        # writing the numbers).
        self.labels = {column: str(label) for column, label in LABELS.items()}
        language = translation.get_language()
        points = _("Points: %(component)s")
        for component in report.methodology.components:
            self.labels[f"points.{component.key}"] = points % {
                "component": component.label(language)
            }
        self.method = method_in_words(report)
        levels = {level: str(label) for level, label in LEVEL_LABELS.items()}
        self.level_texts = [levels.get(level, level) for level in self.columns["level"]]
        self.book = xlsxwriter.Workbook(
            target,
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "remove_timezone": True,
                # A few hundred units: assembling the parts in memory is
                # cheaper than xlsxwriter's default temporary files.
                "in_memory": True,
            },
        )
        add = self.book.add_format
        self.fmt = {
            "body_left": add(
                {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True}
            ),
            "nation": add({"bold": True, "align": "center"}),
            "motto": add({"bold": True, "underline": True, "align": "center"}),
            "place": add({"italic": True, "align": "center"}),
            "number": add({"align": "center"}),
            "method": add({"text_wrap": True, "valign": "top"}),
            "title": add({"bold": True, "font_size": 14, "align": "center"}),
            "subtitle": add({"italic": True, "align": "center"}),
            "header": add(
                {
                    "bold": True,
                    "text_wrap": True,
                    "valign": "top",
                    "align": "center",
                    "bg_color": "#DDE7F3",
                    "border": 1,
                }
            ),
            "text": add({"border": 1}),
            "count": add({"num_format": "#,##0", "border": 1}),
            "hours": add({"num_format": "#,##0.0", "border": 1}),
            "ratio": add({"num_format": "0.000", "border": 1}),
            "percent": add({"num_format": "0.0%", "border": 1}),
            "score": add({"num_format": "0.00", "border": 1}),
            "change": add({"num_format": "+0.00;-0.00;0.00", "border": 1}),
            "rank_change": add({"num_format": "+0;-0;0", "border": 1}),
            "sign_title": add({"bold": True, "align": "center"}),
            "sign_note": add({"italic": True, "align": "center"}),
            "good": add({"font_color": "#067647", "bg_color": "#DAFBE1"}),
            "bad": add({"font_color": "#B42318", "bg_color": "#FEE4E2"}),
        }

    # -- pieces shared by every sheet --------------------------------------------------
    def document_header(self, sheet, width: int, title: str) -> None:
        """National title, issuing body, place and date, report title and period."""
        last = max(width - 1, 5)
        left_end = min(2, last - 3)
        right_start = left_end + 1
        sheet.set_row(0, 30)
        sheet.merge_range(0, 0, 1, left_end, "", self.fmt["body_left"])
        sheet.write_string(0, 0, self.report.issuing_body.upper(), self.fmt["body_left"])
        sheet.merge_range(0, right_start, 0, last, "", self.fmt["nation"])
        sheet.write_string(0, right_start, _("SOCIALIST REPUBLIC OF VIETNAM"), self.fmt["nation"])
        sheet.merge_range(1, right_start, 1, last, "", self.fmt["motto"])
        sheet.write_string(
            1, right_start, _("Independence - Freedom - Happiness"), self.fmt["motto"]
        )
        sheet.merge_range(2, 0, 2, left_end, "", self.fmt["number"])
        sheet.write_string(2, 0, number_line(self.report), self.fmt["number"])
        sheet.merge_range(2, right_start, 2, last, "", self.fmt["place"])
        sheet.write_string(2, right_start, official_date(self.report), self.fmt["place"])
        sheet.merge_range(4, 0, 4, last, "", self.fmt["title"])
        sheet.write_string(4, 0, title.upper(), self.fmt["title"])
        period, previous = self.report.period, self.report.previous_period
        subtitle = _(
            "%(unit)s, period %(start)s to %(end)s (compared with %(pstart)s to %(pend)s)"
        ) % {
            "unit": self.report.root["name"],
            "start": period.start.strftime("%d/%m/%Y"),
            "end": period.end.strftime("%d/%m/%Y"),
            "pstart": previous.start.strftime("%d/%m/%Y"),
            "pend": previous.end.strftime("%d/%m/%Y"),
        }
        sheet.merge_range(5, 0, 5, last, "", self.fmt["subtitle"])
        sheet.write_string(5, 0, subtitle, self.fmt["subtitle"])

    def signature_block(self, sheet, row: int, width: int) -> None:
        last = max(width - 1, 5)
        left_end = min(2, last - 3)
        right_start = left_end + 1
        sheet.merge_range(row, 0, row, left_end, "", self.fmt["sign_title"])
        sheet.write_string(row, 0, _("PREPARED BY"), self.fmt["sign_title"])
        sheet.merge_range(row + 1, 0, row + 1, left_end, "", self.fmt["sign_note"])
        sheet.write_string(row + 1, 0, _("(Signature and full name)"), self.fmt["sign_note"])
        sheet.merge_range(row, right_start, row, last, "", self.fmt["sign_title"])
        sheet.write_string(row, right_start, _("HEAD OF THE ISSUING BODY"), self.fmt["sign_title"])
        sheet.merge_range(row + 1, right_start, row + 1, last, "", self.fmt["sign_note"])
        sheet.write_string(
            row + 1, right_start, _("(Signature, full name and seal)"), self.fmt["sign_note"]
        )

    def cell_format(self, column: str):
        if column in PERCENT_COLUMNS:
            return self.fmt["percent"]
        if column in RATIO_COLUMNS:
            return self.fmt["ratio"]
        if column == "training_hours":
            return self.fmt["hours"]
        if column in ("score", "previous_score", "peer_average") or column.startswith("points."):
            return self.fmt["score"]
        if column == "score_change":
            return self.fmt["change"]
        if column == "rank_change":
            return self.fmt["rank_change"]
        return self.fmt["count"]

    def table(self, sheet, columns: tuple[str, ...]) -> int:
        """Write header and unit rows; returns the last data row (zero-based).

        Written column by column: one format and one kind of value per
        column, so the loop over cells does nothing but write.
        """
        all_columns = (*ID_COLUMNS, *columns)
        for col, column in enumerate(all_columns):
            sheet.set_column(col, col, COLUMN_WIDTHS.get(column, 12))
        sheet.set_row(HEADER_ROW, 48)
        for col, column in enumerate(all_columns):
            sheet.write_string(HEADER_ROW, col, self.labels[column], self.fmt["header"])
        write_string, write_number, write_blank = (
            sheet.write_string,
            sheet.write_number,
            sheet.write_blank,
        )
        rows = range(FIRST_DATA_ROW, FIRST_DATA_ROW + self.row_count)
        text = self.fmt["text"]
        for c, values in enumerate((self.columns["code"], self.columns["name"], self.level_texts)):
            for r, value in zip(rows, values, strict=True):
                write_string(r, c, value, text)
        yes, no = _("Yes"), _("No")
        for c, column in enumerate(columns, start=len(ID_COLUMNS)):
            values = self.columns[column]
            if column == "rankable" or column in FLAG_COLUMNS:
                for r, value in zip(rows, values, strict=True):
                    write_string(r, c, yes if value else no, text)
                continue
            fmt = self.cell_format(column)
            for r, value in zip(rows, values, strict=True):
                if value is None:
                    write_blank(r, c, None, fmt)
                else:
                    write_number(r, c, value, fmt)
        last_row = FIRST_DATA_ROW + self.row_count - 1
        sheet.freeze_panes(FIRST_DATA_ROW, 2)
        sheet.autofilter(HEADER_ROW, 0, max(last_row, HEADER_ROW), len(all_columns) - 1)
        return last_row

    def column_of(self, columns: tuple[str, ...], column: str) -> int:
        return len(ID_COLUMNS) + columns.index(column)

    def chart(
        self,
        sheet,
        sheet_name: str,
        kind: dict,
        title: str,
        series: list[tuple[str, int]],
        last_row: int,
        anchor_row: int,
        y_title: str,
        width_px: int,
    ) -> int:
        """A native chart on its own rows from ``anchor_row``, as wide as the table; returns the rows it takes."""
        if last_row < FIRST_DATA_ROW:
            return 0
        chart = self.book.add_chart(kind)
        for name, col in series:
            chart.add_series(
                {
                    "name": name,
                    "categories": [sheet_name, FIRST_DATA_ROW, 1, last_row, 1],
                    "values": [sheet_name, FIRST_DATA_ROW, col, last_row, col],
                }
            )
        chart.set_title({"name": title})
        chart.set_y_axis({"name": y_title})
        chart.set_legend({"position": "bottom" if len(series) > 1 else "none"})
        height = min(
            max(320, 18 * self.row_count + 120) if kind.get("type") == "bar" else 380, 4000
        )
        chart.set_size({"width": width_px, "height": height})
        sheet.insert_chart(anchor_row, 0, chart, {"object_position": 3})
        return height // 20 + 2

    # -- sheets ------------------------------------------------------------------------
    def summary(self) -> None:
        name = pgettext("workbook sheet", "Summary")[:31]
        sheet = self.book.add_worksheet(name)
        columns = (*SUMMARY_COLUMNS, *self.report.point_columns)
        width = len(ID_COLUMNS) + len(columns)
        self.document_header(sheet, width, _("Accountability report and ranking of units"))
        last_row = self.table(sheet, columns)
        if last_row >= FIRST_DATA_ROW:
            score_col = self.column_of(columns, "score")
            sheet.conditional_format(
                FIRST_DATA_ROW,
                score_col,
                last_row,
                score_col,
                {
                    "type": "3_color_scale",
                    "min_color": "#F8696B",
                    "mid_color": "#FFEB84",
                    "max_color": "#63BE7B",
                },
            )
            for column in ("score_change", "rank_change"):
                col = self.column_of(columns, column)
                sheet.conditional_format(
                    FIRST_DATA_ROW,
                    col,
                    last_row,
                    col,
                    {"type": "cell", "criteria": ">", "value": 0, "format": self.fmt["good"]},
                )
                sheet.conditional_format(
                    FIRST_DATA_ROW,
                    col,
                    last_row,
                    col,
                    {"type": "cell", "criteria": "<", "value": 0, "format": self.fmt["bad"]},
                )
            rank_col = self.column_of(columns, "rank")
            sheet.conditional_format(
                FIRST_DATA_ROW,
                rank_col,
                last_row,
                rank_col,
                {"type": "cell", "criteria": "==", "value": 1, "format": self.fmt["good"]},
            )
        row = max(last_row, HEADER_ROW) + 2
        for sentence in self.method:
            sheet.merge_range(row, 0, row, width - 1, "", self.fmt["method"])
            sheet.write_string(row, 0, sentence, self.fmt["method"])
            sheet.set_row(row, 15 * (1 + len(sentence) // 150))
            row += 1
        row += 1
        row += self.chart(
            sheet,
            name,
            {"type": "bar"},
            _("Scores by unit"),
            [(self.labels["score"], self.column_of(columns, "score"))],
            last_row,
            row,
            self.labels["score"],
            _width_px(columns),
        )
        self.signature_block(sheet, row + 1, width)
        self.page_setup(sheet)

    def section(self, key: str, title: str, columns: tuple[str, ...]) -> None:
        name = title[:31]
        sheet = self.book.add_worksheet(name)
        width = len(ID_COLUMNS) + len(columns)
        self.document_header(sheet, width, title)
        last_row = self.table(sheet, columns)
        if last_row >= FIRST_DATA_ROW:
            for column in columns:
                col = self.column_of(columns, column)
                if column in PERCENT_COLUMNS:
                    sheet.conditional_format(
                        FIRST_DATA_ROW,
                        col,
                        last_row,
                        col,
                        {
                            "type": "data_bar",
                            "bar_color": "#63BE7B",
                            "min_type": "num",
                            "min_value": 0,
                            "max_type": "num",
                            "max_value": 1,
                        },
                    )
                elif column.endswith("overdue"):
                    sheet.conditional_format(
                        FIRST_DATA_ROW,
                        col,
                        last_row,
                        col,
                        {"type": "cell", "criteria": ">", "value": 0, "format": self.fmt["bad"]},
                    )
        row = max(last_row, HEADER_ROW) + 2
        if key == "inspections":
            series = [
                (
                    self.labels[f"findings_by_severity.{s}"],
                    self.column_of(columns, f"findings_by_severity.{s}"),
                )
                for s in SEVERITIES
            ]
            row += self.chart(
                sheet,
                name,
                {"type": "column", "subtype": "stacked"},
                _("Findings by severity"),
                series,
                last_row,
                row,
                self.labels["findings"],
                _width_px(columns),
            )
        elif key == "training":
            series = [
                (
                    self.labels[f"training_turns_by_organizer_level.{lvl}"],
                    self.column_of(columns, f"training_turns_by_organizer_level.{lvl}"),
                )
                for lvl in ORGANIZER_LEVELS
            ]
            row += self.chart(
                sheet,
                name,
                {"type": "column", "subtype": "stacked"},
                _("Training turns by organiser level"),
                series,
                last_row,
                row,
                self.labels["training_turns"],
                _width_px(columns),
            )
        self.signature_block(sheet, row + 1, width)
        self.page_setup(sheet)

    def page_setup(self, sheet) -> None:
        """A4 landscape, one page wide (as many pages down as needed), the table header on every page."""
        sheet.set_paper(A4)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(HEADER_ROW)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        sheet.set_footer("&C&P / &N")

    def write(self) -> None:
        report = self.report
        self.book.set_properties(
            {
                "title": _("Accountability report and ranking of units"),
                "subject": f"{report.root['name']} {report.period.start:%d/%m/%Y} - {report.period.end:%d/%m/%Y}",
                "author": "CongVu",
                "company": report.issuing_body,
                "category": _("Accountability report"),
                "keywords": "CongVu, accountability, " + report.root["code"],
                "comments": _("Scores from 0 to 100; ranks among units of the same level."),
            }
        )
        self.summary()
        self.step("summary")
        for key, title, columns in SECTIONS:
            self.section(key, str(title), columns)
            self.step(key)
        self.book.close()
        self.step("saved")


# Steps reported to ``on_step``: the summary, one per section, the save.
WORKBOOK_STEPS = 2 + len(SECTIONS)


def write_workbook(
    target: Any,
    report: Report,
    *,
    lang: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> None:
    """Write the report workbook to ``target`` (a path or a binary file object)."""
    with translation.override(lang or translation.get_language() or "vi"):
        _Writer(target, report, on_step).write()
