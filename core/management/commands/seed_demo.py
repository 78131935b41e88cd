"""Load the demo district (or the province-scale benchmark data set).

Each app contributes a ``seed(scale=..., rng=..., stdout=...)`` function
listed in ``settings.DEMO_SEEDERS``; they run in order inside one
transaction, so a failure leaves the database as it was. ``--scale demo`` is
idempotent: records are matched on their codes.
"""

from __future__ import annotations

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load the Đạ Huoai demo district (2019) or the province-scale benchmark data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "province"], default="demo")
        parser.add_argument(
            "--seed", type=int, default=2019, help="random seed (deterministic output)"
        )

    def handle(self, *args, scale: str, seed: int, **options):
        rng = random.Random(seed)
        started = time.monotonic()
        with transaction.atomic():
            for dotted in settings.DEMO_SEEDERS:
                step = time.monotonic()
                import_string(dotted)(scale=scale, rng=rng, stdout=self.stdout)
                self.stdout.write(f"  {dotted}: {time.monotonic() - step:.1f}s")
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo --scale {scale} done in {time.monotonic() - started:.1f}s"
            )
        )
