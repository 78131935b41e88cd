"""Shared fixtures: a small unit tree and one user per role (STYLE.md habit 4).

Tree::

    P   province
    └── D   district
        ├── D-NV  department
        ├── A     commune   (head_a sees A only)
        └── B     commune   (head_b sees B only)
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from staff.choices import UnitLevel
from staff.models import UnitHead
from staff.roles import ensure_roles
from tests.factories import UnitFactory, UserFactory

# Property tests judge behaviour, not speed: on a loaded shared machine generating inputs can be
# slow, which must not fail a run (timing is measured by make bench, never by a unit test).
hypothesis_settings.register_profile(
    "shared-machine", suppress_health_check=[HealthCheck.too_slow], deadline=None
)
hypothesis_settings.load_profile("shared-machine")

PASSWORD = "pw-for-tests-123"

# Browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A Vietnamese browser: date pickers show dd/mm/yyyy, file buttons speak Vietnamese.
    "--lang=vi-VN",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def locate_chromium() -> str:
    """The Chromium every browser test uses.

    Under CI (``CI=true``, set by .ci/run) it must be Debian's at /usr/bin/chromium,
    or the test fails; on a developer machine another ``chromium`` on the PATH
    will do, and without one the test is skipped (visibly, with -ra).
    """
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if in_ci():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM} under CI: .ci/run must install Debian's "
            "chromium package",
            pytrace=False,
        )
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip(
            f"Chromium is not installed ({CHROMIUM}; apt-get install chromium): this "
            "browser test did not run"
        )
    return found


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium (Playwright's sync API) for one test; closed after it."""
    executable = locate_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the test's own ORM
    # calls are plain synchronous ones, not run from a coroutine.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # While Playwright's event loop runs on this thread, Django keeps the test's ORM
            # connections apart from the thread's own (asgiref's Local follows the running
            # loop), so pytest-django never closes them: on PostgreSQL one stayed open and the
            # test database could not be dropped. Close them here, while the loop still runs.
            connections.close_all()


@pytest.fixture
def tree(db):
    province = UnitFactory(code="P", name="Tỉnh Thử", level=UnitLevel.PROVINCE)
    district = UnitFactory(code="D", name="Huyện Thử", level=UnitLevel.DISTRICT, parent=province)
    dept = UnitFactory(
        code="D-NV", name="Phòng Nội vụ", level=UnitLevel.DEPARTMENT, parent=district
    )
    a = UnitFactory(code="A", name="Xã Đạ Tồn", level=UnitLevel.COMMUNE, parent=district)
    b = UnitFactory(code="B", name="Xã Hà Lâm", level=UnitLevel.COMMUNE, parent=district)
    return {"P": province, "D": district, "D-NV": dept, "A": a, "B": b}


def _role_user(username: str, role: str | None, *, superuser: bool = False, unit=None):
    user = UserFactory(username=username, is_staff=True, is_superuser=superuser)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if unit is not None:
        UnitHead.objects.create(user=user, unit=unit)
    return user


@pytest.fixture
def users(tree):
    ensure_roles()
    return {
        "admin": _role_user("admin", "admin", superuser=True),
        "inspector": _role_user("inspector", "inspector"),
        "hr": _role_user("hr", "hr"),
        "auditor": _role_user("auditor", "auditor"),
        "head_a": _role_user("head-a", "unit_head", unit=tree["A"]),
        "head_b": _role_user("head-b", "unit_head", unit=tree["B"]),
        "nobody": _role_user("nobody", None),
    }


@pytest.fixture
def client_for(users):
    """``client_for("hr")`` -> an APIClient authenticated as that role; ``None`` -> anonymous."""

    def make(role: str | None) -> APIClient:
        client = APIClient()
        if role is not None:
            client.force_authenticate(users[role])
        return client

    return make


def pytest_collection_modifyitems(items):
    """Every transactional test restores the data of the migrations when it ends.

    A flush without it re-creates content types and role groups in another
    order, and the next test that restores serialized data (the live-server
    and browser tests) then collides with them; the catalogue rows loaded by
    data migrations would be lost too.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker is not None
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            item.add_marker(
                pytest.mark.django_db(
                    *marker.args, **{**marker.kwargs, "serialized_rollback": True}
                ),
                append=False,
            )


def other_backends(cursor) -> list[tuple]:
    """Other PostgreSQL sessions connected to this test database (ours excluded)."""
    cursor.execute(
        "SELECT pid, application_name, state, backend_start, left(query, 120) FROM "
        "pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return cursor.fetchall()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and after the session a check that nothing is still connected
    to it.

    On PostgreSQL a connection left open (a thread of a test that never called
    ``connection.close()``, a worker process still running) stops the test
    database from being dropped; the suite then fails here, naming the
    sessions, instead of leaving the database behind. Sessions still closing
    (a killed worker) get a few seconds; the rest are terminated so the drop
    succeeds, and the failure stays.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        deadline = time.monotonic() + 5
        while (left := other_backends(cursor)) and time.monotonic() < deadline:
            time.sleep(0.2)
        for row in left:
            cursor.execute("SELECT pg_terminate_backend(%s)", [row[0]])
    if left:
        pytest.fail(
            f"{len(left)} connection(s) to the test database were left open by the tests "
            "(close them where they are opened, e.g. connection.close() at the end of a "
            f"thread): {left}",
            pytrace=False,
        )
