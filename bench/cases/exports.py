"""List export: every enrolment of the province to xlsx and to csv through the real API.

Subject: ``GET /api/v1/enrolments/?format=xlsx`` (and ``format=csv``) with
Django's test client as the demo admin, the streamed content read to the end.

Floor: the same rows from the same ``values_list(...).iterator()`` the
viewset's ``export_columns`` name, written as the file format itself: for
xlsx, the worksheet XML written by hand in this module (inline strings,
dates as serial numbers under a dd/mm/yyyy style, deflate level 1, streamed
into the zip; nothing shared with ``core.exports``); for csv, ``csv.writer``;
into a temporary file that is then read back, as the API's response is.
Phase ``xlsxwriter`` is the same rows through bare xlsxwriter in
``constant_memory`` mode (the floor of the first release, issue 20's
yardstick: the export must take at most a third of it), and phase ``x4``
writes four times the rows (the same query chained four times) through
``core.exports.write_xlsx`` to show that memory stays flat.

Peer: django-import-export, the library people would otherwise pick: a
``ModelResource`` over the same columns (relations followed with ``__``, and
``select_related`` so it is not N+1), ``export()`` then tablib's xlsx or csv.
tablib builds the whole workbook in memory with openpyxl, and on this 2-core
machine the full 500,000 rows would take many minutes and gigabytes, so the
peer is compared on the enrolments of one district (``?unit=P-D01``, about a
fifteenth of the rows): phase ``district`` is the API's export of exactly
those rows, and ``peer_speedup`` is the peer's time over that phase's.

The 500,000-row xlsx takes well over a minute per run here (xlsxwriter
itself: about 15 µs a cell), so the xlsx subject and floor are timed once
per process, in two alternating rounds (subject, floor, subject, floor); the
csv ones twice in one process.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import tempfile

from bench.cases import Case
from bench.cases.common import (
    admin_client,
    consume,
    first_reason,
    missing_model,
    missing_route,
    missing_rows,
    timed,
)

PREFIX = "enrolments"
MIN_ROWS = 100_000
CHUNK = 64 * 1024


def viewset_for(prefix: str):
    from config.api import router

    for registered, viewset, _basename in router.registry:
        if registered == prefix:
            return viewset
    raise LookupError(f"/api/v1/{prefix}/ is not registered")


def columns(prefix: str = PREFIX) -> tuple[list[str], list[str]]:
    viewset = viewset_for(prefix)
    pairs = list(viewset.export_columns)
    return [lookup for lookup, _h in pairs], [str(header) for _l, header in pairs]


def rows_query(prefix: str = PREFIX):
    """The export's rows, read exactly as ``core.exports.ExportMixin.export_rows`` reads them."""
    viewset = viewset_for(prefix)
    lookups, _headers = columns(prefix)
    model = viewset.queryset.model
    return model.objects.order_by("pk").values_list(*lookups).iterator(chunk_size=2000)


def row_count(prefix: str = PREFIX) -> int:
    return viewset_for(prefix).queryset.model.objects.count()


def _read_back(handle) -> int:
    handle.seek(0)
    size = 0
    while chunk := handle.read(CHUNK):
        size += len(chunk)
    return size


def bare_xlsx(prefix: str = PREFIX) -> int:
    import xlsxwriter

    _lookups, headers = columns(prefix)
    with tempfile.TemporaryFile() as handle:
        workbook = xlsxwriter.Workbook(
            handle, {"constant_memory": True, "strings_to_formulas": False}
        )
        sheet = workbook.add_worksheet()
        date_fmt = workbook.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_row(0, 0, headers)
        write_string, write_number, write_datetime = (
            sheet.write_string,
            sheet.write_number,
            sheet.write_datetime,
        )
        for r, row in enumerate(rows_query(prefix), start=1):
            for c, value in enumerate(row):
                # An empty cell is no cell at all: written, it would cost a blank.
                if value is None or value == "":
                    continue
                kind = type(value)
                if kind is str:
                    write_string(r, c, value)
                elif kind is dt.date:
                    write_datetime(r, c, value, date_fmt)
                elif kind is dt.datetime:
                    write_datetime(r, c, value.replace(tzinfo=None), date_fmt)
                elif kind is decimal.Decimal:
                    write_number(r, c, float(value))
                else:
                    write_number(r, c, value)
        workbook.close()
        return _read_back(handle)


_XML_BAD = None


def _xml(value: str) -> str:
    global _XML_BAD
    if _XML_BAD is None:
        import re

        _XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
    return _XML_BAD.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_EPOCH = dt.date(1899, 12, 30)
_FLOOR_STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="2"><font/><font><b/></font></fonts><fills count="2"><fill><patternFill/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/>'
    "</borders>"
    '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf/>'
    '<xf numFmtId="164" applyNumberFormat="1"/><xf fontId="1" applyFont="1"/></cellXfs>'
    "</styleSheet>"
)


def raw_xlsx(prefix: str = PREFIX) -> int:
    """The file format's floor: the sheet XML by hand, each row one string, streamed into the
    zip."""
    import zipfile

    _lookups, headers = columns(prefix)
    letters = [chr(65 + i) for i in range(len(headers))]  # the export has fewer than 27 columns
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
                head = "".join(
                    f'<c r="{letters[c]}1" s="2" t="inlineStr"><is><t>{_xml(h)}</t></is></c>'
                    for c, h in enumerate(headers)
                )
                out.write(
                    (
                        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        '<sheetViews><sheetView workbookViewId="0">'
                        '<pane ySplit="1" topLeftCell="A2" state="frozen"/></sheetView>'
                        "</sheetViews>"
                        f'<sheetData><row r="1">{head}</row>'
                    ).encode()
                )
                parts = []
                for r, row in enumerate(rows_query(prefix), start=2):
                    cells = []
                    for c, value in enumerate(row):
                        if value is None or value == "":
                            continue
                        kind = type(value)
                        if kind is str:
                            cells.append(
                                f'<c r="{letters[c]}{r}" '
                                f't="inlineStr"><is><t>{_xml(value)}</t></is></c>'
                            )
                        elif kind is dt.date:
                            cells.append(
                                f'<c r="{letters[c]}{r}" s="1"><v>{(value - _EPOCH).days}</v></c>'
                            )
                        elif kind is dt.datetime:
                            cells.append(
                                f'<c r="{letters[c]}{r}" '
                                f's="1"><v>{(value.date() - _EPOCH).days}</v></c>'
                            )
                        elif kind is bool:
                            cells.append(f'<c r="{letters[c]}{r}" t="b"><v>{int(value)}</v></c>')
                        else:
                            cells.append(f'<c r="{letters[c]}{r}"><v>{value}</v></c>')
                    parts.append(f'<row r="{r}">{"".join(cells)}</row>')
                    if len(parts) == 1000:
                        out.write("".join(parts).encode())
                        parts = []
                out.write(("".join(parts) + "</sheetData></worksheet>").encode())
            ns = "http://schemas.openxmlformats.org"
            archive.writestr(
                "[Content_Types].xml",
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<Types xmlns="{ns}/package/2006/content-types">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                f'<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                '<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                "</Types>",
            )
            archive.writestr(
                "_rels/.rels",
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<Relationships xmlns="{ns}/package/2006/relationships">'
                '<Relationship Id="rId1" '
                f'Type="{ns}/officeDocument/2006/relationships/officeDocument" '
                'Target="xl/workbook.xml"/>'
                "</Relationships>",
            )
            archive.writestr(
                "xl/workbook.xml",
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<workbook xmlns="{ns}/spreadsheetml/2006/main" '
                f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
                '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
            )
            archive.writestr(
                "xl/_rels/workbook.xml.rels",
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<Relationships xmlns="{ns}/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" '
                'Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{ns}/officeDocument/2006/relationships/styles" '
                'Target="styles.xml"/>'
                "</Relationships>",
            )
            archive.writestr("xl/styles.xml", _FLOOR_STYLES)
        return _read_back(handle)


def four_times_xlsx(prefix: str = PREFIX) -> int:
    """``core.exports.write_xlsx`` over four times the rows (the same query chained four times)."""
    import itertools

    from core.exports import write_xlsx

    _lookups, headers = columns(prefix)
    with tempfile.TemporaryFile() as handle:
        rows = itertools.chain.from_iterable(rows_query(prefix) for _ in range(4))
        write_xlsx(handle, headers, rows, sheet_name=prefix)
        return _read_back(handle)


class _Sink:
    """csv.writer's file: encode each line as the HTTP response would, count the bytes."""

    def __init__(self, handle):
        self.handle = handle

    def write(self, text: str) -> None:
        self.handle.write(text.encode("utf-8"))


def bare_csv(prefix: str = PREFIX) -> int:
    _lookups, headers = columns(prefix)
    with tempfile.TemporaryFile() as handle:
        writer = csv.writer(_Sink(handle))
        writer.writerow(headers)
        writer.writerows(rows_query(prefix))
        return _read_back(handle)


PEER_FILTER = ("unit", "P-D01")


def peer_queryset(prefix: str = PREFIX):
    """The rows of ``?unit=P-D01``, through the viewset's own FilterSet."""
    viewset = viewset_for(prefix)
    model = viewset.queryset.model
    key, value = PEER_FILTER
    filterset = viewset.filterset_class(data={key: value}, queryset=model.objects.all())
    if not filterset.is_valid():
        raise RuntimeError(f"filter {PEER_FILTER} refused: {filterset.errors}")
    return filterset.qs


def peer_export(fmt: str, prefix: str = PREFIX) -> int:
    from import_export import resources

    viewset = viewset_for(prefix)
    model = viewset.queryset.model
    lookups, _headers = columns(prefix)
    relations = sorted({"__".join(lookup.split("__")[:-1]) for lookup in lookups if "__" in lookup})

    class Meta:
        pass

    Meta.model = model
    Meta.fields = tuple(lookups)
    Meta.export_order = tuple(lookups)
    resource_class = type("BenchExportResource", (resources.ModelResource,), {"Meta": Meta})
    queryset = peer_queryset(prefix).order_by("pk").select_related(*relations)
    dataset = resource_class().export(queryset=queryset)
    data = dataset.export(fmt)
    return len(data.encode("utf-8") if isinstance(data, str) else data)


def _subject(fmt: str, runs: int, subset: bool = False):
    def phase(ctx):
        client = admin_client()
        url = f"/api/v1/{PREFIX}/?format={fmt}"
        if subset:
            url += "&{}={}".format(*PEER_FILTER)
            rows = peer_queryset().count()
        else:
            rows = row_count()
        # Warm the code path (imports, URL resolver, renderers) on an empty selection.
        consume(client.get(f"/api/v1/{PREFIX}/?format={fmt}&staff=-"))
        ctx.mark_baseline()
        measured = timed(ctx.runs(runs), lambda: consume(client.get(url)))
        measured["extra"] = {"rows": rows, "bytes": measured["result"]}
        return measured

    return phase


def _floor(func, runs: int):
    def phase(ctx):
        rows = row_count()
        ctx.mark_baseline()
        measured = timed(ctx.runs(runs), func)
        measured["extra"] = {"rows": rows, "bytes": measured["result"]}
        return measured

    return phase


def _peer(fmt: str):
    def phase(ctx):
        rows = peer_queryset().count()
        ctx.mark_baseline()
        measured = timed(1, lambda: peer_export(fmt))
        measured["extra"] = {"bytes": measured["result"], "rows": rows, "compare_to": "district"}
        return measured

    return phase


def unavailable() -> str | None:
    def peer():
        try:
            import import_export  # noqa: F401
        except ImportError:
            return "django-import-export is not installed (pip install -e '.[test]')"
        return None

    return first_reason(
        lambda: missing_model("training.Enrolment"),
        lambda: missing_route(f"/api/v1/{PREFIX}/"),
        lambda: missing_rows("training.Enrolment", MIN_ROWS),
        peer,
    )


CASES = [
    Case(
        name="export_xlsx",
        phases={
            "subject": _subject("xlsx", 1),
            "floor": _floor(raw_xlsx, 1),
            "xlsxwriter": _floor(bare_xlsx, 1),
            "district": _subject("xlsx", 2, subset=True),
            "peer": _peer("xlsx"),
            "x4": _floor(four_times_xlsx, 1),
        },
        unavailable=unavailable,
        timeout=1200,
        rounds=2,
    ),
    Case(
        name="export_csv",
        phases={
            "subject": _subject("csv", 2),
            "floor": _floor(bare_csv, 2),
            "district": _subject("csv", 2, subset=True),
            "peer": _peer("csv"),
        },
        unavailable=unavailable,
        timeout=1200,
    ),
]
