"""The reform imports as workspace pages (upload -> preview -> confirm, all or nothing;
``core/import_pages.py``): dossiers from the one-stop system's export, PAR index results, the
procedure list."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.import_pages import ImportPage
from reform.models import Dossier, ParResult, Procedure
from reform.pages.dossiers import may_import
from staff import access


class DossierImportPage(ImportPage):
    title = gettext_lazy("Import dossiers")
    intro = gettext_lazy(
        "The electronic one-stop system's export: one row per dossier, matched on the dossier code "
        "(importing the same file twice changes nothing)."
    )
    kind = "dossiers"

    def may_import(self) -> bool:
        return may_import(self.request.user, Dossier)

    def get_importer(self):
        from reform.importers import DossierImporter

        return DossierImporter(units=access.visible_units(self.request.user))

    def success_url(self) -> str:
        return reverse("app:dossier-list")


class ParResultImportPage(ImportPage):
    title = gettext_lazy("Import PAR index results")
    intro = gettext_lazy(
        "The province's published table: a unit's total, rank and number of units ranked per row; "
        "rows with a criterion code give that unit's score on one criterion."
    )
    kind = "par_results"

    def may_import(self) -> bool:
        return may_import(self.request.user, ParResult)

    def get_importer(self):
        from reform.importers import ParResultImporter

        return ParResultImporter(units=access.visible_units(self.request.user))

    def success_url(self) -> str:
        return reverse("app:par-list")


class ProcedureImportPage(ImportPage):
    title = gettext_lazy("Import the procedure list")
    intro = gettext_lazy(
        "The national or provincial list of administrative procedures, matched on the "
        "procedure code."
    )
    kind = "procedures"

    def may_import(self) -> bool:
        return may_import(self.request.user, Procedure)

    def get_importer(self):
        from reform.importers import ProcedureImporter

        return ProcedureImporter()

    def success_url(self) -> str:
        return reverse("app:procedure-list")
