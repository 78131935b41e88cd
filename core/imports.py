"""The spreadsheet import engine: one mechanism for every import (rosters, attendance).

District offices keep their lists in Excel, so an import must take a sheet as
people actually make it:

- ``.xlsx`` read with openpyxl in read-only mode (rows streamed from the zip,
  never the whole sheet in memory), and ``.csv`` in UTF-8 with or without a
  BOM, UTF-16 ("Unicode text" from Excel) or Windows-1258, the code page
  Vietnamese Excel still writes. Python's cp1258 codec yields decomposed tone
  marks (``ê`` + U+0303), so every cell is NFC-normalised.
- A title row or two (often merged cells) above the header row: the header is
  the first row, within the first ``HEADER_SCAN_ROWS``, that names at least
  two known columns. Headers may be Vietnamese or English, in any order, any
  case, with stray spaces, with or without diacritics, with a note in
  parentheses (``Ngày sinh (dd/mm/yyyy)``). Unknown columns (``STT``) are
  ignored.
- Dates as dd/mm/yyyy text (never read as mm/dd), ISO text, or Excel dates
  (date cells or serial numbers). Impossible dates (31/02/1990) are refused.

An import is all-or-nothing. The engine streams the rows through an
:class:`Importer` (one per kind of file, in the app that owns the models),
which parses each row and resolves and writes rows in batches with bulk
queries, all inside one transaction that is rolled back when any row has an
error or on a dry run. Every error names the sheet, the row number as Excel
shows it and the column header as written in the file; messages are lazy
translations, so the same report reads in Vietnamese or English.

django-import-export was evaluated and not used; docs/imports.md ("Why not
django-import-export") says why.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import recorded_as
from core.text import nfc, search_key

logger = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 30
MAX_ERRORS = 1000
# What a file may make us inflate and hold (a 718 KB .xlsx with one huge
# inline-string cell once took a worker to 4 GB). The .xlsx's central
# directory is checked before openpyxl opens anything, then every XML part is
# streamed once, in constant memory, to find a cell longer than Excel allows;
# rows are counted while reading. Each refusal names its limit.
MAX_ROWS = 200_000  # rows per sheet, as Excel numbers them
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
XLSX_MAX_MEMBERS = 1_000
XLSX_MAX_MEMBER_BYTES = 256 * 1024 * 1024  # one part, inflated
XLSX_MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all parts, inflated
XLSX_MAX_RATIO = 200  # inflated / compressed, for parts above XLSX_RATIO_FLOOR
XLSX_RATIO_FLOOR = 1024 * 1024
# Between two "<" of the XML: one cell's text, escaped (&amp; is 5 bytes, a
# Vietnamese letter 2-3 bytes in UTF-8), or one tag with its attributes.
XLSX_MAX_TEXT_RUN_BYTES = MAX_CELL_CHARS * 6
MAX_PREVIEW_ROWS = 50
_CHUNK = 64 * 1024
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_NOTE_IN_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORDS = re.compile(r"[a-z0-9]+")
_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")


# --------------------------------------------------------------------------- keys


def header_key(value: Any) -> str:
    """The key a header (or an alias) is matched by: ``" Họ và TÊN (*) "`` -> ``"ho va ten"``.

    Notes in parentheses are dropped, diacritics and case ignored, and
    punctuation and underscores count as spaces (``full_name`` == ``Full name``).
    """
    text = _NOTE_IN_PARENS.sub(" ", str(value or ""))
    return " ".join(_WORDS.findall(search_key(text)))


def value_key(value: Any) -> str:
    """The key a coded value is matched by (``"Hợp đồng (lao động)"`` -> ``"hop dong lao
    dong"``)."""
    return " ".join(_WORDS.findall(search_key(str(value or ""))))


# --------------------------------------------------------------------------- errors


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, no header row, missing column)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class CellError(ValueError):
    """A cell's value is not acceptable; raised by the ``*_cell`` parsers."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem: where it is (sheet, Excel row number, column header) and what it is.

    ``row`` and ``column`` are empty for a problem with the whole file.
    ``message`` is a lazy translation; ``str()`` renders in the active language.
    """

    message: Any
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return str(self.message)
        if self.column:
            where = gettext('Sheet "%(sheet)s", row %(row)s, column "%(column)s"') % {
                "sheet": self.sheet,
                "row": self.row,
                "column": self.column,
            }
        else:
            where = gettext('Sheet "%(sheet)s", row %(row)s') % {
                "sheet": self.sheet,
                "row": self.row,
            }
        return f"{where}: {self.message}"


# --------------------------------------------------------------------------- cell parsers


def text_cell(value: Any) -> str:
    """A cell as trimmed NFC text; whole numbers lose Excel's ``.0`` (a code typed as 1001)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def _checked_date(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(format_lazy(_("{value} is not a real date."), value=raw)) from None


def date_cell(value: Any) -> dt.date | None:
    """A date from an Excel date cell, an Excel serial number, dd/mm/yyyy text or ISO text.

    Text with slashes is always day/month/year, as written in Vietnam: 03/04/1990
    is 3 April, never 4 March. A bare number in a text (CSV) cell is refused
    rather than guessed at.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value <= _EXCEL_MAX_SERIAL:
            raise CellError(format_lazy(_("{value} is not a date."), value=value))
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    raw = nfc(str(value))
    if not raw:
        return None
    if match := _DMY.match(raw):
        day, month, year = (int(part) for part in match.groups())
        return _checked_date(year, month, day, raw)
    if match := _ISO.match(raw):
        year, month, day = (int(part) for part in match.groups())
        return _checked_date(year, month, day, raw)
    raise CellError(
        format_lazy(
            _("{value} is not a date: write it as dd/mm/yyyy (e.g. 25/12/1990)."), value=raw
        )
    )


def decimal_cell(value: Any) -> decimal.Decimal | None:
    """A number; a decimal comma (``8,5``) is accepted as Vietnamese Excel writes it."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(format_lazy(_("{value} is not a number."), value=value))
    if isinstance(value, int | float):
        return decimal.Decimal(str(value))
    raw = nfc(str(value)).replace(" ", "")
    if not raw:
        return None
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        number = decimal.Decimal(raw)
    except decimal.InvalidOperation:
        raise CellError(format_lazy(_("{value} is not a number."), value=raw)) from None
    if not number.is_finite():
        raise CellError(format_lazy(_("{value} is not a number."), value=raw))
    return number


def choice_cell(value: Any, choices: dict[str, str]) -> str | None:
    """Map a cell to a stored code through ``choices`` (keys made with :func:`value_key`)."""
    raw = text_cell(value)
    if not raw:
        return None
    try:
        return choices[value_key(raw)]
    except KeyError:
        raise CellError(
            format_lazy(_("{value} is not one of the accepted values."), value=raw)
        ) from None


# --------------------------------------------------------------------------- columns and rows


@dataclass(frozen=True)
class Column:
    """A column an importer understands: its key, its label and the headers that name it."""

    key: str
    label: Any
    aliases: tuple[str, ...]
    required: bool = False

    def keys(self) -> set[str]:
        return {header_key(alias) for alias in (self.key, *self.aliases)}


class Row:
    """One data row: raw cells by column key, and the errors found while reading it.

    The typed getters (``text``, ``date``, ``decimal``, ``choice``) record a
    :class:`RowError` naming the column header and return ``None`` on a bad
    cell, so an importer reports every bad cell of a row, not only the first.
    """

    __slots__ = ("_headers", "_values", "errors", "number", "sheet")

    def __init__(self, *, sheet: str, number: int, values: dict[str, Any], headers: dict[str, str]):
        self.sheet = sheet
        self.number = number
        self._values = values
        self._headers = headers
        self.errors: list[RowError] = []

    def has(self, key: str) -> bool:
        """Whether the file has this column at all."""
        return key in self._headers

    def raw(self, key: str) -> Any:
        return self._values.get(key)

    def error(self, key: str, message) -> None:
        self.errors.append(RowError(message, self.sheet, self.number, self._headers.get(key, key)))

    def _parse(self, key: str, parser: Callable[[Any], Any]) -> Any:
        try:
            return parser(self._values.get(key))
        except CellError as exc:
            self.error(key, exc.message)
            return None

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self._parse(key, text_cell) or ""
        if required and not value:
            self.error(key, _("This cell is required."))
        elif max_length and len(value) > max_length:
            self.error(
                key, format_lazy(_("Too long: at most {limit} characters."), limit=max_length)
            )
        return value

    def date(self, key: str) -> dt.date | None:
        return self._parse(key, date_cell)

    def decimal(self, key: str) -> decimal.Decimal | None:
        return self._parse(key, decimal_cell)

    def choice(self, key: str, choices: dict[str, str], *, required: bool = False) -> str | None:
        value = self._parse(key, lambda raw: choice_cell(raw, choices))
        if value is None and required and not text_cell(self._values.get(key)):
            self.error(key, _("This cell is required."))
        return value


# --------------------------------------------------------------------------- reading files


class Sheet:
    """A sheet of a file: its name, an estimate of its row count, and a fresh row iterator."""

    def __init__(
        self, name: str, rows: Callable[[], Iterator[tuple[int, tuple]]], total: int | None
    ):
        self.name = name
        self.rows = rows
        self.total = total


def _looks_like_zip(handle: IO[bytes]) -> bool:
    start = handle.read(4)
    handle.seek(0)
    return start == b"PK\x03\x04"


def detect_encoding(handle: IO[bytes]) -> str:
    """``utf-8-sig``, ``utf-16`` or ``utf-8`` when the bytes decode as such, else ``cp1258``.

    The whole file is checked in chunks (constant memory), because a
    Windows-1258 file may be pure ASCII for its first thousand rows.
    """
    start = handle.read(4)
    handle.seek(0)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := handle.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1258"
    finally:
        handle.seek(0)
    return "utf-8"


def _guess_delimiter(sample: str) -> str:
    """The delimiter that splits most of the sample's lines into the same, widest shape.

    csv.Sniffer is misled by title rows ("DANH SÁCH CÁN BỘ, CÔNG CHỨC" in a
    semicolon file); the header and data rows share one width, so the
    delimiter giving the most lines of its widest width wins.
    """
    best, best_score = ",", (0, 0)
    lines = sample.splitlines()[: HEADER_SCAN_ROWS * 2]
    for delimiter in (",", ";", "\t"):
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        widest = max(widths, default=0)
        score = (widths.count(widest) if widest > 1 else 0, widest)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_sheets(handle: IO[bytes], name: str, max_rows: int = MAX_ROWS) -> list[Sheet]:
    encoding = detect_encoding(handle)
    sample = handle.read(_CHUNK).decode(encoding, errors="ignore")
    handle.seek(0)
    delimiter = _guess_delimiter(sample)

    def records() -> Iterator[tuple]:
        handle.seek(0)
        text = io.TextIOWrapper(handle, encoding=encoding, newline="")
        try:
            reader = csv.reader(text, delimiter=delimiter)
            for values in reader:
                # reader.line_num counts physical lines; a quoted cell may span
                # several, and Excel numbers records, so count records instead.
                yield tuple(nfc(value) if value else None for value in values)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportFileError(
                format_lazy(_("The CSV file could not be read: {error}"), error=exc)
            ) from exc
        finally:
            text.detach()

    def numbered() -> Iterator[tuple[int, tuple]]:
        for number, values in enumerate(records(), start=1):
            if number > max_rows:
                raise _too_many_rows(max_rows)
            yield number, values

    return [Sheet(Path(name).stem or "CSV", numbered, None)]


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def check_xlsx_archive(handle: IO[bytes]) -> None:
    """Refuse a workbook that would inflate beyond the limits, before openpyxl reads it.

    First the zip's central directory (sizes and compression ratios as
    declared; ``zipfile`` stops reading a member at its declared size, so
    they bound what is inflated), then each XML part streamed once in
    chunks: no run of text between two ``<`` may exceed
    ``XLSX_MAX_TEXT_RUN_BYTES`` (a cell longer than Excel allows).
    Raises ``ImportFileError`` naming the limit.
    """
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    with archive:
        members = archive.infolist()
        if len(members) > XLSX_MAX_MEMBERS:
            raise ImportFileError(
                format_lazy(
                    _("The workbook has more than {limit} parts; it cannot be imported."),
                    limit=XLSX_MAX_MEMBERS,
                )
            )
        total = 0
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > XLSX_RATIO_FLOOR and ratio > XLSX_MAX_RATIO:
                raise ImportFileError(
                    format_lazy(
                        _(
                            "The workbook unpacks to {ratio} times its size (limit {limit} times): "
                            "it looks like a zip bomb and is not imported."
                        ),
                        ratio=int(ratio),
                        limit=XLSX_MAX_RATIO,
                    )
                )
            total += member.file_size
            if member.file_size > XLSX_MAX_MEMBER_BYTES or total > XLSX_MAX_TOTAL_BYTES:
                raise ImportFileError(
                    format_lazy(
                        _(
                            "The workbook is too large once unpacked (limit {limit} per "
                            "part, {total} in all)."
                        ),
                        limit=_mib(XLSX_MAX_MEMBER_BYTES),
                        total=_mib(XLSX_MAX_TOTAL_BYTES),
                    )
                )
        # Anchored at the start of a run, so each run is scanned once (linear time).
        too_long = re.compile(rb"(?:\A|(?<=<))[^<]{%d}" % (XLSX_MAX_TEXT_RUN_BYTES + 1))
        for member in members:
            if not member.filename.lower().endswith((".xml", ".rels")):
                continue
            run = 0  # length of the text run that the previous chunk ended with
            try:
                with archive.open(member) as part:
                    while chunk := part.read(_CHUNK * 16):
                        first = chunk.find(b"<")
                        if run + (
                            len(chunk) if first < 0 else first
                        ) > XLSX_MAX_TEXT_RUN_BYTES or too_long.search(chunk):
                            raise ImportFileError(
                                format_lazy(
                                    _(
                                        "A cell of the workbook is longer than {limit} "
                                        "characters, the most a spreadsheet cell can hold; "
                                        "the file is not imported."
                                    ),
                                    limit=f"{MAX_CELL_CHARS:,}",
                                )
                            )
                        last = chunk.rfind(b"<")
                        run = run + len(chunk) if last < 0 else len(chunk) - last - 1
            except (
                zipfile.BadZipFile,
                OSError,
                ValueError,
                EOFError,
                NotImplementedError,
                RuntimeError,
            ) as exc:
                raise ImportFileError(
                    _("The file could not be read as an Excel workbook (.xlsx).")
                ) from exc
    handle.seek(0)


def _too_many_rows(limit: int = MAX_ROWS) -> ImportFileError:
    return ImportFileError(
        format_lazy(
            _("The sheet has more than {limit} rows; split it into smaller files."),
            limit=f"{limit:,}",
        )
    )


def _xlsx_sheets(
    handle: IO[bytes], max_rows: int = MAX_ROWS
) -> tuple[list[Sheet], Callable[[], None]]:
    from openpyxl import load_workbook

    check_xlsx_archive(handle)
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    sheets = []
    for worksheet in book.worksheets:
        if getattr(worksheet, "sheet_state", "visible") != "visible":
            continue
        total = worksheet.max_row if (worksheet.max_row or 0) > 1 else None
        # Some writers store a wrong <dimension>; reading without it gets every row.
        worksheet.reset_dimensions()

        def rows(ws=worksheet) -> Iterator[tuple[int, tuple]]:
            # openpyxl fills in missing rows, so the position is the row number.
            try:
                for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                    if number > max_rows:
                        raise _too_many_rows(max_rows)
                    yield (
                        number,
                        tuple(nfc(value) if isinstance(value, str) else value for value in values),
                    )
            except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
                # A damaged sheet is found only while streaming it (ParseError is a SyntaxError).
                raise ImportFileError(
                    _("The file could not be read as an Excel workbook (.xlsx).")
                ) from exc

        sheets.append(Sheet(worksheet.title, rows, total))
    return sheets, book.close


# --------------------------------------------------------------------------- importer and report


@dataclass
class PreviewRow:
    """A row as shown in the admin preview: cells in file order, and the errors on it."""

    number: int
    cells: list[str]
    error_columns: set[int] = field(default_factory=set)
    messages: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import found and did; the same for a dry run and a real one."""

    kind: str = ""
    filename: str = ""
    sheet: str = ""
    header_row: int | None = None
    headers: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    committed: bool = False
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    preview: list[PreviewRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    def summary(self) -> str:
        """One line in the active language."""
        counts = {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.error_count,
        }
        if not self.ok:
            return gettext("%(errors)s error(s) in %(rows)s row(s): nothing was imported.") % counts
        if self.dry_run:
            return (
                gettext(
                    "Dry run: %(rows)s row(s) would be imported: %(created)s new, "
                    "%(updated)s changed, %(unchanged)s unchanged. Nothing was written."
                )
                % counts
            )
        return (
            gettext(
                "Imported %(rows)s row(s): %(created)s new, %(updated)s changed, "
                "%(unchanged)s unchanged."
            )
            % counts
        )

    def lines(self) -> list[str]:
        """The report as text lines: the summary, then every error kept."""
        out = [self.summary()]
        out.extend(str(error) for error in self.errors)
        if self.error_count > len(self.errors):
            out.append(
                gettext("... and %(count)s more error(s).")
                % {"count": self.error_count - len(self.errors)}
            )
        return out


class Importer:
    """Base for one kind of import. Subclasses declare ``columns`` and implement:

    - ``parse(row)``: read and check one row without queries; return the
      staged item, or ``None`` after recording errors on the row;
    - ``resolve(items, report)``: with one or a few queries for the whole
      batch, compare with the database, add errors (``report.add_error``),
      count ``created``/``updated``/``unchanged`` and return what to write;
    - ``write(pending)``: bulk-write what ``resolve`` returned.

    Prefetching (units, choices) belongs in ``__init__`` or ``begin``.
    ``finish()`` runs once after the last batch, inside the import's
    transaction (temporary tables to drop). ``report`` is the report being
    built, set by the engine before ``begin``, for an importer that checks
    rows in its own batches (across the whole file, without keeping every
    row in memory) and adds errors outside ``resolve``.
    """

    report: ImportReport | None = None
    kind = ""
    columns: tuple[Column, ...] = ()
    batch_size = 1000
    # Rows per sheet this kind of file may have; None: ``MAX_ROWS`` (a year of one-stop dossiers is
    # larger than a roster).
    max_rows: int | None = None

    def begin(self, headers: dict[str, str]) -> None:
        """Called once the header row is known (column key -> header as written)."""

    def finish(self) -> None:
        """Called once after the last batch, inside the transaction."""

    def parse(self, row: Row) -> Any:
        raise NotImplementedError

    def resolve(self, items: list[Any], report: ImportReport) -> Any:
        raise NotImplementedError

    def write(self, pending: Any) -> None:
        raise NotImplementedError


def _match_header(values: tuple, columns: Sequence[Column]) -> dict[int, Column]:
    by_key: dict[str, Column] = {}
    for column in columns:
        for key in column.keys():
            by_key[key] = column
    found: dict[int, Column] = {}
    for index, value in enumerate(values):
        if value is None:
            continue
        known = by_key.get(header_key(value))
        if known is not None:
            found[index] = known
    return found


def _find_header(sheet: Sheet, rows: Iterator[tuple[int, tuple]], columns: Sequence[Column]):
    needed = min(2, len(columns))
    for number, values in rows:
        if number > HEADER_SCAN_ROWS:
            break
        found = _match_header(values, columns)
        if len({column.key for column in found.values()}) >= needed:
            return number, values, found
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _open_sheets(source: IO[bytes] | str | Path, filename: str, max_rows: int = MAX_ROWS):
    """(sheets, close) for a path or a seekable binary file; the type comes from the bytes."""
    owned = None
    if isinstance(source, str | Path):
        owned = open(source, "rb")  # closed by the closer returned below
        handle: IO[bytes] = owned
        filename = filename or str(source)
    else:
        handle = source
        handle.seek(0)
    suffix = Path(filename).suffix.lower()

    def close_owned() -> None:
        if owned is not None:
            owned.close()

    try:
        if _looks_like_zip(handle):
            sheets, close_book = _xlsx_sheets(handle, max_rows)

            def close() -> None:
                close_book()
                close_owned()

            return sheets, close
        if suffix in (".xls", ".xlsb", ".ods") or handle.read(8).startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportFileError(
                _("Only .xlsx and .csv files can be imported: save the sheet as .xlsx.")
            )
        handle.seek(0)
        return _csv_sheets(handle, filename, max_rows), close_owned
    except BaseException:
        close_owned()
        raise


def run_import(
    importer: Importer,
    source: IO[bytes] | str | Path,
    *,
    filename: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    preview_rows: int = 0,
    user=None,
    request=None,
) -> ImportReport:
    """Import ``source`` (a path or a seekable binary file) with ``importer``; all-or-nothing.

    Returns the report; nothing is written when the report has errors or on a
    dry run. ``progress(rows_read, total_or_None)`` is called every few
    hundred rows. ``preview_rows`` keeps that many rows (plus every row with
    an error, up to ``MAX_ERRORS``) for display. A real import (not a dry
    run) is recorded in the security event log, refused or not.
    """
    report = ImportReport(
        kind=importer.kind, filename=Path(filename or str(source)).name, dry_run=dry_run
    )
    try:
        sheets, close = _open_sheets(source, filename, importer.max_rows or MAX_ROWS)
    except ImportFileError as exc:
        report.add_error(RowError(exc.message))
        _log(report, user, request)
        return report
    try:
        # History rows of the import are by the importing user, in a job too (core.history).
        with recorded_as(user):
            _run(importer, sheets, report, progress=progress, preview_rows=preview_rows)
    except ImportFileError as exc:
        report.add_error(RowError(exc.message, report.sheet))
        report.committed = False
    except IntegrityError:
        # Someone else wrote a conflicting record (e.g. the same new code)
        # between our read and our write; the transaction was rolled back.
        logger.warning("import of %s hit a conflicting write", report.filename, exc_info=True)
        report.add_error(
            RowError(
                _(
                    "Another change to the same records happened meanwhile; nothing was "
                    "imported. Try again."
                )
            )
        )
        report.committed = False
    finally:
        close()
    _log(report, user, request)
    return report


def _run(
    importer: Importer, sheets: list[Sheet], report: ImportReport, *, progress, preview_rows: int
) -> None:
    for sheet in sheets:
        rows = sheet.rows()
        header = _find_header(sheet, rows, importer.columns)
        if header is not None:
            break
    else:
        expected = _lazy_join([column.label for column in importer.columns if column.required])
        raise ImportFileError(
            format_lazy(
                _(
                    "No header row found in the first {count} rows. Expected columns such "
                    "as: {columns}."
                ),
                count=HEADER_SCAN_ROWS,
                columns=expected,
            )
        )
    header_number, header_values, found = header
    report.sheet, report.header_row = sheet.name, header_number
    report.headers = [text_cell(value) for value in header_values]
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, column in sorted(found.items()):
        if column.key in positions:
            raise ImportFileError(
                format_lazy(
                    _('Row {row}: the columns "{first}" and "{second}" both mean {label}.'),
                    row=header_number,
                    first=headers[column.key],
                    second=report.headers[index],
                    label=column.label,
                )
            )
        positions[column.key] = index
        headers[column.key] = report.headers[index]
    missing = [
        column.label
        for column in importer.columns
        if column.required and column.key not in positions
    ]
    if missing:
        raise ImportFileError(
            format_lazy(
                _("Row {row} (the header row) lacks the column(s): {columns}."),
                row=header_number,
                columns=_lazy_join(missing),
            )
        )
    importer.report = report
    importer.begin(headers)
    order = {headers[key]: index for key, index in positions.items()}
    with transaction.atomic():
        batch: list[Any] = []
        for number, values in rows:
            if all(_blank(value) for value in values):
                continue
            report.rows += 1
            row = Row(
                sheet=sheet.name,
                number=number,
                headers=headers,
                values={
                    key: (values[index] if index < len(values) else None)
                    for key, index in positions.items()
                },
            )
            item = importer.parse(row)
            # Errors read left to right, as the columns stand in the sheet.
            row.errors.sort(key=lambda error: order.get(error.column, len(order)))
            for error in row.errors:
                report.add_error(error)
            if (row.errors and len(report.preview) < MAX_ERRORS) or len(
                report.preview
            ) < preview_rows:
                report.preview.append(
                    _preview(number, values, row.errors, report.headers, positions)
                )
            if not row.errors and item is not None:
                batch.append(item)
            if len(batch) >= importer.batch_size:
                _flush(importer, batch, report)
                batch = []
            if progress is not None and report.rows % 500 == 0:
                progress(report.rows, sheet.total and max(sheet.total - header_number, 0))
        if batch:
            _flush(importer, batch, report)
        importer.finish()
        if progress is not None:
            progress(report.rows, report.rows)
        if not report.ok or report.dry_run:
            transaction.set_rollback(True)
        else:
            report.committed = True
    if report.rows == 0 and report.ok:
        report.add_error(RowError(_("The file has a header row but no data rows."), sheet.name))


def _lazy_join(labels: Sequence[Any]):
    """``", ".join`` of lazy labels, itself lazy, so it renders in the language of the reader."""
    return format_lazy(", ".join(["{}"] * len(labels)), *labels)


def _flush(importer: Importer, batch: list[Any], report: ImportReport) -> None:
    pending = importer.resolve(batch, report)
    # Once any error is known nothing will be kept, so writing is wasted work;
    # resolving continues so that the report lists every problem.
    if report.ok and not report.dry_run:
        importer.write(pending)


def _preview(
    number: int,
    values: tuple,
    errors: list[RowError],
    headers: list[str],
    positions: dict[str, int],
) -> PreviewRow:
    width = max(len(headers), len(values))
    cells = [text_cell(values[index]) if index < len(values) else "" for index in range(width)]
    by_header = {headers[index]: index for index in positions.values()}
    return PreviewRow(
        number=number,
        cells=cells,
        error_columns={by_header[error.column] for error in errors if error.column in by_header},
        messages=[
            f"{error.column}: {error.message}" if error.column else str(error.message)
            for error in errors
        ],
    )


def _log(report: ImportReport, user, request) -> None:
    if report.dry_run:
        return
    from core.audit import log_event
    from core.models import SecurityEventKind

    log_event(
        SecurityEventKind.IMPORT,
        request=request,
        user=user,
        import_kind=report.kind,
        file=report.filename,
        rows=report.rows,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        errors=report.error_count,
        committed=report.committed,
    )


def console_progress(stream, *, every: int = 10_000) -> Callable[[int, int | None], None]:
    """A ``progress`` callback for commands, given a command's ``self.stderr``.

    On a terminal a bar is redrawn in place; otherwise (logs of scheduled
    jobs, pipes) a plain line every ``every`` rows.
    """
    tty = stream.isatty()
    last = [0]

    def show(done: int, total: int | None) -> None:
        if tty:
            if total:
                filled = min(30, 30 * done // max(total, 1))
                stream.write(f"\r[{'#' * filled}{'-' * (30 - filled)}] {done}/{total}", ending="")
            else:
                stream.write(f"\r{done}", ending="")
            if total is not None and done >= total:
                stream.write("")
            stream.flush()
        elif done - last[0] >= every or (total is not None and done >= total and done != last[0]):
            last[0] = done
            stream.write(gettext("%(done)s rows read") % {"done": done})

    return show


def run_import_command(command, importer, path, *, dry_run: bool, language: str | None) -> None:
    """What the import commands share: run, print the report, exit 1 when the file is refused."""
    from django.core.management.base import CommandError
    from django.utils import translation

    with translation.override(language or translation.get_language()):
        report = run_import(
            importer,
            path,
            filename=path.name,
            dry_run=dry_run,
            progress=console_progress(command.stderr),
        )
        lines = report.lines()
    for line in lines:
        command.stdout.write(line)
    if not report.ok:
        raise CommandError(lines[0], returncode=1)
