"""Spreadsheet import as a workspace page: upload -> preview with the bad rows -> confirm.

The same steps and safeguards as the admin's import (``core.import_admin``):
the file waits in a private folder under an unguessable token bound to the
session, a dry run of the same engine shows the preview, only a file without
errors can be confirmed, and the confirmation imports that stored file
all-or-nothing. A subclass gives ``get_importer()``, ``may_import()`` and
where to go after a successful import.

A file above ``IMPORT_ASYNC_BYTES`` (or, at the confirmation, with more
checked rows than ``IMPORT_ASYNC_ROWS``) is checked or imported by a
background job (``core.jobs.defer_import``): the browser goes to the job's
page, which shows the progress, then the same report. The job builds the
importer with this class, for the same user, path and query, so
``get_importer()`` and ``may_import()`` must depend on nothing but those.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from core.import_admin import (
    _SESSION_KEY,
    ImportUploadForm,
    _clean_old_uploads,
    _discard,
    upload_dir,
)
from core.imports import MAX_PREVIEW_ROWS, Importer, run_import
from core.jobs import defer_import, import_too_big
from core.pages import PermissionPage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ImportPage(PermissionPage, View):
    template_name = "pages/import.html"
    title: StrOrPromise = ""
    intro: StrOrPromise = ""
    kind = ""  # a name for the pending upload, so one page cannot confirm another's file

    def get_importer(self) -> Importer:
        raise NotImplementedError

    def may_import(self) -> bool:
        raise NotImplementedError

    def success_url(self) -> str:
        return self.request.path

    def extra_context(self) -> dict:
        return {}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.may_import():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form=None, report=None, token=None, status=200):
        context = {
            "title": self.title,
            "intro": self.intro,
            "form": form or ImportUploadForm(),
            "columns": self.get_importer().columns,
            "report": report,
            "token": token,
            **self.extra_context(),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page()

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request.POST["token"])
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form=form, status=400)
        return self.preview(form.cleaned_data["file"])

    def preview(self, upload):
        _clean_old_uploads()
        token = secrets.token_urlsafe(24)
        suffix = Path(upload.name).suffix.lower()
        stored = upload_dir() / f"{token}{suffix}"
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        pending = self.request.session.get(_SESSION_KEY, {})
        pending[token] = {
            "name": Path(upload.name).name,
            "suffix": suffix,
            "model": f"page:{self.kind}",
        }
        self.request.session[_SESSION_KEY] = pending
        if import_too_big(size=upload.size):
            # A big file is checked by a background job; its page offers the confirmation.
            return defer_import(
                self.request,
                label=str(self.title),
                stored=stored,
                filename=upload.name,
                token=token,
                check=True,
            )
        report = run_import(
            self.get_importer(),
            stored,
            filename=upload.name,
            dry_run=True,
            preview_rows=MAX_PREVIEW_ROWS,
        )
        if not report.ok:
            _discard(self.request, token)
        else:
            pending[token]["rows"] = report.rows
            self.request.session[_SESSION_KEY] = pending
        return self.render_page(report=report, token=token if report.ok else None)

    def confirm(self, token: str):
        from django.utils.translation import gettext as _

        entry = self.request.session.get(_SESSION_KEY, {}).get(token)
        stored = upload_dir() / f"{token}{entry['suffix']}" if entry else None
        if (
            entry is None
            or stored is None
            or entry.get("model") != f"page:{self.kind}"
            or not stored.is_file()
        ):
            messages.error(
                self.request, _("This upload has expired or is not yours; upload the file again.")
            )
            return HttpResponseRedirect(self.request.get_full_path())
        if import_too_big(size=stored.stat().st_size, rows=entry.get("rows")):
            response = defer_import(
                self.request,
                label=str(self.title),
                stored=stored,
                filename=entry["name"],
                token=token,
                check=False,
            )
            _discard(self.request, token)
            return response
        report = run_import(
            self.get_importer(),
            stored,
            filename=entry["name"],
            dry_run=False,
            preview_rows=MAX_PREVIEW_ROWS,
            user=self.request.user,
            request=self.request,
        )
        _discard(self.request, token)
        if report.ok:
            messages.success(self.request, report.summary())
            return HttpResponseRedirect(self.success_url())
        return self.render_page(report=report, status=400)
