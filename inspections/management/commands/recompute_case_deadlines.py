"""Recompute the stored regime, deadlines and explanations of disciplinary cases.

Run after an administrator corrects a ``DisciplineRegime`` row (or the
holiday calendar): the deadlines are stored on each case so lists filter in
SQL, and this brings them in line with the rules now in force. Only cases
whose values change are saved, so the history shows exactly what moved.
"""

from __future__ import annotations

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction

from core.workdays import load_calendar
from inspections.casework import rules, services
from inspections.models import DisciplinaryCase, DisciplineRegime

FIELDS = [
    "regime",
    "regime_rule",
    "statute_deadline",
    "statute_explanation",
    "handling_base_deadline",
    "handling_deadline",
    "handling_explanation",
    "suspended_days",
]


class Command(BaseCommand):
    help = (
        "Recompute stored deadlines of open disciplinary cases (or all with --all) from the "
        "current rules."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", dest="include_closed", action="store_true", help="also closed cases"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )

    def handle(self, *args, include_closed: bool = False, dry_run: bool = False, **options):
        regimes = list(DisciplineRegime.objects.all())
        calendar = load_calendar()
        # Every person's violation dates, once: a later violation restarts an earlier one's statute.
        violations: dict[int, list[tuple[int, object]]] = {}
        for pk, staff_id, day in DisciplinaryCase.objects.values_list(
            "pk", "staff_id", "violation_date"
        ):
            violations.setdefault(staff_id, []).append((pk, day))
        cases = (
            DisciplinaryCase.objects.select_related("staff")
            .prefetch_related("suspensions")
            .order_by("pk")
        )
        if not include_closed:
            cases = cases.still_open()
        total = cases.count()
        changed = failed = 0
        tty = sys.stdout.isatty()
        with transaction.atomic():
            for done, case in enumerate(cases.iterator(chunk_size=500), start=1):
                before = [getattr(case, f) for f in FIELDS]
                intervals = [rules.Interval(s.start, s.end) for s in case.suspensions.all()]
                try:
                    later = [
                        d
                        for pk, d in violations.get(case.staff_id, [])
                        if pk != case.pk and d > case.violation_date
                    ]
                    services.case_compute(
                        case,
                        regimes=regimes,
                        suspensions=intervals,
                        calendar=calendar,
                        later_violations=later,
                    )
                except ValidationError as exc:
                    failed += 1
                    self.stderr.write(f"case #{case.pk}: {'; '.join(exc.messages)}")
                    continue
                if [getattr(case, f) for f in FIELDS] != before:
                    changed += 1
                    if not dry_run:
                        case.save(update_fields=[*FIELDS, "updated_at"])
                if tty and done % 200 == 0:
                    self.stdout.write(f"\r{done}/{total}", ending="")
            if dry_run:
                transaction.set_rollback(True)
        if tty:
            self.stdout.write("")
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} cases checked, {changed} {verb}, {failed} without a regime"
            )
        )
