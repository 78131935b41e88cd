"""Admin for the scoring methodology: one page per version, its components inline."""

from __future__ import annotations

from django.contrib import admin

from core.history import HistoryAdmin
from reports.models import ScoringComponent, ScoringMethodology


class ScoringComponentInline(admin.TabularInline):
    model = ScoringComponent
    extra = 0
    fields = ("sort_order", "key", "name", "name_en", "formula", "sample", "weight", "min_sample")


@admin.register(ScoringMethodology)
class ScoringMethodologyAdmin(HistoryAdmin):
    list_display = ("name", "code", "valid_from", "source_document", "min_staff")
    search_fields = ("name", "code", "source_document")
    ordering = ("-valid_from",)
    inlines = [ScoringComponentInline]
