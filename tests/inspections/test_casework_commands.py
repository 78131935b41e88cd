"""recompute_case_deadlines: stored deadlines follow an edited rule; dry run writes nothing."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from inspections.casework import services
from inspections.models import DisciplinaryCase, DisciplineRegime
from staff.choices import StaffCategory
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2023, 4, 1, 9, 0), tick=False)
def test_recompute_after_a_rule_is_corrected(tree):
    staff = StaffFactory(code="CS", unit=tree["A"], category=StaffCategory.CIVIL_SERVANT)
    case = services.case_open(
        staff=staff,
        violation_date=dt.date(2023, 1, 1),
        discovered_on=dt.date(2023, 3, 1),
        severity="minor",
    )
    assert case.handling_deadline == dt.date(2023, 5, 30)
    DisciplineRegime.objects.filter(key="R1a-cadre-cs").update(handling_period=60)
    out = io.StringIO()
    call_command("recompute_case_deadlines", "--dry-run", stdout=out)
    assert "1 would change" in out.getvalue()
    assert DisciplinaryCase.objects.get(pk=case.pk).handling_deadline == dt.date(2023, 5, 30)
    call_command("recompute_case_deadlines", stdout=io.StringIO())
    case.refresh_from_db()
    # 30/04/2023 is a Sunday: the deadline moves to the next working day.
    assert case.handling_deadline == dt.date(2023, 5, 1)
    assert case.history.count() == 2
    out = io.StringIO()
    call_command("recompute_case_deadlines", stdout=out)
    assert "0 changed" in out.getvalue()
