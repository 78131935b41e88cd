"""Load the demo district (or the province-scale benchmark data set).

Each app contributes a ``seed(scale=..., rng=..., stdout=...)`` function
listed in ``settings.DEMO_SEEDERS``; they run in order inside one
transaction, so a failure leaves the database as it was. ``--scale demo`` is
idempotent: records are matched on their codes. ``--size N`` multiplies the
province data set (N times the districts, staff, courses, enrolments,
dossiers, inspections and feedback) for the benchmark's growth runs.
"""

from __future__ import annotations

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load the Đạ Huoai demo district (2019) or the province-scale benchmark data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "province"], default="demo")
        parser.add_argument(
            "--seed", type=int, default=2019, help="random seed (deterministic output)"
        )
        parser.add_argument(
            "--size",
            type=int,
            default=1,
            help="with --scale province: this many times the province data set (default 1)",
        )

    def handle(self, *args, scale: str, seed: int, size: int = 1, **options):
        if size < 1:
            raise CommandError("--size must be at least 1")
        if size != 1 and scale != "province":
            raise CommandError("--size applies to --scale province only")
        rng = random.Random(seed)
        started = time.monotonic()
        with transaction.atomic():
            for dotted in settings.DEMO_SEEDERS:
                step = time.monotonic()
                import_string(dotted)(scale=scale, rng=rng, stdout=self.stdout, size=size)
                self.stdout.write(f"  {dotted}: {time.monotonic() - step:.1f}s")
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo --scale {scale}{f' --size {size}' if size != 1 else ''} done in "
                f"{time.monotonic() - started:.1f}s"
            )
        )
