"""core.uploads: one checker for every upload (type sniffed, size bounded while reading, streamed
hash)."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import UploadRule, check_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RULE = UploadRule(
    types={"application/pdf": "pdf"},
    max_bytes_setting="EVIDENCE_MAX_BYTES",
    type_message="PDF only",
)


def test_accepts_by_sniffed_type_and_names_the_file_after_it(settings):
    settings.EVIDENCE_MAX_BYTES = 10_000
    body = PDF + b"x" * 5000
    checked = check_upload(SimpleUploadedFile("bien-ban.exe", body), RULE)
    assert (checked.content_type, checked.kind, checked.extension) == (
        "application/pdf",
        "pdf",
        "pdf",
    )
    assert checked.name == "bien-ban.pdf"
    assert checked.size == len(body)
    assert checked.checksum == hashlib.sha256(body).hexdigest()
    assert checked.read() == body and checked.file.tell() == 0


def test_refuses_a_type_the_rule_does_not_accept(settings):
    settings.EVIDENCE_MAX_BYTES = 10_000
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("scan.pdf", b"#!/bin/sh\necho owned\n"), RULE)
    assert caught.value.code == "type" and caught.value.messages == ["PDF only"]


def test_refuses_empty_files(settings):
    settings.EVIDENCE_MAX_BYTES = 10_000
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("empty.pdf", b""), RULE)
    assert caught.value.code == "empty"


def test_the_limit_is_read_from_the_rule_setting_at_call_time(settings):
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 200)
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, RULE)
    assert caught.value.code == "too_large"
    settings.EVIDENCE_MAX_BYTES = 1000
    assert check_upload(upload, RULE).size == len(PDF) + 200


def test_a_file_without_a_declared_size_is_bounded_while_reading(settings):
    settings.EVIDENCE_MAX_BYTES = 20_000
    stream = io.BytesIO(PDF + b"0" * 100_000)
    stream.name = "stream.pdf"
    with pytest.raises(ValidationError) as caught:
        check_upload(stream, RULE)
    assert caught.value.code == "too_large"
