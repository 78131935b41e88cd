"""Each section of the report's SQL beside the floor's (best of N runs), on the benchmark database.

    DATABASE_URL=... python bench/report_sections.py [--runs 5]

Prints a Markdown table for docs/BENCHMARKS.md. The report's sections are
timed through ``reports.queries.report_rows``' progress callback, the
floor's through ``bench.report_sql.last_timings``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from bench import report_sql
    from bench.cases.report import report_year
    from reports import queries
    from reports.frames import Period
    from reports.report import top_unit

    year = report_year()
    today = timezone.localdate()
    root = top_unit()
    report_best: dict[str, float] = {}
    floor_best: dict[str, float] = {}
    for _ in range(args.runs):
        clock = {"at": time.perf_counter()}

        def step(name: str, clock=clock) -> None:
            now = time.perf_counter()
            report_best[name] = min(report_best.get(name, 1e9), now - clock["at"])
            clock["at"] = now

        queries.report_rows(root, Period.year(year), today=today, on_step=step)
        report_sql.own_counts(year, today)
        for name, seconds in report_sql.last_timings.items():
            floor_best[name] = min(floor_best.get(name, 1e9), seconds)
    print(f"{connection.vendor}, year {year}, best of {args.runs} runs (ms)\n")
    print("| section | report | floor | ratio |\n| --- | ---: | ---: | ---: |")
    total_r = total_f = 0.0
    for name in dict.fromkeys([*floor_best, *report_best]):
        r, f = report_best.get(name), floor_best.get(name)
        total_r += r or 0
        total_f += f or 0
        ratio = f"{r / f:.2f}" if r and f else "-"
        print(f"| {name} | {r * 1000 if r else 0:.1f} | {f * 1000 if f else 0:.1f} | {ratio} |")
    print(
        f"| **all** | **{total_r * 1000:.1f}** | **{total_f * 1000:.1f}** | "
        f"**{total_r / total_f:.2f}** |"
    )


if __name__ == "__main__":
    main()
