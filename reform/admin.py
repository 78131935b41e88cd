"""Admin for administrative reform: catalogue, dossiers, period reports (with the reconciliation
flag), PAR results and plans."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.history import HistoryAdmin
from reform.models import (
    Dossier,
    ImprovementItem,
    ImprovementPlan,
    ParCriterionScore,
    ParResult,
    Procedure,
    ProcedurePosting,
    ServiceReport,
)
from staff.admin import ScopedAdminMixin


@admin.register(Procedure)
class ProcedureAdmin(HistoryAdmin):
    list_display = ("code", "name", "field", "level", "resolution_days", "online")
    list_filter = ("level", "online")
    search_fields = ("code", "name", "name_key", "field")


@admin.register(ProcedurePosting)
class ProcedurePostingAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("procedure", "unit", "posted_on")
    list_filter = ("procedure__level",)
    autocomplete_fields = ("unit", "procedure")
    list_select_related = ("procedure", "unit")


@admin.register(Dossier)
class DossierAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = (
        "code",
        "procedure",
        "unit",
        "channel",
        "received_on",
        "due_on",
        "resolved_on",
        "outcome",
        "late_in_system_only",
        "apology_issued_on",
    )
    list_filter = ("level", "channel", "electronic", "outcome", "late_in_system_only")
    search_fields = ("code", "procedure__code", "procedure__name_key")
    autocomplete_fields = ("unit", "procedure")
    readonly_fields = ("level", "outcome")
    list_select_related = ("procedure", "unit")
    date_hierarchy = "received_on"
    show_full_result_count = False


@admin.register(ServiceReport)
class ServiceReportAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = (
        "unit",
        "scope",
        "period_start",
        "period_end",
        "received",
        "resolved",
        "pending_in_time",
        "overdue_display",
        "reconciles",
    )
    list_filter = ("scope", "reconciles")
    search_fields = ("unit__code", "unit__name_key")
    autocomplete_fields = ("unit",)
    readonly_fields = ("reconciles",)
    list_select_related = ("unit",)

    @admin.display(description=_("overdue"))
    def overdue_display(self, obj):
        return obj.overdue


class ParCriterionInline(admin.TabularInline):
    model = ParCriterionScore
    extra = 0


@admin.register(ParResult)
class ParResultAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("unit", "year", "score", "rank", "ranked_units")
    list_filter = ("year",)
    search_fields = ("unit__code", "unit__name_key")
    autocomplete_fields = ("unit",)
    inlines = [ParCriterionInline]
    list_select_related = ("unit",)


class ImprovementItemInline(admin.TabularInline):
    model = ImprovementItem
    extra = 0
    autocomplete_fields = ("owner", "owner_unit")


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("title", "unit", "year", "adopted_on")
    list_filter = ("year",)
    autocomplete_fields = ("unit",)
    inlines = [ImprovementItemInline]
    list_select_related = ("unit",)
