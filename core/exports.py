"""List export to CSV and XLSX: one mechanism for every list, formula safe, streamed.

Rows are produced separately from the file format (pretix's exporters): a
caller gives headers and an iterable of tuples, and a renderer turns them into
a streamed CSV response or an xlsx file written in xlsxwriter's
``constant_memory`` mode (rows flushed to disk as they are written), so memory
stays flat whatever the number of rows.

User text never becomes a formula: in xlsx every string is written with
``write_string`` (and ``strings_to_formulas`` is off); in CSV a cell that
starts with ``= + - @`` or a control character gets a leading apostrophe, the
OWASP recommendation for CSV injection.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from rest_framework import renderers

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
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if timezone.is_aware(value) else value.isoformat(sep=" ")
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


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(iter_csv(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def write_xlsx(
    target: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Data",
    widths: Sequence[int] | None = None,
    on_row: Callable[[int], None] | None = None,
) -> int:
    """Write one sheet of rows to ``target`` (path or binary file); returns the row count."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    header_fmt = workbook.add_format({"bold": True, "bg_color": "#DDE7F3", "border": 1})
    date_fmt = workbook.add_format({"num_format": "dd/mm/yyyy"})
    datetime_fmt = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    sheet = workbook.add_worksheet(sheet_name[:31])
    for col, header in enumerate(headers):
        sheet.set_column(col, col, (widths[col] if widths else max(12, min(40, len(str(header)) + 4))))
    # constant_memory writes row by row: column widths and the frozen pane must
    # be set before the first row.
    sheet.freeze_panes(1, 0)
    for col, header in enumerate(headers):
        sheet.write_string(0, col, str(header), header_fmt)
    write_string = sheet.write_string
    write_number = sheet.write_number
    write_datetime = sheet.write_datetime
    write_boolean = sheet.write_boolean
    count = 0
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                write_string(r, c, value)
            elif isinstance(value, bool):
                write_boolean(r, c, value)
            elif isinstance(value, int | float):
                write_number(r, c, value)
            elif isinstance(value, decimal.Decimal):
                write_number(r, c, float(value))
            elif isinstance(value, dt.datetime):
                if timezone.is_aware(value):
                    value = timezone.localtime(value).replace(tzinfo=None)
                write_datetime(r, c, value, datetime_fmt)
            elif isinstance(value, dt.date):
                write_datetime(r, c, value, date_fmt)
            else:
                write_string(r, c, str(value))
        count = r
        if on_row is not None and r % 5000 == 0:
            on_row(r)
    if count:
        sheet.autofilter(0, 0, count, max(len(headers) - 1, 0))
    workbook.close()
    return count


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_name: str = "Data"
) -> FileResponse:
    """Build the workbook in a temporary file (bounded memory) and stream it."""
    tmp = tempfile.TemporaryFile()
    write_xlsx(tmp, headers, rows, sheet_name=sheet_name)
    tmp.seek(0)
    response = FileResponse(tmp, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE)
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
        import io

        if data is None:
            return b""
        buffer = io.BytesIO()
        items = data.items() if isinstance(data, dict) else enumerate(data)
        write_xlsx(buffer, ["key", "value"], ((str(k), str(v)) for k, v in items))
        return buffer.getvalue()


class ExportMixin:
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

        filters = {key: request.query_params.getlist(key) for key in request.query_params if key != "format"}
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
            rows = self.export_rows(queryset, lookups)
            stamp = timezone.localdate().isoformat()
            name = f"{self.export_filename}-{stamp}"
            self.log_export(request, fmt)
            if fmt == "csv":
                return csv_response(name, headers, rows)
            return xlsx_response(name, headers, rows, sheet_name=self.export_filename)
        return super().list(request, *args, **kwargs)
