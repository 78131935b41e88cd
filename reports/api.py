"""``/api/v1/reports/accountability/``: the report as JSON, CSV (``format=csv``) or a workbook
(``format=xlsx``).

The view only checks rights, validates parameters, resolves the scope and
calls queries -> frames -> renderers (``reports.report``). Errors are JSON
whatever format was asked for.
"""

from __future__ import annotations

import tempfile

import orjson
from django.http import FileResponse, HttpResponse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.utils import encoders
from rest_framework.views import APIView

from core import jobs
from core.audit import log_event
from core.exports import XLSX_CONTENT_TYPE, CSVRenderer, XLSXRenderer, csv_response
from core.models import SecurityEventKind
from reports import params
from reports.pdf import PDF_CONTENT_TYPE, write_pdf
from reports.render import csv_headers, csv_rows, filename, to_json
from reports.report import build_report


class ReportJSONRenderer(JSONRenderer):
    """The report's JSON written by orjson: the same compact UTF-8 as DRF's renderer, in a fraction
    of the time.

    Values orjson does not know (lazy translations, Decimals) go through
    DRF's own encoder. Errors keep DRF's renderer (``handle_exception``).
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if (renderer_context or {}).get("indent") or self.get_indent(
            accepted_media_type or "", renderer_context or {}
        ):
            return super().render(data, accepted_media_type, renderer_context)
        return orjson.dumps(data, default=_FALLBACK.default)


_FALLBACK = encoders.JSONEncoder()


class PDFRenderer(BaseRenderer):
    """Lets ``?format=pdf`` through content negotiation; the view returns the file itself."""

    media_type = PDF_CONTENT_TYPE
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b""


class CanReadReports(permissions.BasePermission):
    """Any role may read reports (every role reads units); rows are then scoped."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("staff.view_unit"))


def xlsx_file_response(report, lang: str | None) -> FileResponse:
    from reports.excel import write_workbook  # xlsxwriter: loaded by the first workbook

    # A temporary file, not memory: the workbook of a whole province is a few MB.
    tmp = tempfile.TemporaryFile()
    write_workbook(tmp, report, lang=lang)
    tmp.seek(0)
    response = FileResponse(
        tmp, as_attachment=True, filename=filename(report, "xlsx"), content_type=XLSX_CONTENT_TYPE
    )
    response["Cache-Control"] = "no-store"
    return response


def pdf_file_response(report, lang: str | None) -> HttpResponse:
    response = HttpResponse(write_pdf(report, lang=lang), content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(report, "pdf")}"'
    response["Cache-Control"] = "no-store"
    return response


def csv_file_response(report, lang: str | None, *, keys: bool = False):
    """Vietnamese column titles and level names by default; ``keys`` for the stable keys and
    codes."""
    response = csv_response(
        filename(report, "csv")[:-4], csv_headers(report, keys=keys), csv_rows(report, keys=keys)
    )
    response["Content-Language"] = lang or translation.get_language()
    return response


class AccountabilityReportView(APIView):
    """Accountability report of a unit's subtree: metrics, score and rank of every unit.

    `?year=YYYY` (or `start=`/`end=`), `unit=CODE` (default: the top of your
    scope), `format=json|csv|xlsx|pdf`, `lang=vi|en` for the files; the CSV has
    Vietnamese column titles unless `header=keys`.
    """

    permission_classes = [CanReadReports]
    renderer_classes = [
        ReportJSONRenderer,
        BrowsableAPIRenderer,
        CSVRenderer,
        XLSXRenderer,
        PDFRenderer,
    ]

    @extend_schema(
        parameters=[
            params.ReportParamsSerializer,
            OpenApiParameter(
                "format", str, enum=["json", "csv", "xlsx", "pdf"], description="Output format."
            ),
            OpenApiParameter(
                "header", str, enum=["keys"], description="CSV: the stable keys as column titles."
            ),
        ],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            (200, PDF_CONTENT_TYPE): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, *args, **kwargs):
        wanted = params.resolve(request.user, request.query_params)
        output = getattr(request.accepted_renderer, "format", "json")
        if output == "xlsx" and jobs.wants_async(request):
            # Built by a background job replaying this request (core/jobs.py): 202, or the job's
            # page.
            return jobs.deferred(
                request, label=f"{wanted.root.name} {wanted.period.start.year}.xlsx"
            )
        with translation.override(wanted.lang or translation.get_language()):
            report = build_report(wanted.root, wanted.period)
            if output in ("xlsx", "csv", "pdf"):
                log_event(
                    SecurityEventKind.EXPORT,
                    request=request,
                    list="accountability_report",
                    format=output,
                    unit=wanted.root.code,
                    start=str(wanted.period.start),
                    end=str(wanted.period.end),
                )
            if output == "xlsx":
                return xlsx_file_response(report, wanted.lang)
            if output == "pdf":
                return pdf_file_response(report, wanted.lang)
            if output == "csv":
                keys = request.query_params.get("header") == "keys"
                return csv_file_response(report, wanted.lang, keys=keys)
            return Response(to_json(report))

    def handle_exception(self, exc):
        # Errors stay JSON even when a file format was asked for (docs/contract.md).
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response
