"""Every visible string has a Vietnamese translation, and Vietnamese is the default."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

CATALOGUES = sorted(
    p
    for p in Path(settings.BASE_DIR).glob("**/locale/vi/LC_MESSAGES/django.po")
    if ".venv" not in p.parts
)


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 3


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_catalogue_is_complete(path):
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy[:10]}"


def test_model_labels_are_vietnamese_by_default():
    from staff.models import Staff

    with translation.override("vi"):
        assert str(Staff._meta.get_field("full_name").verbose_name) == "họ và tên"
    with translation.override("en"):
        assert str(Staff._meta.get_field("full_name").verbose_name) == "full name"


@pytest.mark.django_db
def test_home_page_vietnamese_without_accept_language_and_english_on_request(client):
    vi = client.get("/")
    assert vi.status_code == 200
    assert "Gửi phản ánh" in vi.content.decode()
    en = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Send feedback" in en.content.decode()
    other = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Gửi phản ánh" in other.content.decode()
