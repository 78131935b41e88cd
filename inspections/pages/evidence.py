"""Evidence files, streamed only to those who may see their record (never a public media URL)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from core.files import file_download
from inspections.models import Evidence
from inspections.pages.base import restrict


@login_required
def evidence_download(request, pk: int):
    if not request.user.has_perm("inspections.view_evidence"):
        raise PermissionDenied
    evidence = get_object_or_404(restrict(Evidence.objects.all(), request.user), pk=pk)
    # The name's extension follows the sniffed type (core.files), as on the API.
    return file_download(
        evidence.file, name=evidence.original_name, content_type=evidence.content_type
    )
