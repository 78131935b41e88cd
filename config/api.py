"""The one API router: every app's viewsets under /api/v1/.

Each app's ``api.py`` exposes ``ROUTES``, a list of ``(prefix, viewset,
basename)``; adding an app means adding its module here.
"""

from importlib import import_module

from rest_framework.routers import DefaultRouter

API_MODULES = ["staff.api", "inspections.api", "training.api", "reform.api"]

router = DefaultRouter()
for module_name in API_MODULES:
    for prefix, viewset, basename in getattr(import_module(module_name), "ROUTES", []):
        router.register(prefix, viewset, basename=basename)
