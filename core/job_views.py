"""A job's page (``/app/jobs/<id>/``), its status for API clients, and its file: for the user who
asked only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import Job, JobStatus


def _job_of(user, pk) -> Job:
    """The user's own job still kept; anyone else's, or an expired one, is 404."""
    job = (
        Job.objects.filter(pk=pk, user=user, expires_at__gt=timezone.now()).first()
        if user.is_authenticated
        else None
    )
    if job is None:
        raise Http404
    return job


def _state(job: Job) -> dict:
    return {
        "id": str(job.pk),
        "label": job.label,
        "status": job.status,
        "progress": job.progress,
        "error": job.error if job.status == JobStatus.FAILED else "",
        "download": reverse("job-download", args=[job.pk])
        if job.status == JobStatus.DONE and job.file
        else None,
        "expires_at": job.expires_at.isoformat(),
    }


@login_required
@never_cache
def job_page(request, pk):
    job = _job_of(request.user, pk)
    return render(request, "core/job.html", {"job": job, "state": _state(job)})


class JobStatusView(APIView):
    """``GET /api/v1/jobs/<id>/``: status, progress and, when ready, the download URL."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="job_status",
        responses=inline_serializer(
            "JobState",
            {
                "id": serializers.UUIDField(),
                "label": serializers.CharField(),
                "status": serializers.ChoiceField(choices=JobStatus.choices),
                "progress": serializers.IntegerField(min_value=0, max_value=100),
                "error": serializers.CharField(),
                "download": serializers.CharField(allow_null=True),
                "expires_at": serializers.DateTimeField(),
            },
        ),
    )
    def get(self, request, pk):
        return Response(_state(_job_of(request.user, pk)))


class JobDownloadView(APIView):
    """``GET /api/v1/jobs/<id>/download/``: the file, to the user who asked, while it is kept."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="job_download",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk):
        job = _job_of(request.user, pk)
        if job.status != JobStatus.DONE or not job.file:
            raise Http404
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.filename,
            content_type=job.content_type or "application/octet-stream",
        )
