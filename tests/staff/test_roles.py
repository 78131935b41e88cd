"""Role groups are built from the apps' declarations."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("auditor", True), ("inspector", False), ("hr", False), ("head_a", False)],
)
def test_only_admin_and_auditor_read_the_security_log(users, role, allowed):
    assert users[role].has_perm("core.view_securityevent") is allowed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("inspector", True), ("auditor", False), ("hr", False), ("head_a", False)],
)
def test_reporter_identity_permission_only_for_inspectors_and_admin(users, role, allowed):
    assert users[role].has_perm("inspections.view_reporter_identity") is allowed


def test_readers_do_not_see_sign_in_records_or_otp_secrets(users):
    for role in ("inspector", "hr", "auditor", "head_a"):
        perms = users[role].get_all_permissions()
        assert not any(
            p.startswith(("axes.", "otp_totp.", "auth.", "authtoken.")) for p in perms
        ), role


def test_auditor_writes_nothing(users):
    assert not any(
        p.split(".")[1].startswith(("add_", "change_", "delete_"))
        for p in users["auditor"].get_all_permissions()
    )
