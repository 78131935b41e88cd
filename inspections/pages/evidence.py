"""Evidence files, streamed only to those who may see their record (never a public media URL)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from inspections.models import Evidence
from inspections.pages.base import restrict


@login_required
def evidence_download(request, pk: int):
    if not request.user.has_perm("inspections.view_evidence"):
        raise PermissionDenied
    evidence = get_object_or_404(restrict(Evidence.objects.all(), request.user), pk=pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
