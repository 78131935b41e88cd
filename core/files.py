"""Names of uploaded files: the extension always follows the type sniffed from the bytes.

An uploader chooses the name, so ``evil.html`` may hold a PNG and a PDF may
be called ``invoice.exe``. The type is sniffed from the content (``filetype``)
and the extension of every name we store or send (``Content-Disposition``)
is the one of that type; the uploader's stem is kept so people recognise
their file. Used by the evidence files and the feedback attachments.
"""

from __future__ import annotations

import mimetypes
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.http import FileResponse

# Extensions that name the same type as the canonical one, kept as written.
_ALIASES = {
    "jpg": {"jpeg", "jpe"},
    "tif": {"tiff"},
}
_MAX_NAME = 200


def extension_for(content_type: str) -> str:
    """The canonical extension (no dot) of a MIME type: ``image/png`` -> ``png``; ``bin`` if
    unknown."""
    kind = filetype.get_type(mime=content_type)
    if kind is not None:
        return kind.extension
    guessed = mimetypes.guess_extension(content_type or "", strict=False)
    return guessed.lstrip(".") if guessed else "bin"


def name_for_type(original: str, content_type: str, *, default_stem: str = "file") -> str:
    """``original`` with the extension of ``content_type``: ``evil.html`` + PNG -> ``evil.png``.

    Folder parts are dropped (both separators), control characters removed;
    an extension already right for the type (``.jpeg`` for JPEG) is kept.
    """
    name = PureWindowsPath(PurePosixPath(original or "").name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    extension = extension_for(content_type)
    stem, dot, given = name.rpartition(".")
    if not dot:
        stem, given = name, ""
    if given.lower() == extension or given.lower() in _ALIASES.get(extension, ()):
        extension = given.lower()
    stem = stem.strip() or default_stem
    return f"{stem[: _MAX_NAME - len(extension) - 1]}.{extension}"


def file_download(
    field_file, *, name: str, content_type: str, inline: bool = False
) -> FileResponse:
    """Stream a stored file with its sniffed type and a name whose extension matches it."""
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=not inline,
        filename=name_for_type(name, content_type),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
