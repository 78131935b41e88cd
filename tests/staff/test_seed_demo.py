import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from staff.models import Staff, Unit

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_da_huoai_and_is_idempotent(settings):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    communes = Unit.objects.filter(parent__code="DH", level="commune")
    assert communes.count() == 10
    assert Unit.objects.get(code="DH").name == "Huyện Đạ Huoai"
    counts = {u.code: Staff.objects.filter(unit=u).count() for u in communes}
    assert all(20 <= n <= 40 for n in counts.values()), counts
    depts = Unit.objects.filter(parent__code="DH", level="department")
    assert all(5 <= Staff.objects.filter(unit=u).count() <= 15 for u in depts)
    assert set(Staff.objects.values_list("category", flat=True)) == {
        "cadre",
        "civil_servant",
        "public_employee",
        "contract",
    }
    users = set(get_user_model().objects.values_list("username", flat=True))
    assert {"admin", "inspector", "hr", "auditor", "head-dh-xhl", "head-dh-nv"} <= users
    before = (Unit.objects.count(), Staff.objects.count(), get_user_model().objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (Unit.objects.count(), Staff.objects.count(), get_user_model().objects.count()) == before


def test_demo_users_log_in_with_demo_password(settings, client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert client.login(username="head-dh-xhl", password=settings.DEMO_PASSWORD)
