"""A backup restores to the same data: every model's row count, keys and relations, the history and
the files."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import stat
import tarfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from core.audit import log_event
from core.management.commands.backup_data import EXCLUDED
from core.models import SecurityEventKind
from staff.models import Staff
from tests.factories import StaffFactory


def _excluded(model) -> bool:
    return model._meta.app_label in EXCLUDED or model._meta.label_lower in EXCLUDED


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and not _excluded(model)
    }


@pytest.mark.django_db(transaction=True)
def test_backup_restores_to_the_same_counts(users, tree, enrol, tmp_path):
    for i in range(5):
        StaffFactory(code=f"NV{i}", unit=tree["A"], full_name=f"Nguyễn Thị Ánh {i}")
    Staff.objects.filter(code="NV0").update(position="Chủ tịch")
    users["hr"].groups.clear()
    Token.objects.create(user=users["auditor"])
    enrol(users["admin"])
    log_event(SecurityEventKind.EXPORT, user=users["auditor"], resource="staff")
    before = _counts()
    assert before["staff.Staff"] == 5
    assert before["core.SecurityEvent"] == 1
    staff_before = list(
        Staff.objects.order_by("code").values_list("code", "full_name", "unit__code")
    )
    groups_before = sorted(
        (u.username, tuple(sorted(g.name for g in u.groups.all()))) for u in users.values()
    )

    backup = tmp_path / "backup.json.gz"
    call_command("backup_data", output=str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with gzip.open(backup, "rt", encoding="utf-8") as fh:
        records = json.load(fh)
    assert {r["model"] for r in records} >= {"staff.staff", "auth.user", "core.securityevent"}
    assert "sessions.session" not in {r["model"] for r in records}

    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError):
        call_command("restore_data", str(tmp_path / "missing.json.gz"))
    call_command("restore_data", str(backup))

    assert _counts() == before
    assert (
        list(Staff.objects.order_by("code").values_list("code", "full_name", "unit__code"))
        == staff_before
    )
    user_model = apps.get_model("auth", "User")
    groups_after = sorted(
        (u.username, tuple(sorted(g.name for g in u.groups.all())))
        for u in user_model.objects.filter(username__in=[u.username for u in users.values()])
    )
    assert groups_after == groups_before
    assert user_model.objects.get(username="hr").check_password("pw-for-tests-123")
    # Sequences follow the restored ids (PostgreSQL): new rows get fresh keys.
    StaffFactory(code="NV-NEW", unit=tree["B"])


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_users(users, tmp_path):
    backup = tmp_path / "backup.json.gz"
    call_command("backup_data", output=str(backup))
    with pytest.raises(CommandError, match="already has users"):
        call_command("restore_data", str(backup))


def test_backup_name_must_be_gzip_json(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("backup_data", output=str(tmp_path / "backup.json"))


# --- the demo district with its files: records, history and files round-trip ----------------------


def _history_models():
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "instance_type") and hasattr(model, "history_id")
    ]


def _history_rows() -> dict[str, list[dict]]:
    """Every history row; links to users by user name (users load by natural key under new ids)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    names = dict(User._default_manager.values_list("pk", "username"))
    rows = {}
    for model in _history_models():
        to_user = [
            f.attname
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is User
        ]
        rows[model._meta.label] = [
            {k: (names.get(v, v) if k in to_user else v) for k, v in row.items()}
            for row in model._default_manager.order_by("pk").values()
        ]
    return rows


def _attach_files():
    """One evidence file on each kind of record and one feedback attachment, as uploads make
    them."""
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspections.casework import services
    from inspections.feedback.models import CitizenFeedback, FeedbackAttachment
    from inspections.models import CorrectiveAction, DisciplinaryCase, Finding, Inspection
    from tests.inspections.test_feedback_api import png_bytes

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    for i, model in enumerate((Inspection, Finding, CorrectiveAction, DisciplinaryCase)):
        parent = model.objects.order_by("pk").first()
        services.evidence_attach(
            parent=parent, upload=SimpleUploadedFile(f"bien-ban-{i}.pdf", pdf + bytes([i]))
        )
    feedback = CitizenFeedback.objects.order_by("pk").first()
    content = png_bytes()
    row = FeedbackAttachment(
        feedback=feedback,
        content_type="image/png",
        extension="png",
        size=len(content),
        checksum=hashlib.sha256(content).hexdigest(),
    )
    row.file.save("upload", ContentFile(content), save=False)
    row.save()


# One history table of each family people edit (core.history), besides casework's.
EDITED = (
    "staff.HistoricalUnit",
    "staff.HistoricalStaff",
    "training.HistoricalCourse",
    "training.HistoricalEnrolment",
    "reform.HistoricalDossier",
    "reform.HistoricalImprovementItem",
    "inspections.HistoricalCitizenFeedback",
)


def _edit_one_of_each():
    """A saved change on one record of each history table in ``EDITED``."""
    for label in EDITED:
        model = apps.get_model(label).instance_type
        obj = model._default_manager.order_by("pk").first()
        obj.save()


@pytest.mark.django_db(transaction=True)
def test_demo_with_files_round_trips_records_history_and_files(settings, tmp_path):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from inspections.feedback.models import FeedbackAttachment
    from inspections.models import Evidence

    settings.MEDIA_ROOT = tmp_path / "media-before"
    call_command("seed_demo", stdout=io.StringIO())
    _attach_files()
    _edit_one_of_each()
    before = _counts()
    history_before = _history_rows()
    assert sum(len(rows) for rows in history_before.values()) > 100
    for label in EDITED:
        assert history_before[label], f"{label}: no history rows to round-trip"
    assert before["inspections.Evidence"] == 4 and before["inspections.FeedbackAttachment"] == 1

    backup = tmp_path / "backup.tar.gz"
    call_command("backup_data", output=str(backup), stdout=io.StringIO())
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with tarfile.open(backup) as archive:
        names = archive.getnames()
    assert "data.json" in names and sum(name.startswith("media/") for name in names) == 5

    # An empty database and an empty media folder.
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media-after"
    call_command("restore_data", str(backup), stdout=io.StringIO())

    assert _counts() == before
    history_after = _history_rows()
    for label, rows in history_before.items():
        after = history_after[label]
        assert len(after) == len(rows), label
        for old, new in zip(rows, after, strict=True):
            assert {k: (old[k], new[k]) for k in old if old[k] != new[k]} == {}, label
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="admin"))
    for evidence in Evidence.objects.all():
        response = client.get(f"/api/v1/evidence/{evidence.pk}/download/")
        assert response.status_code == 200
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == evidence.sha256
    for row in FeedbackAttachment.objects.all():
        response = client.get(f"/api/v1/feedback/{row.feedback_id}/attachments/{row.pk}/")
        assert response.status_code == 200
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == row.checksum


@pytest.mark.django_db(transaction=True)
def test_restore_never_overwrites_a_file_or_follows_a_path_out_of_media(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    backup = tmp_path / "evil.tar.gz"
    with tarfile.open(backup, "w:gz") as archive:
        for name, content in (
            ("data.json", b"[]"),
            ("media/../outside.txt", b"x"),
            ("media/ok/a.txt", b"y"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    call_command("restore_data", str(backup), force=True, stdout=io.StringIO())
    assert not (tmp_path / "outside.txt").exists()
    assert (tmp_path / "media" / "ok" / "a.txt").read_bytes() == b"y"
    with pytest.raises(CommandError, match="already has"):
        call_command("restore_data", str(backup), force=True, stdout=io.StringIO())
