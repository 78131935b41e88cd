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
