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

import math
from collections.abc import Callable
from typing import Any

import xlsxwriter
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from xlsxwriter.worksheet import Worksheet

from core.exports import xlsx_text
from reports.formats import peer_group_name
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


CHART_COLUMNS = (
    "score",
    *(f"findings_by_severity.{s}" for s in SEVERITIES),
    *(f"training_turns_by_organizer_level.{lvl}" for lvl in ORGANIZER_LEVELS),
)


def _letters(index: int) -> str:
    name, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        name = chr(65 + rem) + name
    return name


def _number_xml(value: Any) -> str | None:
    """A number as the text of ``<v>``; None for a missing value (NaN, infinite, None)."""
    if value is None:
        return None
    if value.__class__ is int:
        return str(value)
    value = float(value)
    return f"{value:.16g}" if math.isfinite(value) else None


class TableSheet(Worksheet):
    """An xlsxwriter worksheet whose table rows are handed over as finished XML.

    Everything around the tables (document header, merged cells, formats,
    conditional formats, charts, print settings) goes through xlsxwriter as
    usual; the unit rows, some 37,000 cells at province scale, are written
    as ``<row>`` elements directly (inline strings and numbers with the
    formats' style indexes), as ``core/exports.py`` writes list exports:
    xlsxwriter spends 15-20 us a cell storing and re-serialising each one.
    Charts of these rows cache their category names only (``_get_range_data``).
    """

    def __init__(self) -> None:
        super().__init__()
        self.raw_rows: dict[int, str] = {}
        # column -> (first row, values, text?) of each block of finished rows in it.
        self.raw_columns: dict[int, list[tuple[int, list[Any], bool]]] = {}

    def add_rows(self, first_row: int, columns: list[tuple[int, Any, str, list[Any]]]) -> int:
        """Rows from ``first_row`` (zero-based), one per value of the columns; returns the last row.

        ``columns`` holds ``(column index, format, kind, values)`` with kind
        ``"text"`` (strings, written as inline strings) or ``"number"``
        (None for an empty cell that keeps its format).
        """
        count = len(columns[0][3]) if columns else 0
        if not count:
            return first_row - 1
        numbers = range(first_row + 1, first_row + count + 1)
        cells_by_column = []
        for col, fmt, kind, values in columns:
            style = fmt._get_xf_index() if fmt is not None else 0
            s = f' s="{style}"' if style else ""
            letter = _letters(col)
            if kind == "text":
                cells = [
                    (
                        f'<c r="{letter}{n}"{s} t="inlineStr"><is><t '
                        f'xml:space="preserve">{xlsx_text(v)}</t></is></c>'
                    )
                    if v
                    else f'<c r="{letter}{n}"{s}/>'
                    for n, v in zip(numbers, values, strict=True)
                ]
            else:
                cells = [
                    f'<c r="{letter}{n}"{s}/>'
                    if (text := _number_xml(v)) is None
                    else f'<c r="{letter}{n}"{s}><v>{text}</v></c>'
                    for n, v in zip(numbers, values, strict=True)
                ]
            cells_by_column.append(cells)
            self.raw_columns.setdefault(col, []).append((first_row, values, kind == "text"))
        for n, row_cells in zip(numbers, zip(*cells_by_column, strict=True), strict=True):
            self.raw_rows[n - 1] = f'<row r="{n}">{"".join(row_cells)}</row>'
        last = first_row + count - 1
        self._check_dimensions(first_row, min(c[0] for c in columns))
        self._check_dimensions(last, max(c[0] for c in columns))
        return last

    def _write_rows(self) -> None:
        if not self.raw_rows:
            super()._write_rows()
            return
        # xlsxwriter's own loop, with the finished rows dropped in.
        self._calculate_spans()
        raw = self.raw_rows
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            if row_num in raw:
                self.fh.write(raw[row_num])
                continue
            info = self.row_info.get(row_num)
            if not (info or row_num in self.comments or self.table.get(row_num)):
                continue
            span = self.row_spans.get(row_num // 16)
            if self.table.get(row_num):
                self._write_row(row_num, span, info)
                cells = self.table[row_num]
                for col_num in range(self.dim_colmin, self.dim_colmax + 1):
                    if col_num in cells:
                        self._write_cell(row_num, col_num, cells[col_num])
                self._xml_end_tag("row")
            else:
                self._write_empty_row(row_num, span, info)

    def _get_range_data(self, row_start, col_start, row_end, col_end):
        # Charts of the finished rows cache their category names (so that a
        # reader sees them as text) but no values, as in xlsxwriter's
        # constant_memory mode: Excel and LibreOffice draw from the cells, and
        # thousands of cached points cost more than writing the rows.
        for first, values, is_text in self.raw_columns.get(col_start, ()):
            if first <= row_start and row_end < first + len(values):
                return values[row_start - first : row_end - first + 1] if is_text else ()
        return super()._get_range_data(row_start, col_start, row_end, col_end)


def _width_px(columns: tuple[str, ...]) -> int:
    """The table's width in pixels (Excel: about 7 pixels a character plus 5 a column)."""
    return sum(int(COLUMN_WIDTHS.get(c, 12) * 7 + 5) for c in (*ID_COLUMNS, *columns))


def number_line(report: Report) -> str:
    """ "Số: ....../BC-UBND": the number is left blank for the clerk; the symbol names the issuing
    body."""
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
        self.yes_no = (_("Yes"), _("No"))
        self.peer_groups = list(report.units["peer_group"])
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
            "group": add({"bold": True, "bg_color": "#F2F4F7", "border": 1}),
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

    def table(self, sheet: TableSheet, columns: tuple[str, ...]) -> int:
        """Write header and unit rows; returns the last data row (zero-based).

        The unit rows go in as finished XML (``TableSheet.add_rows``): one
        format and one kind of value per column.
        """
        all_columns = (*ID_COLUMNS, *columns)
        for col, column in enumerate(all_columns):
            sheet.set_column(col, col, COLUMN_WIDTHS.get(column, 12))
        sheet.set_row(HEADER_ROW, 48)
        for col, column in enumerate(all_columns):
            sheet.write_string(HEADER_ROW, col, self.labels[column], self.fmt["header"])
        text = self.fmt["text"]
        specs: list[tuple[int, Any, str, list[Any]]] = [
            (0, text, "text", self.columns["code"]),
            (1, text, "text", self.columns["name"]),
            (2, text, "text", self.level_texts),
        ]
        for c, column in enumerate(columns, start=len(ID_COLUMNS)):
            if column == "rankable" or column in FLAG_COLUMNS:
                specs.append((c, text, "text", self.flag_texts(column)))
            else:
                specs.append((c, self.cell_format(column), "number", self.columns[column]))
        last_row = sheet.add_rows(FIRST_DATA_ROW, specs)
        sheet.freeze_panes(FIRST_DATA_ROW, 2)
        sheet.autofilter(HEADER_ROW, 0, max(last_row, HEADER_ROW), len(all_columns) - 1)
        return last_row

    def flag_texts(self, column: str) -> list[str]:
        yes, no = self.yes_no
        return [yes if value else no for value in self.columns[column]]

    def column_of(self, columns: tuple[str, ...], column: str) -> int:
        return len(ID_COLUMNS) + columns.index(column)

    def chart(
        self,
        sheet,
        sheet_name: str,
        kind: dict,
        title: str,
        series: list[tuple[str, int]],
        rows: tuple[int, int],
        anchor_row: int,
        y_title: str,
        width_px: int,
    ) -> int:
        """A native chart of ``rows`` (first, last) on its own rows from ``anchor_row``; returns the
        rows it takes.

        Horizontal bars, one per unit, so the names read in full.
        """
        first, last = rows
        chart = self.book.add_chart(kind)
        for name, col in series:
            chart.add_series(
                {
                    "name": name,
                    "categories": [sheet_name, first, 1, last, 1],
                    "values": [sheet_name, first, col, last, col],
                    "gap": 60,
                }
            )
        chart.set_title({"name": title, "name_font": {"size": 11}})
        chart.set_x_axis({"name": y_title})
        chart.set_y_axis({"reverse": True})  # the table's order, top to bottom
        chart.set_legend({"position": "bottom" if len(series) > 1 else "none"})
        height = min(max(220, 18 * (last - first + 1) + 110), 4000)
        chart.set_size({"width": width_px, "height": height})
        sheet.insert_chart(anchor_row, 0, chart, {"object_position": 3})
        return height // 20 + 2

    # -- sheets ------------------------------------------------------------------------
    def summary(self) -> None:
        name = pgettext("workbook sheet", "Summary")[:31]
        sheet = self.book.add_worksheet(name, worksheet_class=TableSheet)
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
        self.signature_block(sheet, row + 1, width)
        self.page_setup(sheet)

    def section(self, key: str, title: str, columns: tuple[str, ...]) -> None:
        name = title[:31]
        sheet = self.book.add_worksheet(name, worksheet_class=TableSheet)
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
        self.signature_block(sheet, row + 1, width)
        self.page_setup(sheet)

    def charts(self) -> None:
        """One block per peer group: its units' scores, findings and training turns, and three
        charts below.

        Units are drawn only beside their peers (communes of districts with
        communes of districts), never beside the totals containing them; the
        group holding only the requested unit is left out, its figures being
        the report's totals. The column header on row 8 serves every block.
        """
        name = pgettext("workbook sheet", "Charts by peer group")[:31]
        sheet = self.book.add_worksheet(name, worksheet_class=TableSheet)
        columns = CHART_COLUMNS
        all_columns = ("code", "name", *columns)
        width = len(all_columns)
        self.document_header(sheet, max(width, len(ID_COLUMNS) + 4), _("Charts by peer group"))
        for col, column in enumerate(all_columns):
            sheet.set_column(col, col, COLUMN_WIDTHS.get(column, 12))
        sheet.set_row(HEADER_ROW, 48)
        for col, column in enumerate(all_columns):
            sheet.write_string(HEADER_ROW, col, self.labels[column], self.fmt["header"])
        groups: dict[str, list[int]] = {}
        for index, group in enumerate(self.peer_groups):
            groups.setdefault(group, []).append(index)
        root_code = self.report.root["code"]
        width_px = _width_px(columns) - int(COLUMN_WIDTHS["level"] * 7 + 5)  # no level column
        text = self.fmt["text"]
        row = FIRST_DATA_ROW
        for group, members in groups.items():
            if [self.columns["code"][i] for i in members] == [root_code]:
                continue
            title = peer_group_name(group)
            sheet.merge_range(row, 0, row, width - 1, "", self.fmt["group"])
            sheet.write_string(row, 0, title[:1].upper() + title[1:], self.fmt["group"])
            first = row + 1
            specs: list[tuple[int, Any, str, list[Any]]] = [
                (0, text, "text", [self.columns["code"][i] for i in members]),
                (1, text, "text", [self.columns["name"][i] for i in members]),
            ]
            for col, column in enumerate(columns, start=2):
                values = self.columns[column]
                specs.append(
                    (col, self.cell_format(column), "number", [values[i] for i in members])
                )
            last = sheet.add_rows(first, specs)
            row = last + 2
            plot = (first, last)
            row += self.chart(
                sheet,
                name,
                {"type": "bar"},
                _("Scores by unit"),
                [(self.labels["score"], 2)],
                plot,
                row,
                self.labels["score"],
                width_px,
            )
            row += self.chart(
                sheet,
                name,
                {"type": "bar", "subtype": "stacked"},
                _("Findings by severity"),
                [
                    (self.labels[f"findings_by_severity.{s}"], 3 + i)
                    for i, s in enumerate(SEVERITIES)
                ],
                plot,
                row,
                self.labels["findings"],
                width_px,
            )
            row += self.chart(
                sheet,
                name,
                {"type": "bar", "subtype": "stacked"},
                _("Training turns by organiser level"),
                [
                    (self.labels[f"training_turns_by_organizer_level.{lvl}"], 7 + i)
                    for i, lvl in enumerate(ORGANIZER_LEVELS)
                ],
                plot,
                row,
                self.labels["training_turns"],
                width_px,
            )
            row += 1
        sheet.freeze_panes(FIRST_DATA_ROW, 2)
        self.signature_block(sheet, row + 1, max(width, len(ID_COLUMNS) + 4))
        self.page_setup(sheet)

    def page_setup(self, sheet) -> None:
        """A4 landscape, one page wide (as many pages down as needed), the table header on every
        page."""
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
                "subject": (
                    f"{report.root['name']} {report.period.start:%d/%m/%Y} - "
                    f"{report.period.end:%d/%m/%Y}"
                ),
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
        self.charts()
        self.step("charts")
        self.book.close()
        self.step("saved")


# Steps reported to ``on_step``: the summary, one per section, the charts, the save.
WORKBOOK_STEPS = 3 + len(SECTIONS)


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
