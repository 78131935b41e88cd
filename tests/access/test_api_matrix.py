"""Generated: every API endpoint and action x every role of docs/access.md's roles table.

Walks ``config.api.router.registry``: a new viewset, or a new action on one,
is tested here without anyone adding a test. Expectations come from the
roles table only (``tests/access/roles_table.py``); rows "outside" are rows
of another unit than the commune head's, "inside" rows of its own unit.
"""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from config.api import router
from staff.access import declaration, rows_in_scope
from tests.access import roles_table

pytestmark = pytest.mark.django_db

ROLES = roles_table.ROLES
TABLE = roles_table.load()
# Query parameters an endpoint cannot answer without (400 otherwise), by prefix.
REQUIRED = {"training-compliance": "?year=2019"}
REFUSED_ANONYMOUS = {401, 403}
ALLOWED_WRITE = {200, 201, 204, 400, 409}


def _model(viewset):
    return viewset.queryset.model


def _endpoints():
    for prefix, viewset, _basename in router.registry:
        yield pytest.param(prefix, viewset, id=prefix)


def _client(world, role):
    client = APIClient()
    user = world["users"][role]
    if user is not None:
        client.force_authenticate(user)
    return client


def _lookup_value(viewset, obj):
    return getattr(obj, getattr(viewset, "lookup_field", "pk") or "pk")


def _objects(world, viewset):
    """One row the head cannot see (outside) and one it can (inside), if the demo has them."""
    model = _model(viewset)
    qs = viewset.queryset.model._default_manager.all()
    head = world["users"]["head"]
    inside_ids = rows_in_scope(qs, head).values("pk")
    outside = qs.exclude(pk__in=inside_ids).order_by("pk").first()
    inside = rows_in_scope(qs, head).order_by("pk").first()
    if declaration(model) == "*":
        outside, inside = None, qs.order_by("pk").first()
    return outside, inside


def _sees(role, inside: bool, model) -> bool:
    sees = TABLE[role].sees
    if sees == "whole tree":
        return True
    if sees == "own subtree":
        return inside or declaration(model) == "*"
    return False


def _expect_read(role, model, *, inside: bool) -> set[int]:
    table = TABLE[role]
    if role == "anonymous":
        return REFUSED_ANONYMOUS
    if not table.may_read(model):
        return {403}
    return {200} if _sees(role, inside, model) else {404}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("prefix,viewset", list(_endpoints()))
def test_list(world, prefix, viewset, role):
    model = _model(viewset)
    response = _client(world, role).get(f"/api/v1/{prefix}/{REQUIRED.get(prefix, '')}")
    table = TABLE[role]
    if role == "anonymous":
        assert response.status_code in REFUSED_ANONYMOUS
        return
    if not table.may_read(model):
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.content[:300]
    count = response.json()["count"]
    everything = model._default_manager.count()
    if table.sees == "nothing":
        assert count == 0
    elif table.sees == "whole tree" and prefix not in REQUIRED:
        assert count == everything
    elif table.sees == "own subtree" and declaration(model) != "*":
        assert count < everything or everything == 0


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("prefix,viewset", list(_endpoints()))
def test_retrieve_change_delete(world, prefix, viewset, role):
    model = _model(viewset)
    client = _client(world, role)
    table = TABLE[role]
    extra = REQUIRED.get(prefix, "")
    for obj, inside in zip(_objects(world, viewset), (False, True), strict=True):
        if obj is None:
            continue
        url = f"/api/v1/{prefix}/{_lookup_value(viewset, obj)}/"
        if hasattr(viewset, "retrieve"):
            response = client.get(url + extra)
            assert response.status_code in _expect_read(role, model, inside=inside), (
                url,
                response.status_code,
            )
        for method, name in (("patch", "partial_update"), ("delete", "destroy")):
            if not hasattr(viewset, name):
                continue
            response = getattr(client, method)(url, {}, format="json")
            if role == "anonymous":
                assert response.status_code in REFUSED_ANONYMOUS
            elif not table.may_write(model):
                assert response.status_code == 403, (method, url, response.status_code)
            elif not _sees(role, inside, model):
                assert response.status_code == 404, (method, url)
            else:
                assert response.status_code in ALLOWED_WRITE, (
                    method,
                    url,
                    response.status_code,
                    response.content[:200],
                )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("prefix,viewset", list(_endpoints()))
def test_create(world, prefix, viewset, role):
    model = _model(viewset)
    response = _client(world, role).post(f"/api/v1/{prefix}/", {}, format="json")
    if not hasattr(viewset, "create"):
        # A read-only endpoint: nobody creates through it, whatever the role.
        assert response.status_code in (REFUSED_ANONYMOUS if role == "anonymous" else {403, 405})
    elif prefix == "feedback":
        # Anyone may submit feedback; an empty one is refused for its content.
        assert response.status_code == 400
    elif role == "anonymous":
        assert response.status_code in REFUSED_ANONYMOUS
    elif not TABLE[role].may_write(model):
        assert response.status_code == 403
    else:
        assert response.status_code == 400, response.content[:200]


def _extra_actions():
    # An action whose path takes a parameter of its own (an attachment's download)
    # cannot be called without one; its feature's tests cover it.
    for prefix, viewset, _basename in router.registry:
        for extra in viewset.get_extra_actions():
            if not re.search(r"[(\\[]", extra.url_path):
                yield pytest.param(prefix, viewset, extra, id=f"{prefix}-{extra.url_path}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("prefix,viewset,extra", list(_extra_actions()))
def test_extra_action(world, prefix, viewset, extra, role):
    model = _model(viewset)
    client = _client(world, role)
    table = TABLE[role]
    methods = [m for m in extra.mapping if m in ("get", "post")]
    targets = (
        [(None, True)]
        if not extra.detail
        else [
            (obj, inside)
            for obj, inside in zip(_objects(world, viewset), (False, True), strict=True)
            if obj is not None
        ]
    )
    for obj, inside in targets:
        base = f"/api/v1/{prefix}/" + (f"{_lookup_value(viewset, obj)}/" if obj is not None else "")
        url = f"{base}{extra.url_path}/"
        for method in methods:
            if method == "get":
                response = client.get(url + "?year=2019")
                if role == "anonymous":
                    assert response.status_code in REFUSED_ANONYMOUS
                elif not table.may_read(model):
                    assert response.status_code == 403
                elif extra.detail and not _sees(role, inside, model):
                    assert response.status_code == 404, url
                else:
                    # A summary over the rows the user sees (empty for one who sees nothing).
                    assert response.status_code not in (401, 403, 405), (url, response.status_code)
                continue
            # A POST action is a workflow step declared in the owning app's roles.py.
            from staff.access import workflow_actions

            assert extra.__name__ in workflow_actions(model), (
                f"declare {extra.__name__} in {model._meta.app_label}/roles.py ACTIONS for "
                f"{model._meta.model_name}"
            )
            response = client.post(url, {}, format="json")
            if role == "anonymous":
                assert response.status_code in REFUSED_ANONYMOUS
            elif not table.may_do(model, extra.__name__):
                assert response.status_code == 403, (url, response.status_code)
            elif not _sees(role, inside, model):
                assert response.status_code == 404, (url, response.status_code)
            else:
                assert response.status_code in ALLOWED_WRITE, (
                    url,
                    response.status_code,
                    response.content[:200],
                )
