"""The PAR index (Chỉ số CCHC): results per unit and year with the criterion scores, the unit's
improvement plan, and the plan's items (owner, due date, status) whose status the unit's head
updates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from core.pages import PermissionPage
from reform import rules
from reform.filtersets import ImprovementItemFilterSet, ParResultFilterSet
from reform.models import ImprovementItem, ImprovementPlan, ParResult
from reform.pages.base import ReformListPage
from reform.pages.forms import ItemProgressForm
from staff import access

PROGRESS = "progress"


class ParResultListPage(ReformListPage):
    template_name = "reform/pages/par_list.html"
    permissions = ("reform.view_parresult",)
    title = gettext_lazy("PAR index results by unit and year")
    queryset = ParResult.objects.select_related("unit")
    filterset_class = ParResultFilterSet
    filter_labels = {"year": gettext_lazy("Year")}
    search_key_fields = ("unit__name_key",)
    search_code_fields = ("unit__code",)
    sort_fields = {
        "year": (gettext_lazy("Year"), "year"),
        "rank": (gettext_lazy("Place in the ranking"), "rank"),
        "score": (gettext_lazy("Total score"), "score"),
        "unit": (gettext_lazy("Unit"), "unit__name_key"),
    }
    default_sort = "-year"
    export_filename = "par-results"
    export_columns = [
        ("unit__code", gettext_lazy("Unit code")),
        ("unit__name", gettext_lazy("Unit")),
        ("year", gettext_lazy("Year")),
        ("score", gettext_lazy("Total score")),
        ("max_score", gettext_lazy("Maximum score")),
        ("rank", gettext_lazy("Place in the ranking")),
        ("ranked_units", gettext_lazy("Units ranked")),
        ("decision", gettext_lazy("Publishing decision")),
    ]

    def sort(self, queryset, key):
        # Within a year, the best rank first.
        queryset = super().sort(queryset, key)
        if key.lstrip("-") == "year":
            expression = "-year" if key.startswith("-") else "year"
            queryset = queryset.order_by(expression, "rank", "pk")
        return queryset

    def get_context_data(self, **kwargs):
        from reform.pages.dossiers import may_import

        context = super().get_context_data(**kwargs)
        context["may_import"] = may_import(self.request.user, ParResult)
        return context


class ParResultDetailPage(PermissionPage, View):
    """One result: rank and the change from the year before, criterion scores, the plan that follows
    it."""

    permissions = ("reform.view_parresult",)
    template_name = "reform/pages/par_detail.html"

    def get(self, request, pk: int):
        rows = ParResult.objects.select_related("unit").prefetch_related("criteria")
        result = get_object_or_404(access.restrict(rows, request.user, access.VIEW), pk=pk)
        previous = (
            ParResult.objects.filter(unit=result.unit, year=result.year - 1)
            .only("rank", "ranked_units", "score", "year")
            .first()
        )
        plans = list(
            access.restrict(ImprovementPlan.objects.all(), request.user, access.VIEW)
            .filter(Q(based_on=result) | Q(unit=result.unit, year=result.year + 1))
            .prefetch_related("items__owner", "items__owner_unit")
            .order_by("year", "pk")
        )
        context = {
            "result": result,
            "previous_text": previous_text(previous, result),
            "criteria": list(result.criteria.all()),
            "plans": plans,
            "today": timezone.localdate(),
            "may_update": access.can(request.user, PROGRESS, model=ImprovementItem),
        }
        return render(request, self.template_name, context)


def previous_text(previous: ParResult | None, result: ParResult) -> str:
    """ "3 of 12 in 2018, up 1 place" (the change from the year before, in words)."""
    if previous is None:
        return _("no result recorded")
    text = _("%(rank)s of %(total)s in %(year)s") % {
        "rank": previous.rank,
        "total": previous.ranked_units,
        "year": previous.year,
    }
    change = rules.rank_change(previous.rank, result.rank)
    if change > 0:
        moved = ngettext("up %(n)d place", "up %(n)d places", change) % {"n": change}
    elif change < 0:
        moved = ngettext("down %(n)d place", "down %(n)d places", -change) % {"n": -change}
    else:
        moved = _("same place")
    return f"{text} · {moved}"


class ItemListPage(ReformListPage):
    """Improvement plan items of every plan the user may see: open, overdue, by owner and due
    date."""

    template_name = "reform/pages/item_list.html"
    permissions = ("reform.view_improvementitem",)
    title = gettext_lazy("Improvement plan items")
    queryset = ImprovementItem.objects.select_related(
        "plan__unit", "plan__based_on", "owner", "owner_unit"
    )
    filterset_class = ImprovementItemFilterSet
    filter_labels = {
        "year": gettext_lazy("Year of the plan"),
        "status": gettext_lazy("Status"),
        "overdue": gettext_lazy("Open past the due date"),
    }
    search_key_fields = ("owner__name_key", "owner_unit__name_key")
    search_code_fields = ("action", "criterion_code")
    sort_fields = {
        "due": (gettext_lazy("Due by"), "due_date"),
        "status": (gettext_lazy("Status"), "status"),
        "criterion": (gettext_lazy("PAR criterion"), "criterion_code"),
    }
    default_sort = "due"
    export_filename = "improvement-items"
    export_columns = [
        ("plan__unit__code", gettext_lazy("Unit code")),
        ("plan__unit__name", gettext_lazy("Unit")),
        ("plan__year", gettext_lazy("Year of the plan")),
        ("criterion_code", gettext_lazy("PAR criterion")),
        ("action", gettext_lazy("Action")),
        ("owner__full_name", gettext_lazy("Owner")),
        ("owner_unit__name", gettext_lazy("Responsible unit")),
        ("due_date", gettext_lazy("Due by")),
        ("status", gettext_lazy("Status")),
        ("done_on", gettext_lazy("Done on")),
        ("progress_note", gettext_lazy("What was done")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class ItemPage(PermissionPage, View):
    """One item; its unit's head (or HR) updates the status, the day it was done and what was
    done."""

    permissions = ("reform.view_improvementitem",)
    template_name = "reform/pages/item_detail.html"

    def item(self, pk: int) -> ImprovementItem:
        rows = ImprovementItem.objects.select_related(
            "plan__unit", "plan__based_on", "owner", "owner_unit"
        )
        return get_object_or_404(access.restrict(rows, self.request.user, access.VIEW), pk=pk)

    def render_page(self, item, form, status=200):
        context = {"item": item, "form": form, "today": timezone.localdate()}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        item = self.item(pk)
        form = ItemProgressForm(instance=item) if access.can(request.user, PROGRESS, item) else None
        return self.render_page(item, form)

    def post(self, request, pk: int):
        item = self.item(pk)
        if not access.can(request.user, PROGRESS, item):
            raise PermissionDenied
        form = ItemProgressForm(request.POST, instance=item)
        if not form.is_valid():
            return self.render_page(self.item(pk), form, status=400)
        access.check_write(request.user, PROGRESS, form.instance, field="status")
        form.save()
        messages.success(request, _("The item is updated."))
        return redirect("app:plan-item-detail", pk=item.pk)
