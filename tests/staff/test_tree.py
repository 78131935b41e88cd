import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staff.choices import UnitLevel
from staff.models import Unit
from tests.factories import StaffFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_paths_follow_parents(tree):
    assert tree["P"].path == f"/{tree['P'].pk}/"
    assert tree["A"].path == f"/{tree['P'].pk}/{tree['D'].pk}/{tree['A'].pk}/"
    assert tree["A"].depth == 2
    assert list(tree["A"].ancestors()) == [tree["P"], tree["D"]]


def test_subtree_is_one_query(tree):
    with CaptureQueriesContext(connection) as ctx:
        codes = sorted(Unit.objects.subtree_of(tree["D"]).values_list("code", flat=True))
    assert codes == ["A", "B", "D", "D-NV"]
    assert len(ctx.captured_queries) == 1


def test_moving_a_unit_moves_its_subtree(tree):
    child = UnitFactory(code="A-1", name="Thôn 1", parent=tree["A"])
    a = tree["A"]
    a.parent = tree["P"]
    a.save()
    child.refresh_from_db()
    assert child.path == f"/{tree['P'].pk}/{a.pk}/{child.pk}/"
    assert child.depth == 2
    assert not Unit.objects.subtree_of(tree["D"]).filter(code="A-1").exists()


def test_unit_cannot_move_under_its_own_descendant(tree):
    from django.core.exceptions import ValidationError

    d = tree["D"]
    d.parent = tree["A"]
    with pytest.raises(ValidationError):
        d.full_clean()


def test_active_on_respects_effective_dates(tree):
    old = UnitFactory(code="OLD", name="Xã Cũ", parent=tree["D"], valid_until=dt.date(2025, 6, 30))
    new = UnitFactory(code="NEW", name="Xã Mới", parent=tree["P"], valid_from=dt.date(2025, 7, 1))
    old.successor = new
    old.save()
    in_2019 = set(Unit.objects.active_on(dt.date(2019, 6, 1)).values_list("code", flat=True))
    in_2026 = set(Unit.objects.active_on(dt.date(2026, 1, 1)).values_list("code", flat=True))
    assert "OLD" in in_2019 and "NEW" not in in_2019
    assert "NEW" in in_2026 and "OLD" not in in_2026
    assert new.predecessors.get() == old


def test_names_are_stored_nfc_with_search_key(tree):
    import unicodedata

    person = StaffFactory(
        full_name=unicodedata.normalize("NFD", " Nguyễn  Thị Ánh "), unit=tree["A"]
    )
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert person.name_key == "nguyen thi anh"


def test_level_choices_are_contract_values():
    assert set(UnitLevel.values) == {"province", "district", "department", "commune"}
