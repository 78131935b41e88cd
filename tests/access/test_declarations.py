"""Every model and every endpoint is known to ``staff.access``: nothing is scoped by accident."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings

from config.api import router
from staff.access import (
    CRUD,
    RestrictedViewSetMixin,
    declaration,
    permissions_for,
    workflow_actions,
)


def _project_models():
    """Every model of an app in this repository (third-party apps are for admins only)."""
    root = str(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if not config.path.startswith(root) or "/.venv/" in config.path:
            continue
        for model in config.get_models():
            if not model._meta.auto_created:
                yield model


@pytest.mark.parametrize("model", list(_project_models()), ids=lambda m: m._meta.label_lower)
def test_every_model_declares_its_scope(model):
    assert declaration(model) is not None, (
        f"declare {model._meta.model_name} in {model._meta.app_label}/roles.py SCOPE"
    )


@pytest.mark.parametrize(
    "prefix,viewset",
    [(p, v) for p, v, _ in router.registry],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_every_viewset_asks_access(prefix, viewset):
    assert issubclass(viewset, RestrictedViewSetMixin), (
        f"{viewset.__name__} must inherit staff.access.RestrictedViewSetMixin"
    )


def test_unknown_action_is_an_error_not_a_grant():
    from inspections.models import CorrectiveAction

    with pytest.raises(ValueError):
        permissions_for(CorrectiveAction, "verfy")
    assert set(workflow_actions(CorrectiveAction)) == {"progress", "verify"}
    assert permissions_for(CorrectiveAction, CRUD[0]) == ("inspections.view_correctiveaction",)


def _registered_admins():
    from django.contrib import admin

    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


@pytest.mark.parametrize(
    "model,model_admin",
    _registered_admins(),
    ids=lambda x: getattr(getattr(x, "_meta", None), "label_lower", ""),
)
def test_every_admin_is_guarded(model, model_admin):
    from core.admin_guard import StrictChangelistMixin
    from staff.access import RestrictedAdminMixin

    assert isinstance(model_admin, StrictChangelistMixin)
    assert isinstance(model_admin, RestrictedAdminMixin)


def _has_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


@pytest.mark.parametrize(
    "prefix,viewset",
    [(p, v) for p, v, _ in router.registry],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_history_endpoints_come_from_the_one_mixin(prefix, viewset):
    """A viewset that edits records keeps their history and serves it from core.history."""
    from core.history import HistoryViewSetMixin

    model = viewset.queryset.model
    if issubclass(viewset, HistoryViewSetMixin) or hasattr(viewset, "partial_update"):
        assert _has_history(model), (
            f"{model._meta.label} is edited through {prefix}/: give it history"
        )
        assert issubclass(viewset, HistoryViewSetMixin), (
            f"{viewset.__name__}: a model with history gets core.history.HistoryViewSetMixin"
        )


@pytest.mark.parametrize(
    "model,model_admin",
    _registered_admins(),
    ids=lambda x: getattr(getattr(x, "_meta", None), "label_lower", ""),
)
def test_history_pages_come_from_the_one_admin(model, model_admin):
    """An admin of a model with history is core.history.HistoryAdmin (read-only records)."""
    from simple_history.admin import SimpleHistoryAdmin

    from core.history import HistoryAdmin

    if _has_history(model):
        assert isinstance(model_admin, HistoryAdmin)
    else:
        assert not isinstance(model_admin, SimpleHistoryAdmin)


@pytest.mark.parametrize(
    "model,model_admin",
    _registered_admins(),
    ids=lambda x: getattr(getattr(x, "_meta", None), "label_lower", ""),
)
def test_every_model_people_change_in_the_admin_keeps_history(model, model_admin):
    """One change log for every model people edit: a change page of ours means history."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    if model not in set(_project_models()):
        return
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(username="root", is_superuser=True, is_active=True)
    if model_admin.has_change_permission(request):
        assert _has_history(model), f"{model._meta.label} is edited in the admin: give it history"
