"""Checks of files citizens attach: the type is sniffed from the bytes, never trusted from the name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Photos and PDFs only: what a phone produces and what a letter scan becomes.
ALLOWED = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
}


def max_upload_bytes() -> int:
    return settings.FEEDBACK_MAX_UPLOAD_BYTES


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    checksum: str

    @property
    def size(self) -> int:
        return len(self.content)


def check_upload(upload) -> CheckedUpload:
    """Read an uploaded file within the size limit and sniff its type, or raise ValidationError."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("The file is too large; the limit is %(limit)s.") % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime not in ALLOWED:
        raise ValidationError(
            _("Only a photo (JPEG, PNG, WebP, HEIC) or a PDF file can be attached."), code="type"
        )
    return CheckedUpload(
        content=content,
        content_type=kind.mime,
        extension=ALLOWED[kind.mime],
        checksum=hashlib.sha256(content).hexdigest(),
    )
