"""Build real-looking roster files the way district offices make them."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

HEADER_VI = ("STT", "Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Đơn vị", "Loại", "Chức vụ")
HEADER_EN = ("code", "full_name", "unit", "category", "position", "date_of_birth", "gender")


def xlsx(
    rows: Sequence[Sequence[Any]],
    *,
    titles: Sequence[str] = (),
    sheet: str = "Danh sách",
    number_formats: dict[str, str] | None = None,
) -> io.BytesIO:
    """An .xlsx with ``titles`` as merged title rows above ``rows`` (header first)."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    width = max(len(row) for row in rows)
    for index, title in enumerate(titles, start=1):
        ws.cell(row=index, column=1, value=title)
        ws.merge_cells(start_row=index, start_column=1, end_row=index, end_column=width)
    start = len(titles) + 1
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            cell = ws.cell(row=start + offset, column=column, value=value)
            if number_formats and offset and column - 1 in number_formats:
                cell.number_format = number_formats[column - 1]
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _csv_text(rows: Sequence[Sequence[Any]], delimiter: str = ",") -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()


def csv_utf8(rows, *, bom: bool = False, delimiter: str = ",") -> io.BytesIO:
    data = _csv_text(rows, delimiter).encode("utf-8")
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + data)


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 the way Vietnamese Windows does.

    cp1258 has the base letters with circumflex, breve and horn precomposed
    (â, ê, ô, ơ, ư, ă, đ) but the five tone marks only as combining
    characters, so "ễ" is written ê + U+0303.
    """
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tones = [mark for mark in decomposed if mark in _TONES]
        base = unicodedata.normalize(
            "NFC", "".join(mark for mark in decomposed if mark not in _TONES)
        )
        out += base.encode("cp1258") + "".join(tones).encode("cp1258")
    return bytes(out)


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def csv_cp1258(rows, *, delimiter: str = ",") -> io.BytesIO:
    return io.BytesIO(to_cp1258(_csv_text(rows, delimiter)))
