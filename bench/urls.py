"""The project's URLs plus the bare views the benchmark's floors are measured on.

Used only inside the benchmark's worker processes, through
``override_settings(ROOT_URLCONF="bench.urls")``; the project never routes
these views.
"""

from __future__ import annotations

from django.urls import path

from bench.views import enrolments_floor
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench/floor/enrolments/", enrolments_floor, name="bench-enrolments-floor"),
    *project_urlpatterns,
]
