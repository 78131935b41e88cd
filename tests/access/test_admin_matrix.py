"""Generated: every admin page of every registered model x every role of docs/access.md's roles
table.

Walks ``admin.site._registry``: the changelist, add, change, history, the
history record (django-simple-history; also its POST, refused to everyone)
and delete pages, for a row outside the commune head's unit and one inside.
Expectations come from the roles table only.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse

from staff.access import declaration, rows_in_scope
from tests.access import roles_table

pytestmark = pytest.mark.django_db

ROLES = roles_table.ROLES
TABLE = roles_table.load()
IDENTITY = roles_table.identity_roles()
HIDDEN = {
    302,
    404,
}  # not found: Django's admin redirects to its index, the history pages answer 404


def _admins():
    for model, model_admin in sorted(
        admin.site._registry.items(), key=lambda i: i[0]._meta.label_lower
    ):
        yield pytest.param(model, model_admin, id=model._meta.label_lower)


def _reads(role, model) -> bool:
    if model._meta.label_lower in roles_table.IDENTITY_MODELS:
        return role in IDENTITY
    return TABLE[role].may_read(model)


def _sees(role, model, inside: bool) -> bool:
    sees = TABLE[role].sees
    if sees == "whole tree":
        return True
    return sees == "own subtree" and (inside or declaration(model) == "*")


def _superuser_may(world, model_admin, what: str) -> bool:
    request = RequestFactory().get("/admin/")
    request.user = world["users"]["admin"]
    check = getattr(model_admin, f"has_{what}_permission")
    return bool(check(request))


def _url(model, name, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)


@pytest.mark.parametrize("model,model_admin", list(_admins()))
def test_admin_pages(world, model, model_admin):
    if not model._meta.managed:
        pytest.skip("a library's page without a table of its own (django-rq's dashboard link)")
    qs = model._default_manager.all()
    head_rows = rows_in_scope(qs, world["users"]["head"]).values("pk")
    outside = qs.exclude(pk__in=head_rows).order_by("pk").first()
    inside = rows_in_scope(qs, world["users"]["head"]).order_by("pk").first()
    may_add = _superuser_may(world, model_admin, "add")
    may_delete = _superuser_may(world, model_admin, "delete")
    has_history_records = hasattr(model._meta, "simple_history_manager_attribute")
    failures = []

    def check(role, method, url, expected, data=None):
        client = Client()
        user = world["users"][role]
        if user is not None:
            client.force_login(user)
        response = getattr(client, method)(url, data or {})
        if role == "anonymous":
            expected = {302}
            if response.status_code == 302 and "/login/" not in response["Location"]:
                failures.append(
                    f"{role} {method} {url}: redirected to {response['Location']}, not the login"
                )
        if response.status_code not in expected:
            failures.append(
                f"{role} {method} {url}: {response.status_code}, expected {sorted(expected)}"
            )

    for role in ROLES:
        reads = _reads(role, model)
        check(role, "get", _url(model, "changelist"), {200} if reads else {403})
        writes = TABLE[role].may_write(model)
        check(role, "get", _url(model, "add"), {200} if (writes and may_add) else {403})
        for obj, is_inside in ((outside, False), (inside, True)):
            if obj is None or (is_inside and role != "head"):
                continue
            visible = _sees(role, model, is_inside)
            shown = {200} if visible else HIDDEN
            check(role, "get", _url(model, "change", obj.pk), shown if reads else {403})
            check(role, "get", _url(model, "history", obj.pk), shown if reads else {403, *HIDDEN})
            if writes and may_delete:
                check(role, "get", _url(model, "delete", obj.pk), shown)
            else:
                check(role, "get", _url(model, "delete", obj.pk), {403})
            if has_history_records:
                record = obj.history.order_by("-history_date").first()
                if record is None:
                    continue
                try:
                    url = _url(model, "simple_history", obj.pk, record.history_id)
                except NoReverseMatch:
                    continue
                check(role, "get", url, ({200} if visible else {404}) if reads else {403, 404})
                # Read-only for everyone: a revert would bypass the services.
                check(role, "post", url, {403, 404})
    assert not failures, "\n".join(failures)
