"""Access: which rows may this user touch for this action. The one place that decides.

Shaped like NetBox's ``RestrictedQuerySet.restrict(user, action)``: every
answer starts from *nothing* and adds what the user may see, so a missing
link, an unknown role or an undeclared model gives no rows, never all rows.

* **Who sees which units** (``scope_of``): a superuser and the whole-tree
  roles (``admin``, ``inspector``, ``hr``, ``auditor``) see the whole tree;
  a user linked to a unit through ``UnitHead`` sees that unit's subtree,
  whatever its roles; everyone else (a ``unit_head`` whose link was removed,
  a user with no role, anonymous, inactive) sees nothing.
* **Which rows of a model** (``restrict``): the user must hold the Django
  permission of the action, and the row's unit (the lookup declared in the
  owning app's ``roles.py`` as ``SCOPE``) must lie in the user's units.
  Models declared ``GLOBAL`` (catalogues) are not unit-bound; undeclared
  models give scoped users nothing.
* **Writes** (``check_write``): the target unit of a new or changed row, and
  the old unit on a move, must lie in the user's units.
* **Workflow actions** (``verify``, ``progress``, ``transition``...) are
  declared per model in ``roles.py`` as ``ACTIONS``: the permissions that
  allow them (any of).
* **Exceptions**: who may see a reporter's identity and the inspectors'
  internal notes (``may_see_reporter_identity``, ``may_see_internal_note``).

See docs/access.md for the roles table and how to declare a new model.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from core.bases import AdminBase, InlineBase, ViewSetBase
from core.validation import onto_form, to_drf
from staff.models import Unit, UnitQuerySet, in_subtree

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    class _AdminBase(AdminBase):
        # django-simple-history's SimpleHistoryAdmin (the library ships no types) adds these.
        def history_view(
            self, request: HttpRequest, object_id: str, extra_context: dict | None = None
        ) -> HttpResponse: ...

        def history_form_view(
            self,
            request: HttpRequest,
            object_id: str,
            version_id: str,
            extra_context: dict | None = None,
        ) -> HttpResponse: ...

        def get_history_queryset(
            self, request: HttpRequest, history_manager: Any, pk_name: str, object_id: str
        ) -> QuerySet: ...

else:
    _AdminBase = AdminBase

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
CRUD = (VIEW, ADD, CHANGE, DELETE)

# Roles that read the whole tree unless a UnitHead link narrows them.
WHOLE_TREE_ROLES = frozenset({"admin", "inspector", "hr", "auditor"})

# A SCOPE value: the model is a catalogue, not bound to a unit.
GLOBAL = "*"

IDENTITY_PERM = "inspections.view_reporter_identity"

OUTSIDE_SCOPE = _("This unit is outside your scope.")


@dataclass(frozen=True)
class Rows:
    """A SCOPE declaration for a model whose rows are read through another path than they are
    written.

    ``unit`` is the lookup to the unit that writes are checked against;
    ``view`` is the lookup to the unit that reads are filtered on, or a
    function ``(queryset, root)`` returning the rows visible from ``root``'s subtree.
    """

    unit: str
    view: str | Callable[[QuerySet, Unit], QuerySet]


@dataclass(frozen=True)
class Own:
    """A SCOPE declaration for per-user rows (notifications, preferences): each user sees its own.

    ``user`` is the lookup to the owning user; only superusers see everyone's.
    """

    user: str


# A SCOPE value: a unit lookup ("" for Unit itself), GLOBAL, a Rows or an Own.
Declaration = str | Rows | Own


# --- Declarations (each app's roles.py) -------------------------------------------------


@cache
def _declarations() -> tuple[dict[str, Declaration], dict[str, dict[str, tuple[str, ...]]]]:
    scope: dict[str, Declaration] = {}
    actions: dict[str, dict[str, tuple[str, ...]]] = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.roles":
                raise
            continue
        for model_name, value in getattr(module, "SCOPE", {}).items():
            scope[f"{config.label}.{model_name}"] = value
        for model_name, named in getattr(module, "ACTIONS", {}).items():
            actions[f"{config.label}.{model_name}"] = {
                name: tuple(p if "." in p else f"{config.label}.{p}" for p in perms)
                for name, perms in named.items()
            }
    return scope, actions


def _concrete(model: type[Model]) -> type[Model]:
    """A django-simple-history record model is scoped like the model it records."""
    recorded = getattr(model, "instance_type", None)
    if recorded is None or recorded._meta.auto_created:
        return model
    return recorded


def declaration(model: type[Model]) -> Declaration | None:
    """The SCOPE declaration of ``model``: a unit lookup, ``GLOBAL``, a ``Rows``, or None
    (undeclared)."""
    return _declarations()[0].get(_concrete(model)._meta.label_lower)


def unit_lookup(model: type[Model]) -> str | None:
    """The lookup from ``model`` to the unit its writes are checked against (None: not
    unit-bound)."""
    decl = declaration(model)
    if isinstance(decl, Rows):
        return decl.unit
    if decl is None or decl == GLOBAL or isinstance(decl, Own):
        return None
    return decl


def permissions_for(model: type[Model], action: str) -> tuple[str, ...]:
    """The permissions (any of) that allow ``action`` on ``model``."""
    model = _concrete(model)
    opts = model._meta
    if action in CRUD:
        return (f"{opts.app_label}.{action}_{opts.model_name}",)
    named = _declarations()[1].get(opts.label_lower, {})
    if action not in named:
        raise ValueError(
            f"Unknown action {action!r} for {opts.label}; declare it in "
            f"{opts.app_label}/roles.py ACTIONS."
        )
    return named[action]


def workflow_actions(model: type[Model]) -> dict[str, tuple[str, ...]]:
    return dict(_declarations()[1].get(_concrete(model)._meta.label_lower, {}))


# --- Who sees which units ---------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Everything, nothing, or the subtree of ``root``."""

    everything: bool = False
    root: Unit | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and self.root is None

    def covers(self, unit: Unit | None) -> bool:
        if self.everything:
            return True
        if self.root is None or unit is None:
            return False
        return (unit.path or "").startswith(self.root.path)


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def scope_of(user) -> Scope:
    """The units ``user`` may see (cached on the user object for the request)."""
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not getattr(user, "is_active", False)
    ):
        return NOTHING
    cached = getattr(user, "_access_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._access_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    if user.is_superuser:
        return EVERYTHING
    # One query for the link and the roles; a second only to load a linked unit.
    from django.contrib.auth import get_user_model

    User = get_user_model()
    memberships = User.groups.through.objects.filter(
        **{User.groups.field.m2m_field_name(): OuterRef("pk")}, group__name__in=WHOLE_TREE_ROLES
    )
    row = (
        User._default_manager.filter(pk=user.pk)
        .annotate(whole_tree=Exists(memberships))
        .values_list("unit_head__unit_id", "whole_tree")
        .first()
    )
    if row is None:
        return NOTHING
    unit_id, whole_tree = row
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        return Scope(root=unit) if unit is not None else NOTHING
    return EVERYTHING if whole_tree else NOTHING


def preload_scopes(users) -> None:
    """Compute the scope of many users in two queries (for loops over recipients)."""
    from django.contrib.auth import get_user_model

    from staff.models import UnitHead

    pending = [u for u in users if getattr(u, "_access_scope", None) is None]
    if not pending:
        return
    ids = [u.pk for u in pending]
    heads = {
        h.user_id: h.unit for h in UnitHead.objects.filter(user_id__in=ids).select_related("unit")
    }
    through = get_user_model().groups.through
    whole = set(
        through.objects.filter(user_id__in=ids, group__name__in=WHOLE_TREE_ROLES).values_list(
            "user_id", flat=True
        )
    )
    for user in pending:
        if not user.is_active:
            user._access_scope = NOTHING
        elif user.is_superuser:
            user._access_scope = EVERYTHING
        elif user.pk in heads:
            user._access_scope = Scope(root=heads[user.pk])
        else:
            user._access_scope = EVERYTHING if user.pk in whole else NOTHING


def forget(user) -> None:
    """Drop the cached scope (after a UnitHead link or the groups change)."""
    if user is not None and hasattr(user, "_access_scope"):
        del user._access_scope


def is_scoped(user) -> bool:
    """True unless the user sees the whole tree (scoped to a subtree, or to nothing)."""
    return not scope_of(user).everything


def scope_root(user) -> Unit | None:
    """The root of the user's subtree; None for whole-tree users AND for users who see nothing.

    Callers must check ``scope_of(user).nothing`` first; prefer ``visible_units``.
    """
    return scope_of(user).root


# Stands for "no unit at all": no row has this path or this primary key.
NO_UNIT = Unit(pk=0, code="", name="", path="/0/", depth=0)


def scope_unit(user) -> Unit | None:
    """The root of the user's subtree; None for whole-tree users; ``NO_UNIT`` for users who see
    nothing.

    For code that filters on ``root.path`` itself: the nothing case can never
    read as "no restriction". New code prefers ``restrict`` or ``visible_units``.
    """
    scope = scope_of(user)
    if scope.nothing:
        return NO_UNIT
    return scope.root


def unit_in_scope(user, unit: Unit | None) -> bool:
    return scope_of(user).covers(unit)


def visible_units(user) -> UnitQuerySet:
    return cast(UnitQuerySet, rows_in_scope(Unit.objects.all(), user))


# --- Which rows --------------------------------------------------------------------------


def rows_in_scope(queryset: QuerySet, user, lookup: str | None = None) -> QuerySet:
    """The rows of ``queryset`` whose unit the user may see, without asking about permissions.

    For building blocks (subqueries, choices) where the permission is checked
    elsewhere; ``lookup`` overrides the model's declaration.
    """
    scope = scope_of(user)
    if scope.nothing:
        return queryset.none()
    if scope.everything and not isinstance(declaration(queryset.model), Own):
        return queryset
    decl = lookup if lookup is not None else declaration(queryset.model)
    if isinstance(decl, Own):
        return queryset if user.is_superuser else queryset.filter(**{decl.user: user})
    if decl is None:
        return queryset.none()
    if decl == GLOBAL:
        return queryset
    root = scope.root
    if root is None:  # not reached: a scope that is neither everything nor nothing has a root
        return queryset.none()
    if isinstance(decl, Rows):
        if callable(decl.view):
            return decl.view(queryset, root)
        decl = decl.view
    return queryset.filter(in_subtree(root, decl or ""))


def has_permission(user, action: str, model: type[Model]) -> bool:
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not getattr(user, "is_active", False)
    ):
        return False
    return any(user.has_perm(p) for p in permissions_for(model, action))


def restrict(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """The rows of ``queryset`` that ``user`` may touch for ``action``: none without the
    permission."""
    if not has_permission(user, action, queryset.model):
        return queryset.none()
    return rows_in_scope(queryset, user)


def unit_of(obj: Model, lookup: str | None = None) -> Unit | None:
    """The unit an object belongs to for writes (a new Unit belongs to its parent)."""
    if lookup is None:
        lookup = unit_lookup(type(obj))
    if lookup is None:
        return None
    if lookup == "":
        if isinstance(obj, Unit) and not obj.pk:
            return obj.parent
        return cast(Unit, obj)  # the lookup "" is declared for Unit only
    value: Any = obj
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def can(user, action: str, obj: Model | None = None, *, model: type[Model] | None = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``, or on ``model`` in general)?"""
    if model is None:
        if obj is None:
            raise TypeError("can() needs an object or a model")
        model = type(obj)
    if not has_permission(user, action, model):
        return False
    if obj is None:
        return not scope_of(user).nothing
    scope = scope_of(user)
    decl = declaration(model)
    if isinstance(decl, Own):
        return not scope.nothing and (user.is_superuser or _owner(obj, decl) == user)
    if scope.everything:
        return True
    if scope.nothing:
        return False
    if decl == GLOBAL:
        return True
    if decl is None:
        return False
    view = decl.view if isinstance(decl, Rows) else decl
    if not obj.pk:
        visible = True
    elif callable(view):
        visible = rows_in_scope(model._default_manager.filter(pk=obj.pk), user).exists()
    else:
        visible = scope.covers(unit_of(obj, view))
    return visible and (action == VIEW or scope.covers(unit_of(obj)))


def _owner(obj: Model, decl: Own) -> Any:
    value: Any = obj
    for part in decl.user.split("__"):
        value = getattr(value, part, None)
    return value


def check_write(
    user,
    action: str,
    obj: Model,
    *,
    target: Unit | None = None,
    old_unit: Unit | None = None,
    field: str | None = None,
) -> None:
    """Refuse a write whose target unit (or old unit, on a move) lies outside the user's scope.

    ``target`` defaults to ``unit_of(obj)``; a moved Unit passes its new parent.

    Raises ``PermissionDenied`` without the permission and a field
    ``ValidationError`` (``{field: [message]}``) for a unit outside the scope,
    so the API answers 403 or 400 and a form shows the message on the field.
    """
    from django.core.exceptions import ValidationError

    model = type(obj)
    if not has_permission(user, action, model):
        raise PermissionDenied
    scope = scope_of(user)
    decl = declaration(model)
    if isinstance(decl, Own):
        if scope.nothing or not (user.is_superuser or _owner(obj, decl) == user):
            raise PermissionDenied
        return
    if scope.everything:
        return
    lookup = unit_lookup(model)
    if declaration(model) == GLOBAL:
        if scope.nothing:
            raise PermissionDenied
        return
    if field is None:
        field = (lookup or "unit").split("__")[0] or ("parent" if isinstance(obj, Unit) else "unit")
    if target is None and lookup is not None:
        target = unit_of(obj, lookup)
    if not scope.covers(target):
        raise ValidationError({field: [OUTSIDE_SCOPE]})
    if old_unit is not None and not scope.covers(old_unit):
        raise ValidationError({field: [OUTSIDE_SCOPE]})


# --- The exception list ------------------------------------------------------------------


def may_see_reporter_identity(user) -> bool:
    """Reporters' names and contacts: holders of the identity permission who see the whole tree."""
    return bool(has_permission_code(user, IDENTITY_PERM) and scope_of(user).everything)


def may_see_internal_note(user) -> bool:
    """The inspectors' internal notes on feedback: whole-tree readers only (never the unit
    complained about)."""
    return scope_of(user).everything


def has_permission_code(user, codename: str) -> bool:
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not getattr(user, "is_active", False)
    ):
        return False
    return user.has_perm(codename)


# --- API ------------------------------------------------------------------------------------


class RestrictedViewSetMixin(ViewSetBase):
    """For viewsets: rows restricted for the request's action; writes checked against the target
    unit.

    ``access_action`` maps a viewset action (``verify``) to an access action;
    by default reads are ``view``, ``update``/``partial_update`` ``change``,
    ``destroy`` ``delete``, and a declared workflow action of the model its
    own name.
    """

    access_actions: dict[str, str] = {}
    # Optional ``access_target(serializer) -> (field, unit)`` for writes whose unit is not a field.

    def access_action(self) -> str:
        name = getattr(self, "action", None)
        if name in self.access_actions:
            return self.access_actions[name]
        model = self.get_queryset_model()
        if name in ("update", "partial_update"):
            return CHANGE
        if name == "destroy":
            return DELETE
        if name and name in workflow_actions(model):
            return name
        return VIEW

    def get_queryset_model(self) -> type[Model]:
        queryset = type(self).queryset
        if queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a queryset")
        return queryset.model

    def check_permissions(self, request):
        super().check_permissions(request)
        # A declared workflow step needs its own permission, whatever the action's permission
        # classes say.
        action = self.access_action()
        if action not in CRUD and not has_permission(
            request.user, action, self.get_queryset_model()
        ):
            self.permission_denied(request)

    def get_queryset(self):
        queryset = super().get_queryset()
        action = self.access_action()
        if action == VIEW or not has_permission(self.request.user, action, queryset.model):
            # Without the write permission the permission class answers 403, not 404.
            return restrict(queryset, self.request.user, VIEW)
        return restrict(queryset, self.request.user, action)

    def _check(self, action: str, serializer) -> None:
        from django.core.exceptions import ValidationError as DjangoValidationError

        instance = serializer.instance
        model = serializer.Meta.model if instance is None else type(instance)
        data = serializer.validated_data
        lookup = unit_lookup(model)
        first = "parent" if model is Unit else (lookup or "").split("__")[0]
        old_unit = unit_of(instance) if instance is not None else None
        target = None
        hook = getattr(self, "access_target", None)
        if hook is not None:
            first, target = hook(serializer)
        elif model is Unit:
            # A new unit is placed under its parent; a moved unit must stay in scope on both sides.
            target = data.get("parent", instance.parent if instance is not None else None)
            if instance is not None and "parent" not in data:
                target = instance
        elif first and first in data:
            probe = model()
            setattr(probe, first, data[first])
            target = unit_of(probe, lookup)
        elif instance is not None:
            target = old_unit
        try:
            check_write(
                self.request.user,
                action,
                instance or model(),
                target=target,
                old_unit=old_unit,
                field=first or None,
            )
        except DjangoValidationError as exc:
            raise to_drf(exc) from exc

    def perform_create(self, serializer):
        self._check(ADD, serializer)
        super().perform_create(serializer)

    def perform_update(self, serializer):
        self._check(CHANGE, serializer)
        super().perform_update(serializer)


def require(user, action: str, obj: Model) -> None:
    """Raise ``PermissionDenied`` unless ``can(user, action, obj)``: for services and views."""
    if not can(user, action, obj):
        raise PermissionDenied


# --- Admin ------------------------------------------------------------------------------------


def _write_checked_form(form_class, user):
    """``form_class`` whose validation also asks ``check_write`` (target unit, and old unit on a
    move)."""
    from django.core.exceptions import ValidationError

    # mypy cannot check a class whose base is only known at run time.
    class WriteCheckedForm(form_class):  # type: ignore[misc,valid-type]
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            instance = self.instance
            self._access_old_unit = unit_of(instance) if instance.pk else None
            self._access_old_parent = getattr(instance, "parent_id", None)

        def _post_clean(self):
            super()._post_clean()
            instance = self.instance
            target = None
            if isinstance(instance, Unit) and instance.pk:
                target = (
                    instance.parent if instance.parent_id != self._access_old_parent else instance
                )
            try:
                check_write(
                    user,
                    CHANGE if instance.pk else ADD,
                    instance,
                    target=target,
                    old_unit=self._access_old_unit,
                )
            except PermissionDenied:
                self.add_error(None, _("You may not make this change."))
            except ValidationError as exc:
                onto_form(self, exc)

    WriteCheckedForm.__name__ = form_class.__name__
    return WriteCheckedForm


class RestrictedInlineMixin(InlineBase):
    """For admin inlines: the rows shown are those the user may see; new rows are checked like any
    write."""

    def get_queryset(self, request):
        return rows_in_scope(super().get_queryset(request), request.user)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _write_checked_form(formset.form, request.user)
        return formset


_restricted_inlines: dict[type, type] = {}


def restricted_inline(inline_class: type) -> type:
    if issubclass(inline_class, RestrictedInlineMixin):
        return inline_class
    if inline_class not in _restricted_inlines:
        _restricted_inlines[inline_class] = type(
            inline_class.__name__,
            (RestrictedInlineMixin, inline_class),
            {"__module__": inline_class.__module__},
        )
    return _restricted_inlines[inline_class]


class RestrictedAdminMixin(_AdminBase):
    """Given to every ModelAdmin by the admin site (``settings.ADMIN_MODEL_MIXINS``).

    Lists, change and delete pages, autocomplete (which reads the target
    model's admin queryset), inlines, foreign-key choices and history pages
    show only rows the user may see; anything else is 404. Forms check the
    target unit of a write. History records are read-only for everyone: a
    revert would bypass the services (a corrective action verified without an
    inspector), so an old value is restored through the change form or the
    workflow step, which check permission, scope and rules.
    """

    def get_queryset(self, request):
        return rows_in_scope(super().get_queryset(request), request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or can(request.user, CHANGE, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or can(request.user, DELETE, obj)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        return _write_checked_form(
            super().get_form(request, obj, change=change, **kwargs), request.user
        )

    def get_inlines(self, request, obj):
        return [restricted_inline(inline) for inline in super().get_inlines(request, obj)]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        queryset = getattr(field, "queryset", None)
        if field is not None and queryset is not None:
            field.queryset = rows_in_scope(queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        queryset = getattr(field, "queryset", None)
        if field is not None and queryset is not None:
            field.queryset = rows_in_scope(queryset, request.user)
        return field

    # django-simple-history's pages (only on admins that have them).

    def _history_in_scope_or_404(self, request, object_id) -> None:
        from django.contrib.admin.utils import unquote
        from django.core.exceptions import ValidationError
        from django.http import Http404

        if self.get_object(request, unquote(object_id)) is not None:
            return
        # A deleted record: its history is shown when its last recorded unit is in scope.
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
            if self.model._default_manager.filter(pk=pk).exists():
                raise Http404
            manager = getattr(self.model, self.model._meta.simple_history_manager_attribute)
            if rows_in_scope(
                manager.filter(**{self.model._meta.pk.attname: pk}), request.user
            ).exists():
                return
        except (ValidationError, ValueError, AttributeError):
            pass
        raise Http404

    def history_view(self, request, object_id, extra_context=None):
        if hasattr(self.model._meta, "simple_history_manager_attribute"):
            self._history_in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Read-only (a POST refused) by core.history.HistoryAdmin, which every such admin is.
        self._history_in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return rows_in_scope(
            super().get_history_queryset(request, history_manager, pk_name, object_id), request.user
        )
