"""The admin side of spreadsheet import: upload -> preview with row errors -> confirm.

``ImportAdminMixin`` adds an ``import/`` page to a ModelAdmin. The uploaded
file is kept in a private folder under an unguessable token bound to the
user's session, checked with a dry run (the same engine and report as the
``--dry-run`` of the commands) and shown with every bad row highlighted; only
a file without errors can be confirmed, and the confirmation imports that
same stored file all-or-nothing. Who may import is the ModelAdmin's
``has_import_permission``. Files above ``IMPORT_ASYNC_BYTES`` or
``IMPORT_ASYNC_ROWS`` are checked and imported by a background job, as on
the workspace's import pages (``core.import_pages``).
"""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.bases import AdminBase
from core.imports import MAX_PREVIEW_ROWS, Importer, run_import
from core.jobs import defer_import, import_too_big

MAX_UPLOAD_BYTES = 30 * 1024 * 1024
KEEP_SECONDS = 24 * 3600
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")
_SESSION_KEY = "congvu_imports"


def upload_dir() -> Path:
    """Where uploads wait between preview and confirmation (``IMPORT_UPLOAD_DIR`` or the temp
    dir)."""
    folder = Path(settings.IMPORT_UPLOAD_DIR or Path(tempfile.gettempdir()) / "congvu-imports")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet file"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (UTF-8 or Windows-1258)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ImportAdminMixin(AdminBase):
    """Mix into a ModelAdmin; define ``get_importer(request)`` and
    ``has_import_permission(request)``."""

    import_template = ""
    import_title = None  # default: "Import <verbose name plural> from a spreadsheet"

    def get_importer(self, request) -> Importer:
        raise NotImplementedError

    def has_import_permission(self, request) -> bool:
        raise NotImplementedError

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context=extra_context)

    def _changelist_url(self) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
            current_app=self.admin_site.name,
        )

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": self.import_title
            or _("Import %(name)s from a spreadsheet") % {"name": self.opts.verbose_name_plural},
            "columns": self.get_importer(request).columns,
        }
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request, context)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            return self._preview(request, form.cleaned_data["file"], context)
        return TemplateResponse(request, self.import_template, {**context, "form": form})

    def _preview(self, request, upload, context):
        _clean_old_uploads()
        token = secrets.token_urlsafe(24)
        suffix = Path(upload.name).suffix.lower()
        stored = upload_dir() / f"{token}{suffix}"
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        pending = request.session.get(_SESSION_KEY, {})
        pending[token] = {
            "name": Path(upload.name).name,
            "suffix": suffix,
            "model": self.opts.label_lower,
        }
        request.session[_SESSION_KEY] = pending
        if import_too_big(size=upload.size):
            return defer_import(
                request,
                label=context["title"],
                stored=stored,
                filename=upload.name,
                token=token,
                check=True,
            )
        report = run_import(
            self.get_importer(request),
            stored,
            filename=upload.name,
            dry_run=True,
            preview_rows=MAX_PREVIEW_ROWS,
        )
        if not report.ok:
            _discard(request, token)
        else:
            pending[token]["rows"] = report.rows
            request.session[_SESSION_KEY] = pending
        # A refused file (bad rows, or a limit of core.imports) is a 400.
        return TemplateResponse(
            request,
            self.import_template,
            {
                **context,
                "report": report,
                "token": token if report.ok else None,
                "form": ImportUploadForm(),
            },
            status=200 if report.ok else 400,
        )

    def _confirm(self, request, context):
        token = request.POST["token"]
        pending = request.session.get(_SESSION_KEY, {})
        entry = pending.get(token)
        stored = upload_dir() / f"{token}{entry['suffix']}" if entry else None
        if (
            entry is None
            or stored is None
            or entry.get("model") != self.opts.label_lower
            or not stored.is_file()
        ):
            messages.error(
                request, _("This upload has expired or is not yours; upload the file again.")
            )
            return HttpResponseRedirect(request.path)
        if import_too_big(size=stored.stat().st_size, rows=entry.get("rows")):
            response = defer_import(
                request,
                label=context["title"],
                stored=stored,
                filename=entry["name"],
                token=token,
                check=False,
            )
            _discard(request, token)
            return response
        report = run_import(
            self.get_importer(request),
            stored,
            filename=entry["name"],
            dry_run=False,
            preview_rows=MAX_PREVIEW_ROWS,
            user=request.user,
            request=request,
        )
        _discard(request, token)
        if report.ok:
            messages.success(request, report.summary())
            return HttpResponseRedirect(self._changelist_url())
        # The database changed since the preview (e.g. a unit was removed).
        return TemplateResponse(
            request,
            self.import_template,
            {**context, "report": report, "token": None, "form": ImportUploadForm()},
            status=400,
        )


def _discard(request, token: str) -> None:
    pending = request.session.get(_SESSION_KEY, {})
    entry = pending.pop(token, None)
    request.session[_SESSION_KEY] = pending
    if entry:
        (upload_dir() / f"{token}{entry['suffix']}").unlink(missing_ok=True)


def _clean_old_uploads() -> None:
    """Forget uploads that were previewed but never confirmed."""
    limit = time.time() - KEEP_SECONDS
    for stale in upload_dir().iterdir():
        try:
            if stale.stat().st_mtime < limit:
                stale.unlink()
        except OSError:
            continue
