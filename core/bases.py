"""The classes core's and the apps' mixins are type-checked against.

A mixin comes before the real class in its users' bases (``class
StaffViewSet(RestrictedViewSetMixin, ..., viewsets.ModelViewSet)``), so at run
time its base is ``object``; for mypy it is the class it extends, so that
``super()`` calls and the attributes it reads are checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.contrib.admin.options import InlineModelAdmin
    from rest_framework.throttling import SimpleRateThrottle
    from rest_framework.viewsets import ModelViewSet

    AdminBase = ModelAdmin
    InlineBase = InlineModelAdmin
    ViewSetBase = ModelViewSet
    RateThrottleBase = SimpleRateThrottle
else:
    AdminBase = InlineBase = ViewSetBase = RateThrottleBase = object
