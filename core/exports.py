"""List export to CSV and XLSX: one mechanism for every list, formula safe, streamed.

Rows are produced separately from the file format (pretix's exporters): a
caller gives headers and an iterable of tuples, and a renderer turns them into
a streamed CSV or xlsx response. The xlsx is written here as the file format
itself (the worksheet XML streamed into the zip), not through xlsxwriter,
which spent about 15 µs a cell on bookkeeping a list does not need (issue
20); memory stays flat whatever the number of rows. The report workbook,
with charts and formats, keeps xlsxwriter (reports/excel.py).

User text never becomes a formula: in xlsx every string is an inline string
cell, which a spreadsheet never evaluates; in CSV a cell that starts with
``= + - @`` or a control character gets a leading apostrophe, the OWASP
recommendation for CSV injection.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import math
import re
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework import renderers

from core import jobs
from core.bases import ViewSetBase

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


# Every dangerous start is one character, so a set lookup on the first one
# does the work of startswith(tuple) at a fraction of the cost per cell.
_FORMULA_FIRST = frozenset(_FORMULA_STARTS)
# Rows per chunk of a streamed CSV: one chunk per row made the response's
# per-chunk bookkeeping cost as much as writing the row (bench/, issue 9).
CSV_ROWS_PER_CHUNK = 500


def safe_text(value: str) -> str:
    """Neutralise a string that a spreadsheet would read as a formula."""
    if value and value[0] in _FORMULA_FIRST:
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    # Exact types first: plain text and numbers are nearly every cell of a big export.
    kind = type(value)
    if kind is str:
        return "'" + value if value and value[0] in _FORMULA_FIRST else value
    if kind is int or kind is float or kind is decimal.Decimal:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
            if timezone.is_aware(value)
            else value.isoformat(sep=" ")
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | decimal.Decimal):
        return value
    return safe_text(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def iter_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterable[str]:
    """Yield CSV text: a UTF-8 BOM (so Excel reads Vietnamese), the header, the rows."""
    writer = csv.writer(_Echo())
    writerow = writer.writerow
    yield "\ufeff"
    yield writerow([safe_text(str(h)) for h in headers])
    chunk: list[str] = []
    for row in rows:
        chunk.append(writerow([_csv_cell(v) for v in row]))
        if len(chunk) >= CSV_ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        iter_csv(headers, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# The worksheet XML is written directly (issue 20): xlsxwriter spends about
# 15 µs a cell on bookkeeping a list export does not need (shared strings,
# formats per cell, the whole cell model). A list export needs one sheet of
# typed cells, a bold header, a frozen first row, widths and an autofilter.
# Text is always an inline string (t="inlineStr"), so a cell can never be a
# formula or a link: the formula-injection guarantee holds by construction.
XLSX_MAX_ROWS = 1_048_576  # rows per worksheet, the header row included (Excel's limit)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - serial day 0 of Excel's 1900 date system
_EXCEL_EPOCH_DATE = _EXCEL_EPOCH.date()
# Characters XML 1.0 forbids (C0 controls but tab, LF and CR; lone surrogates;
# U+FFFE and U+FFFF): removed, since no reader accepts them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel reads "_xHHHH_" in a string as an escaped character; a literal one is
# kept by escaping its underscore as "_x005F_".
_XML_ESCAPE_SEQ = re.compile("_(x[0-9A-Fa-f]{4}_)")
_STYLE_DATE = 1
_STYLE_DATETIME = 2
_STYLE_HEADER = 3
_XLSX_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDE7F3"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/>'
    "</right>"
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom>'
    "<diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_XLSX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)


# XML whitespace: a text with it at either end needs xml:space="preserve", or
# Excel trims it; the others go without (a fifth of the sheet's bytes).
_XML_SPACE = frozenset(" \t\n\r")
# One search tells whether a string needs any of the work below; almost none do.
_XML_NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x1f&<>_\ud800-\udfff\ufffe\uffff]")


def xlsx_text(value: str) -> str:
    """``value`` as the content of an XML text node: invalid characters removed, markup escaped."""
    if _XML_NEEDS_WORK.search(value) is None:
        return value
    if _XML_INVALID.search(value):
        value = _XML_INVALID.sub("", value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:  # a bare CR would be read back as LF (XML end-of-line handling)
        value = value.replace("\r", "&#13;")
    if "_x" in value:
        value = _XML_ESCAPE_SEQ.sub(r"_x005F_\1", value)
    return value


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name, n = "", index + 1
        while n:
            n, rem = divmod(n - 1, 26)
            name = chr(65 + rem) + name
        letters.append(name)
    return letters


class _XlsxSheetWriter:
    """Writes the ``<sheetData>`` rows of one list; one instance per workbook."""

    def __init__(self, headers: Sequence[str]):
        self.width = max(len(headers), 1)
        self.letters = _column_letters(self.width)
        self.header_xml = "".join(
            f'<c r="{letter}1" s="{_STYLE_HEADER}" t="inlineStr"><is><t '
            f'xml:space="preserve">{xlsx_text(str(h))}</t></is></c>'
            for letter, h in zip(self.letters, headers, strict=False)
        )

    def row(self, number: int, values: Sequence[Any]) -> str:
        """One ``<row>`` element; empty cells (None, "") are left out.

        A cell carries its reference (``r="C7"``) only after a left-out one:
        without it a reader puts a cell in the column after the previous
        cell's (ECMA-376 Part 1, 18.3.1.4; openpyxl and LibreOffice read it
        so), and writing the reference of every cell cost a third of the
        writer's time and of the bytes to compress.
        """
        cells: list[str] = []
        append = cells.append
        letters = self.letters
        needs_work = _XML_NEEDS_WORK.search  # xlsx_text's first test, without the call
        after = 0  # the column a cell without a reference lands in
        for index, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                ref = "" if index == after else f' r="{letters[index]}{number}"'
                after = index + 1
                text = value if needs_work(value) is None else xlsx_text(value)
                if value[0] in _XML_SPACE or value[-1] in _XML_SPACE:
                    append(f'<c{ref} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
                else:
                    append(f'<c{ref} t="inlineStr"><is><t>{text}</t></is></c>')
                continue
            ref = "" if index == after else f' r="{letters[index]}{number}"'
            after = index + 1
            if kind is int:
                append(f"<c{ref}><v>{value}</v></c>")
            elif kind is bool:
                append(f'<c{ref} t="b"><v>{int(value)}</v></c>')
            elif kind is dt.date:
                append(f'<c{ref} s="{_STYLE_DATE}"><v>{(value - _EXCEL_EPOCH_DATE).days}</v></c>')
            elif kind is float or kind is decimal.Decimal:
                finite = math.isfinite(value) if kind is float else value.is_finite()
                if finite:
                    append(f"<c{ref}><v>{value}</v></c>")
                else:  # NaN or infinite: no number a spreadsheet reads
                    append(f'<c{ref} t="inlineStr"><is><t>{value}</t></is></c>')
            elif isinstance(value, dt.datetime):
                if timezone.is_aware(value):
                    value = timezone.localtime(value).replace(tzinfo=None)
                delta = value - _EXCEL_EPOCH
                serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
                append(f'<c{ref} s="{_STYLE_DATETIME}"><v>{serial!r}</v></c>')
            elif isinstance(value, dt.date):
                append(f'<c{ref} s="{_STYLE_DATE}"><v>{(value - _EXCEL_EPOCH_DATE).days}</v></c>')
            elif isinstance(value, int | float | decimal.Decimal):  # subclasses (IntEnum, ...)
                append(f"<c{ref}><v>{value}</v></c>")
            else:
                text = str(value)
                if not text:
                    after = -1  # no cell after all: the next one names its column
                    continue
                space = (
                    ' xml:space="preserve"'
                    if text[0] in _XML_SPACE or text[-1] in _XML_SPACE
                    else ""
                )
                append(
                    f'<c r="{letters[index]}{number}" '
                    f't="inlineStr"><is><t{space}>{xlsx_text(text)}</t></is></c>'
                )
        return f'<row r="{number}">{"".join(cells)}</row>'


def write_xlsx(
    target: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Data",
    widths: Sequence[int] | None = None,
    on_row: Callable[[int], None] | None = None,
    max_rows: int = XLSX_MAX_ROWS,
) -> int:
    """Write rows to ``target`` (path or binary file) as xlsx; returns the row count.

    One worksheet holds up to ``max_rows`` rows with its header; the rows past
    that continue on a second sheet (and so on) under the same header.
    """
    steps = _xlsx_steps(
        target,
        headers,
        rows,
        sheet_name=sheet_name,
        widths=widths,
        on_row=on_row,
        max_rows=max_rows,
    )
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


class _StreamSink(io.RawIOBase):
    """A write-only, non-seekable file that hands what was written to a generator."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def iter_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_name: str = "Data", **options
) -> Iterator[bytes]:
    """Yield the bytes of the xlsx file as it is written (for a streamed response)."""
    sink = _StreamSink()
    for _ in _xlsx_steps(sink, headers, rows, sheet_name=sheet_name, **options):
        data = sink.drain()
        if data:
            yield data
    data = sink.drain()
    if data:
        yield data


def _xlsx_steps(
    target: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Data",
    widths: Sequence[int] | None = None,
    on_row: Callable[[int], None] | None = None,
    max_rows: int = XLSX_MAX_ROWS,
    flush_rows: int = 1000,
) -> Generator[None, None, int]:
    """Write the workbook, yielding after every ``flush_rows`` rows; returns the row count.

    The sheet XML is streamed into its zip member (deflate level 1: the
    export is written once and read once), so memory stays flat whatever the
    number of rows.
    """
    writer = _XlsxSheetWriter(headers)
    column_widths = [
        widths[i] if widths else max(12, min(40, len(str(h)) + 4)) for i, h in enumerate(headers)
    ]
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(column_widths, 1)
    )
    sheet_head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f'<sheetData><row r="1">{writer.header_xml}</row>'
    )
    base = sheet_name[:26] or "Data"
    names: list[str] = []
    last_rows: list[int] = []
    total = 0
    iterator = iter(rows)
    pending: Sequence[Any] | None = None
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        while True:
            names.append(base if not names else f"{base} ({len(names) + 1})")
            number = 1  # the header row
            with archive.open(
                f"xl/worksheets/sheet{len(names)}.xml", "w", force_zip64=True
            ) as member:
                member.write(sheet_head.encode())
                buffer: list[str] = []
                if pending is not None:
                    number += 1
                    buffer.append(writer.row(number, pending))
                    total += 1
                    pending = None
                for values in iterator:
                    if number >= max_rows:
                        pending = values  # the first row of the next sheet
                        break
                    number += 1
                    buffer.append(writer.row(number, values))
                    total += 1
                    if len(buffer) >= flush_rows:
                        member.write("".join(buffer).encode())
                        buffer = []
                        if on_row is not None:
                            on_row(total)
                        yield
                if buffer:
                    member.write("".join(buffer).encode())
                tail = "</sheetData>"
                if number > 1:
                    tail += f'<autoFilter ref="A1:{writer.letters[-1]}{number}"/>'
                tail += (
                    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                    'footer="0.3"/></worksheet>'
                )
                member.write(tail.encode())
            last_rows.append(number)
            if pending is None:
                break
        _write_xlsx_package(archive, names, last_rows, writer.letters[-1])
    return total


def _write_xlsx_package(
    archive, names: Sequence[str], filter_rows: Sequence[int], last_column: str
) -> None:
    """The parts around the worksheets: content types, relationships, workbook, styles."""
    sheets_ct = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    archive.writestr(
        "[Content_Types].xml",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets_ct}</Types>",
    )
    archive.writestr("_rels/.rels", _XLSX_RELS)
    sheets = "".join(
        f'<sheet name="{xlsx_text(name).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, 1)
    )
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{xlsx_text(name).replace(chr(39), chr(39) * 2)}'!$A$1:${last_column}${rows}"
        "</definedName>"
        for i, (name, rows) in enumerate(zip(names, filter_rows, strict=True))
        if rows > 1
    )
    archive.writestr(
        "xl/workbook.xml",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>"
        + (f"<definedNames>{defined}</definedNames>" if defined else "")
        + "</workbook>",
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    rels += (
        f'<Relationship Id="rId{len(names) + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
    )
    archive.writestr(
        "xl/_rels/workbook.xml.rels",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
    )
    archive.writestr("xl/styles.xml", _XLSX_STYLES)


def xlsx_response(
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Data",
) -> StreamingHttpResponse:
    """Stream the workbook as it is written: the first bytes leave before the last row is read."""
    response = StreamingHttpResponse(
        iter_xlsx(headers, rows, sheet_name=sheet_name), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


class CSVRenderer(renderers.BaseRenderer):
    """Lets ``?format=csv`` pass content negotiation; lists answer via ``ExportMixin``.

    A non-list response (an error, a detail) is rendered as a simple
    key/value CSV so a client asking for CSV still gets a readable answer.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        items = data.items() if isinstance(data, dict) else enumerate(data)
        return "".join(iter_csv(["key", "value"], ((k, str(v)) for k, v in items))).encode("utf-8")


class XLSXRenderer(renderers.BaseRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        buffer = io.BytesIO()
        items = data.items() if isinstance(data, dict) else enumerate(data)
        write_xlsx(buffer, ["key", "value"], ((str(k), str(v)) for k, v in items))
        return buffer.getvalue()


class ExportMixin(ViewSetBase):
    """Adds ``?format=csv`` and ``?format=xlsx`` to a ModelViewSet's list.

    The export holds every row the filters select (not one page), read with
    ``values_list(...).iterator()`` from the columns in ``export_columns``: a
    list of ``(lookup, header)`` pairs. ``get_export_columns`` may vary them
    by user (to mask confidential columns).
    """

    export_columns: Sequence[tuple[str, Any]] = ()
    export_filename: str = "export"

    def get_export_columns(self) -> Sequence[tuple[str, Any]]:
        return self.export_columns

    def export_rows(self, queryset, lookups: Sequence[str]) -> Iterable[Sequence[Any]]:
        return queryset.order_by("pk").values_list(*lookups).iterator(chunk_size=2000)

    def log_export(self, request, fmt: str) -> None:
        """Record who exported which list with which filters (the security event log)."""
        from core.audit import log_event
        from core.models import SecurityEventKind

        filters = {
            key: request.query_params.getlist(key)
            for key in request.query_params
            if key != "format"
        }
        log_event(
            SecurityEventKind.EXPORT,
            request=request._request,
            user=request.user,
            resource=self.export_filename,
            format=fmt,
            filters=filters,
        )

    def list(self, request, *args, **kwargs):
        fmt = getattr(request, "accepted_renderer", None)
        fmt = getattr(fmt, "format", None)
        if fmt in ("csv", "xlsx"):
            columns = list(self.get_export_columns())
            lookups = [lookup for lookup, _ in columns]
            headers = [str(header) for _, header in columns]
            queryset = self.filter_queryset(self.get_queryset())
            stamp = timezone.localdate().isoformat()
            name = f"{self.export_filename}-{stamp}"
            if jobs.wants_async(request):
                # 202 with the job's URLs; the job replays this request (core/jobs.py).
                return jobs.deferred(request, label=f"{name}.{fmt}", rows=queryset.count())
            rows = jobs.track(self.export_rows(queryset, lookups))
            self.log_export(request, fmt)
            if fmt == "csv":
                return csv_response(name, headers, rows)
            return xlsx_response(name, headers, rows, sheet_name=self.export_filename)
        return super().list(request, *args, **kwargs)
