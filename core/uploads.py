"""Checks of uploaded files, one home for every way a file comes in (evidence, citizens'
attachments).

The type is sniffed from the bytes (``filetype``), never trusted from the name
or the declared content type; the size is checked against the setting named
by the rule before and while reading; the SHA-256 is computed in chunks, so
a large evidence file is never held in memory twice. Each kind of upload is
an :class:`UploadRule`: the sniffed types it accepts (MIME -> kind) and the
setting that holds its size limit (``EVIDENCE_MAX_BYTES``,
``FEEDBACK_MAX_UPLOAD_BYTES``; docs/configuration.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.files import extension_for, name_for_type

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class UploadRule:
    """What one kind of upload accepts."""

    types: Mapping[str, str]
    """Sniffed MIME type -> the kind stored with the file."""
    max_bytes_setting: str
    """Name of the setting that holds the size limit in bytes."""
    type_message: Any
    """What to tell the uploader when the type is not accepted (lazy translation)."""

    @property
    def max_bytes(self) -> int:
        return getattr(settings, self.max_bytes_setting)

    @property
    def max_megabytes(self) -> int:
        return self.max_bytes // (1024 * 1024)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed its rule: the file (rewound) and what was learnt from its bytes."""

    file: Any
    name: str
    """The uploader's name with the extension of the sniffed type."""
    content_type: str
    kind: str
    extension: str
    size: int
    checksum: str

    def read(self) -> bytes:
        self.file.seek(0)
        content = self.file.read()
        self.file.seek(0)
        return content


def _too_large(limit: int, size: int | None = None) -> ValidationError:
    if size is None:
        message = _("The file is too large; the limit is %(limit)s.") % {
            "limit": filesizeformat(limit)
        }
    else:
        message = _("The file is too large (%(size)s); the limit is %(limit)s.") % {
            "size": filesizeformat(size),
            "limit": filesizeformat(limit),
        }
    return ValidationError(message, code="too_large")


def check_upload(upload, rule: UploadRule) -> CheckedUpload:
    """Sniff, size and hash ``upload`` (a Django ``UploadedFile`` or a file object with a name).

    Raises ``ValidationError`` (codes ``too_large``, ``empty``, ``type``) with a
    message for the uploader; the caller puts it on its field.
    """
    limit = rule.max_bytes
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(limit, declared)
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    if not head:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime not in rule.types:
        raise ValidationError(rule.type_message, code="type")
    digest = hashlib.sha256(head)
    size = len(head)
    while chunk := upload.read(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        file=upload,
        name=name_for_type(getattr(upload, "name", "") or "", mime),
        content_type=mime,
        kind=rule.types[mime],
        extension=extension_for(mime),
        size=size,
        checksum=digest.hexdigest(),
    )
