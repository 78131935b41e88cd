"""``make bench``: the province-scale benchmark on SQLite and, when reachable, PostgreSQL.

For each database it builds (once per seed) a database of its own holding
``seed_demo --scale province``, then runs every case's phases (subject,
floor, peer) each in a fresh process (``bench/worker.py``), prints a table,
writes ``bench/results.json`` and ``docs/BENCHMARKS.md``. A case whose parts
of the project do not exist yet is listed as "not available yet".

    .venv/bin/python bench/run.py [--databases sqlite,postgresql] [--cases api_list,...]
                                  [--seed 2019] [--fresh] [--runs N] [--budget-minutes 25]
                                  [--scales 1,2,4] [--prepare-only]

``--scales 1,2,4`` then runs the subject of every case whose work grows with
the data set again on two and four times the province
(``seed_demo --size N``, a database per size) and writes the growth exponent
of its time and peak memory (the slope of log(value) against log(size)) into
the case's row of results.json (``growth``). The default run is 1x only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import databases, harness  # noqa: E402  (the path is set just above)
from bench.worker import MARK  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "BENCHMARKS.md"
NOTES = ROOT / "bench" / "NOTES.md"
RUN_INFO = ROOT / "bench" / "run_info.json"


def log(message: str) -> None:
    print(message, flush=True)


def worker(
    db: databases.BenchDatabase, args: list[str], timeout: float, env: dict | None = None
) -> dict:
    """Run ``bench.worker`` on ``db``; return its measurement or raise with its output."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args],
        cwd=ROOT,
        env=db.env(**(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        raise RuntimeError("\n".join(tail) or f"worker exited with {proc.returncode}")
    return json.loads(lines[-1][len(MARK) :])


def run_database(
    db,
    cases: list[str] | None,
    seed: int,
    fresh: bool,
    deadline: float,
    phases_wanted: list[str] | None = None,
) -> list[dict]:
    """Every case (every phase) on ``db``; on a database N times the province, the subjects only."""
    rows: list[dict] = []
    names = list(cases or harness.CASE_NAMES)
    if db.size != 1:
        names = [name for name in names if name not in harness.FIXED_SIZE_CASES]
    try:
        marker = databases.prepare(db, seed, fresh=fresh, log=log)
    except Exception as exc:
        log(f"[{db.label}] could not prepare the database: {exc}")
        return [
            harness.make_result(
                name,
                db.label,
                status="failed",
                size=db.size,
                reason=f"seeding failed: {str(exc)[-300:]}",
            )
            for name in names
        ]
    rows.append(
        {
            "name": "seed",
            "database": db.label,
            "seed": seed,
            "size": db.size,
            "seconds": marker.get("seed_seconds"),
            "output": marker.get("seed_output"),
        }
    )
    available = worker(db, ["--check"], timeout=120)
    if db.size != 1:
        return rows + run_subjects(db, names, available, deadline)
    for name in names:
        info = available.get(name)
        if info is None:
            rows.append(
                harness.make_result(
                    name, db.label, status=harness.NOT_AVAILABLE, reason="no such case yet"
                )
            )
            continue
        if info["unavailable"]:
            log(f"[{db.label}] {name}: not available yet ({info['unavailable']})")
            rows.append(
                harness.make_result(
                    name, db.label, status=harness.NOT_AVAILABLE, reason=info["unavailable"]
                )
            )
            continue
        if time.monotonic() > deadline:
            log(f"[{db.label}] {name}: skipped, the time budget is spent")
            rows.append(
                harness.make_result(name, db.label, status="skipped", reason="time budget spent")
            )
            continue
        phases: dict[str, dict] = {}
        started = time.monotonic()
        try:
            plan = list(info["phases"])
            for _round in range(1, info.get("rounds", 1)):
                plan += [phase for phase in info["phases"] if phase in ("subject", "floor")]
            if phases_wanted:  # --phases: these only, one round
                plan = [phase for phase in info["phases"] if phase in phases_wanted]
                plan = plan if "subject" in plan else ["subject", *plan]
            for phase in plan:
                log(f"[{db.label}] {name}: {phase} ...")
                measured = worker(db, [name, phase], timeout=info["timeout"])
                if phase not in phases or measured["seconds"] < phases[phase]["seconds"]:
                    if phase in phases:
                        measured["rounds"] = phases[phase].get("rounds", 1) + 1
                    phases[phase] = measured
                else:
                    phases[phase]["rounds"] = phases[phase].get("rounds", 1) + 1
            row = harness.combine(name, db.label, phases)
            row["status"] = "ok"
        except Exception as exc:  # one failing case must not lose the others' figures
            log(f"[{db.label}] {name}: FAILED\n{exc}")
            row = harness.make_result(
                name, db.label, status="failed", reason=str(exc).splitlines()[-1][:300]
            )
        row["wall_seconds"] = round(time.monotonic() - started, 1)
        log(
            f"[{db.label}] {name}: "
            f"{harness.row_notes(row) if row['status'] != 'ok' else _summary(row)}"
        )
        rows.append(row)
    return rows


def run_subjects(db, names: list[str], available: dict, deadline: float) -> list[dict]:
    """The subject phase of each case (in as many rounds as at 1x, the fastest kept) on a larger
    data set."""
    rows = []
    tag = f"{db.label} x{db.size}"
    for name in names:
        info = available.get(name)
        if info is None or info["unavailable"]:
            reason = "no such case yet" if info is None else info["unavailable"]
            rows.append(
                harness.make_result(
                    name, db.label, size=db.size, status=harness.NOT_AVAILABLE, reason=reason
                )
            )
            continue
        if time.monotonic() > deadline:
            log(f"[{tag}] {name}: skipped, the time budget is spent")
            rows.append(
                harness.make_result(
                    name, db.label, size=db.size, status="skipped", reason="time budget spent"
                )
            )
            continue
        started = time.monotonic()
        best = None
        try:
            for _round in range(info.get("rounds", 1)):
                log(f"[{tag}] {name}: subject ...")
                measured = worker(db, [name, "subject"], timeout=info["timeout"] * db.size)
                if best is None or measured["seconds"] < best["seconds"]:
                    best = measured
            row = harness.combine(name, db.label, {"subject": best})
            row["status"] = "ok"
        except Exception as exc:
            log(f"[{tag}] {name}: FAILED\n{exc}")
            row = harness.make_result(
                name, db.label, status="failed", reason=str(exc).splitlines()[-1][:300]
            )
        row["size"] = db.size
        row["wall_seconds"] = round(time.monotonic() - started, 1)
        log(
            f"[{tag}] {name}: "
            + (
                f"{row['seconds']:.3f}s, peak RSS {row['peak_rss_mb']} MB"
                if row["status"] == "ok"
                else harness.row_notes(row)
            )
        )
        rows.append(row)
    return rows


def _summary(row: dict) -> str:
    return (
        f"{row['seconds']:.3f}s vs floor {row['floor_seconds'] or 0:.3f}s, ratio {row['ratio']}, "
        f"peak RSS {row['peak_rss_mb']} MB, {row['queries']} queries ({row['wall_seconds']}s wall)"
    )


def machine(dbs: list[databases.BenchDatabase]) -> dict:
    """The machine the figures come from."""
    info: dict[str, object] = {}
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor() or platform.machine()
    info["CPU"] = cpu
    info["cores"] = os.cpu_count()
    try:
        kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        info["RAM"] = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        info["RAM"] = None
    info["OS"] = platform.platform()
    info["Python"] = platform.python_version()
    info["SQLite"] = sqlite3.sqlite_version
    from importlib.metadata import version

    for package in (
        "Django",
        "djangorestframework",
        "XlsxWriter",
        "django-import-export",
        "gunicorn",
    ):
        try:
            info[package] = version(package)
        except Exception:
            info[package] = None
    for db in dbs:
        if not db.is_sqlite:
            try:
                with databases._pg_connect(db.url) as conn:
                    info["PostgreSQL"] = conn.execute("SHOW server_version").fetchone()[0]
            except Exception as exc:
                info["PostgreSQL"] = f"unreachable ({exc.__class__.__name__})"
    info["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return info


def write_outputs(rows: list[dict], info: dict, elapsed: float, partial: bool) -> list[dict]:
    results = [r for r in rows if r["name"] != "seed"]
    seeds = [r for r in rows if r["name"] == "seed"]
    RUN_INFO.write_text(
        json.dumps(
            {"machine": info, "elapsed": round(elapsed, 1), "partial": partial, "seeds": seeds},
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    if partial and RESULTS.exists():
        # A partial run (some cases or databases) keeps the other rows of the last full run.
        earlier = json.loads(RESULTS.read_text())
        ran = {(x["name"], x["database"]) for x in results if x.get("size", 1) == 1}
        kept = [
            r for r in earlier if (r["name"], r["database"]) not in ran or r.get("size", 1) != 1
        ]
        # A 1x-only run keeps the growth measured by an earlier --scales run.
        growth = {(r["name"], r["database"]): r["growth"] for r in earlier if r.get("growth")}
        for row in results:
            if "growth" not in row and (row["name"], row["database"]) in growth:
                row["growth"] = growth[(row["name"], row["database"])]
        order = {name: i for i, name in enumerate(harness.CASE_NAMES)}
        results = sorted(
            kept + results,
            key=lambda r: (r["database"] != "sqlite", r["database"], order.get(r["name"], 99)),
        )
    # Rows of larger data sets fold into the 1x rows (this run's or the last one's).
    results = harness.attach_growth(results, measured=info.get("date"))
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    write_doc(results, info, elapsed, partial, seeds)
    return results


def write_doc(
    results: list[dict], info: dict, elapsed: float, partial: bool, seeds: list[dict]
) -> None:
    checks = harness.evaluate(results)
    notes = NOTES.read_text() if NOTES.exists() else ""
    seed_lines = [
        f"- {s['database']}: `seed_demo --scale province --seed {s['seed']}"
        + (f" --size {s['size']}" if s.get("size", 1) != 1 else "")
        + f"` took {s['seconds']}s"
        for s in seeds
    ]
    growth = harness.render_growth_markdown(results)
    DOC.write_text(
        "# Benchmarks at province scale\n\n"
        "Generated by `make bench` (`bench/run.py`); do not edit by hand: the prose comes from "
        "`bench/NOTES.md`, the figures from `bench/results.json`.\n\n"
        f"Last run: {info.get('date')}, {elapsed / 60:.1f} minutes in all"
        + (" (partial run: some rows are from an earlier run)" if partial else "")
        + ".\n\n"
        "## Machine\n\n"
        + harness.render_machine_markdown(info)
        + "\n\n"
        + ("## Data set\n\n" + "\n".join(seed_lines) + "\n\n" if seed_lines else "")
        + "## Results\n\n`ratio` = seconds / floor seconds (1.00 = as fast as the floor). "
        "`peak RSS MB` is the peak resident set size of the process that ran the subject "
        "(`resource.getrusage`), Django included.\n\n"
        + harness.render_results_markdown(results)
        + "\n\n"
        + (growth + "\n\n" if growth else "")
        + "## Targets of issue 9\n\n"
        + harness.render_checks_markdown(checks)
        + "\n\n"
        + notes
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--databases",
        help="comma separated: sqlite,postgresql (default: sqlite and any reachable PostgreSQL)",
    )
    parser.add_argument("--cases", help="comma separated case names (default: all)")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--fresh", action="store_true", help="rebuild and reseed the databases")
    parser.add_argument("--runs", type=int, help="override every case's number of timed runs")
    parser.add_argument(
        "--budget-minutes", type=float, default=25.0, help="skip remaining cases after this long"
    )
    parser.add_argument(
        "--phases",
        help="comma separated phases (subject is always run), in one round: e.g. subject,floor,x4",
    )
    parser.add_argument(
        "--scales",
        default="1",
        help="comma separated sizes of the data set, 1 first (e.g. 1,2,4): the growth runs",
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="build and seed the databases of every scale, then stop",
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite docs/BENCHMARKS.md from bench/results.json and bench/run_info.json",
    )
    args = parser.parse_args(argv)
    if args.render_only:
        run = json.loads(RUN_INFO.read_text())
        write_doc(
            json.loads(RESULTS.read_text()),
            run["machine"],
            run["elapsed"],
            run["partial"],
            run["seeds"],
        )
        print(f"wrote {DOC.relative_to(ROOT)}")
        return 0
    if args.runs:
        os.environ["BENCH_RUNS"] = str(args.runs)
    started = time.monotonic()
    deadline = started + args.budget_minutes * 60
    try:
        scales = harness.parse_scales(args.scales)
    except ValueError as exc:
        parser.error(str(exc))
    wanted = set(args.databases.split(",")) if args.databases else {"sqlite", "postgresql"}
    dbs = [databases.sqlite_database(size) for size in scales] if "sqlite" in wanted else []
    if "postgresql" in wanted:
        pgs = [databases.postgres_database(size=size) for size in scales]
        if pgs[0] is not None:
            dbs += pgs
        else:
            log("PostgreSQL: none at DATABASE_URL or 127.0.0.1:5432; running on SQLite only")
    if args.prepare_only:
        for db in dbs:
            databases.prepare(db, args.seed, fresh=args.fresh, log=log)
        return 0
    cases = args.cases.split(",") if args.cases else None
    rows: list[dict] = []
    for db in dbs:
        rows += run_database(
            db,
            cases,
            args.seed,
            args.fresh,
            deadline,
            args.phases.split(",") if args.phases else None,
        )
    elapsed = time.monotonic() - started
    # Without 1 in --scales the 1x rows are the last run's: keep them.
    partial = bool(args.cases) or bool(args.databases) or 1 not in scales or bool(args.phases)
    results = write_outputs(rows, machine(dbs), elapsed, partial)
    print()
    print(harness.render_table(results))
    print()
    for check in harness.evaluate(results):
        verdict = {True: "met", False: "NOT MET", None: "not run"}[check.met]
        print(f"{verdict:8} {check.database:11} {check.case:14} {check.target}: {check.measured}")
    print(
        f"\nbench: {elapsed / 60:.1f} min; wrote {RESULTS.relative_to(ROOT)} and "
        f"{DOC.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
