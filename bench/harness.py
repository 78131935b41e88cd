"""The pure parts of the benchmark: timing, ratios, targets, table and markdown.

Nothing here touches Django or a database, so ``tests/bench`` can check it
without data. Every figure the suite reports is a ratio to a floor measured in
the same run on the same data: timings on a shared machine are noisy, ratios
much less so.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# The order cases are run and shown in; names are the contract of results.json.
CASE_NAMES = (
    "report_json",
    "report_xlsx",
    "export_xlsx",
    "export_csv",
    "api_list",
    "submissions",
    "import_roster",
    "reminders",
    "report_services",
    "import_dossiers",
)
# Cases whose work does not depend on the size of the data set (a file of
# fixed size imported, a fixed number of submissions): not run again at 2x, 4x.
FIXED_SIZE_CASES = ("submissions", "import_roster", "import_dossiers")
# The growth targets (issue 19): reports and lists no faster than linear in
# the size of the data set, exports linear in time and flat in memory.
GROWTH_LINEAR_CASES = ("report_json", "report_xlsx", "api_list", "report_services")
GROWTH_EXPORT_CASES = ("export_xlsx", "export_csv")
MAX_TIME_EXPONENT = 1.1
MAX_EXPORT_MEMORY_EXPONENT = 0.1
# A whole country against the benchmark province (50,000 staff, 105 communes,
# 2 million dossiers): 2 million staff is 40 provinces' worth, 3,300 communes
# about 31. The extrapolation uses the larger.
COUNTRY_SIZE = 40
RESULT_KEYS = ("name", "database", "seconds", "floor_seconds", "ratio", "peak_rss_mb", "queries")
NOT_AVAILABLE = "not available yet"


def best_of(runs: int, func: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``func`` ``runs`` times; return the fastest wall time and the last result.

    The minimum, not the mean: noise on a shared machine only ever adds time,
    so the fastest run is the best estimate of what the code costs.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    best = math.inf
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - started)
    return best, result


def ratio(seconds: float | None, floor_seconds: float | None) -> float | None:
    """How many times slower than its floor a case is (1.0 = as fast as the floor)."""
    if seconds is None or floor_seconds is None or floor_seconds <= 0:
        return None
    return round(seconds / floor_seconds, 3)


def make_result(name: str, database: str, **fields: Any) -> dict[str, Any]:
    """A results.json row: the keys of the issue first (None when not measured), extras after."""
    row: dict[str, Any] = {key: None for key in RESULT_KEYS}
    row.update(name=name, database=database)
    row.update(fields)
    if row.get("ratio") is None:
        row["ratio"] = ratio(row["seconds"], row["floor_seconds"])
    return row


def combine(name: str, database: str, phases: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One results.json row from the measurements of a case's phases.

    ``subject`` gives the case's own figures (and its ``extra`` dict is merged
    in), ``floor`` the floor, ``peer`` the peer library; any other phase ``p``
    lands as ``p_<key>`` fields (``small_rows``, ``small_rss_growth_mb``).
    """
    subject = phases["subject"]
    floor = phases.get("floor") or {}
    row = make_result(
        name,
        database,
        seconds=subject.get("seconds"),
        floor_seconds=floor.get("seconds"),
        cpu_seconds=subject.get("cpu_seconds"),
        peak_rss_mb=subject.get("peak_rss_mb"),
        queries=subject.get("queries"),
        rss_growth_mb=subject.get("rss_growth_mb"),
        runs=subject.get("runs"),
        rounds=subject.get("rounds", 1),
    )
    if floor:
        row.update(
            floor_peak_rss_mb=floor.get("peak_rss_mb"),
            floor_queries=floor.get("queries"),
            floor_cpu_seconds=floor.get("cpu_seconds"),
            cpu_ratio=ratio(subject.get("cpu_seconds"), floor.get("cpu_seconds")),
        )
        for key, value in (floor.get("extra") or {}).items():
            row[f"floor_{key}"] = value
    row.update(subject.get("extra") or {})
    peer = phases.get("peer")
    if peer:
        # The peer may have run on a subset; it names the phase that ran the same rows.
        compare_to = (peer.get("extra") or {}).get("compare_to", "subject")
        row.update(
            peer_seconds=peer.get("seconds"),
            peer_peak_rss_mb=peer.get("peak_rss_mb"),
            peer_speedup=ratio(peer.get("seconds"), phases[compare_to].get("seconds")),
        )
        for key, value in (peer.get("extra") or {}).items():
            if key != "compare_to":
                row[f"peer_{key}"] = value
    if "requests" in row and row["seconds"] and row["floor_seconds"]:
        # Same number of requests on both sides: the time ratio inverted is the throughput share.
        row["throughput_share"] = round(row["floor_seconds"] / row["seconds"], 3)
    if "first_page_ids" in row and "floor_first_page_ids" in row:
        row["floor_matches"] = row.pop("first_page_ids") == row.pop("floor_first_page_ids")
    if "total" in row and "floor_total" in row:
        row["floor_mismatches"] = mismatches(row.pop("total"), row.pop("floor_total"))
        row["floor_matches"] = not row["floor_mismatches"]
    for phase, measured in phases.items():
        if phase in ("subject", "floor", "peer"):
            continue
        for key, value in measured.items():
            if key == "extra":
                for extra_key, extra_value in value.items():
                    row[f"{phase}_{extra_key}"] = extra_value
            else:
                row[f"{phase}_{key}"] = value
    return row


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(_flatten(inner, f"{prefix}{key}."))
        return flat
    return {prefix.rstrip("."): value}


def mismatches(
    subject: dict[str, Any], floor: dict[str, Any], tolerance: float = 1e-6
) -> list[str]:
    """The metrics the floor computed that differ from the subject's (nested keys dotted).

    A floor that computes other figures would make its ratio meaningless, so
    the benchmark checks it on every run.
    """
    ours, theirs = _flatten(subject), _flatten(floor)
    differ = []
    for key, expected in theirs.items():
        got = ours.get(key)
        if expected is None or got is None:
            if expected != got:
                differ.append(key)
            continue
        try:
            if abs(float(got) - float(expected)) > tolerance * max(1.0, abs(float(expected))):
                differ.append(key)
        except (TypeError, ValueError):
            if got != expected:
                differ.append(key)
    return sorted(differ)


@dataclass(frozen=True)
class Check:
    """One target of the issue, judged on one database's results."""

    case: str
    database: str
    target: str
    met: bool | None  # None: the case did not run, so it cannot be judged
    measured: str


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _ran(row: dict[str, Any] | None) -> bool:
    return bool(row) and row.get("status", "ok") == "ok"


def evaluate(results: Sequence[dict[str, Any]]) -> list[Check]:
    """Judge every target of issue 9 on every database present in ``results``."""
    databases = list(dict.fromkeys(r["database"] for r in results))
    by_key = {(r["name"], r["database"]): r for r in results}
    checks: list[Check] = []

    def add(case, db, target, judge: Callable[[dict[str, Any]], tuple[bool, str]]):
        row = by_key.get((case, db))
        if not _ran(row):
            status = row.get("status", NOT_AVAILABLE) if row else NOT_AVAILABLE
            checks.append(Check(case, db, target, None, status))
            return
        met, measured = judge(row)
        checks.append(Check(case, db, target, met, measured))

    def within(limit):
        def judge(row):
            r, cpu = row.get("ratio"), row.get("cpu_ratio")
            return (r is not None and r <= limit), f"ratio {_fmt(r)}" + (
                f" (CPU time {_fmt(cpu)})" if cpu is not None else ""
            )

        return judge

    for db in databases:
        add("report_json", db, "within 1.2x of the hand-written SQL floor", within(1.2))
        add("report_xlsx", db, "within 1.2x of the hand-written SQL floor", within(1.2))
        add("export_xlsx", db, "within 1.2x of the raw-XML floor", within(1.2))

        def third_of_xlsxwriter(row):
            seconds, library = row.get("seconds"), row.get("xlsxwriter_seconds")
            share = None if not seconds or not library else seconds / library
            cpu, library_cpu = row.get("cpu_seconds"), row.get("xlsxwriter_cpu_seconds")
            cpu_share = f" (CPU time {cpu / library_cpu:.2f}x)" if cpu and library_cpu else ""
            return (
                share is not None and share <= 1 / 3
            ), f"{_fmt(share)}x bare xlsxwriter's time{cpu_share}"

        add("export_xlsx", db, "at most a third of bare xlsxwriter's time", third_of_xlsxwriter)
        add(
            "export_xlsx",
            db,
            "peak memory under 150 MB",
            lambda row: (
                (row.get("peak_rss_mb") or math.inf) < 150,
                f"{_fmt(row.get('peak_rss_mb'), 0)} MB",
            ),
        )
        add(
            "export_xlsx",
            db,
            "peak memory under 150 MB at 4x the rows",
            lambda row: (
                (row.get("x4_peak_rss_mb") or math.inf) < 150,
                f"{_fmt(row.get('x4_peak_rss_mb'), 0)} MB",
            ),
        )

        def peer(row):
            speedup = row.get("peer_speedup")
            return (speedup is not None and speedup >= 4), f"{_fmt(speedup, 1)}x faster"

        add("export_xlsx", db, "at least 4x faster than django-import-export", peer)

        def fixed_queries(row):
            per_request = row.get("queries_by_filter") or {}
            counts = set(per_request.values()) | {row.get("queries")}
            fixed = len(counts) == 1 and None not in counts
            return fixed, f"{row.get('queries')} queries per request" + (
                "" if fixed else f" (varies: {sorted(c for c in counts if c is not None)})"
            )

        add("api_list", db, "a fixed number of queries per request", fixed_queries)

        def throughput(row):
            share = row.get("throughput_share")
            return (share is not None and share >= 0.6), f"{_fmt(share)}x the bare view"

        add("api_list", db, "at least 0.6x the bare view's throughput", throughput)

        def submissions(row):
            ok = (
                row.get("failures") == 0
                and row.get("sent") is not None
                and row.get("stored") == row.get("sent")
            )
            return (
                ok,
                f"{row.get('failures')} failures, {row.get('stored')}/{row.get('sent')} stored",
            )

        add("submissions", db, "0 failures and every row stored", submissions)

        def bounded(row):
            growth = row.get("small_rss_growth_mb"), row.get("rss_growth_mb")
            # Memory is bounded when a 5x larger file does not need much more:
            # per-row state would grow it in proportion to the rows.
            ok = None not in growth and growth[1] <= max(2.0 * growth[0], growth[0] + 50)
            return (
                ok,
                f"growth {_fmt(growth[0], 0)} MB at {row.get('small_rows')} rows, "
                f"{_fmt(growth[1], 0)} MB at {row.get('rows')} rows",
            )

        add("import_roster", db, "bounded memory", bounded)

        def per_row(row):
            queries, rows = row.get("queries"), row.get("rows")
            ok = queries is not None and bool(rows) and queries * 10 <= rows
            return ok, f"{queries} queries for {rows} rows"

        add("import_roster", db, "no query per row", per_row)

        add("reminders", db, "within 2x of the bare smtplib loop", within(2.0))

        def reminder_queries(row):
            small, large = row.get("small_collect_queries"), row.get("collect_queries")
            ok = small is not None and small == large
            return ok, (
                f"send_reminders: {large} queries for {row.get('items')} items, {small} for "
                f"{row.get('small_items')}; sending: {row.get('send_queries')} for "
                f"{row.get('mails')} mails"
            )

        add(
            "reminders",
            db,
            "a fixed number of queries whatever the number of items",
            reminder_queries,
        )

        add("report_services", db, "within 1.2x of the hand-written SQL floor", within(1.2))
        add("import_dossiers", db, "bounded memory", bounded)
        add("import_dossiers", db, "no query per row", per_row)
    return checks


TABLE_COLUMNS = (
    ("case", "name", None),
    ("database", "database", None),
    ("seconds", "seconds", 3),
    ("floor s", "floor_seconds", 3),
    ("ratio", "ratio", 2),
    ("peak RSS MB", "peak_rss_mb", 0),
    ("queries", "queries", None),
    ("notes", "notes", None),
)


def _cells(row: dict[str, Any]) -> list[str]:
    cells = []
    for _title, key, digits in TABLE_COLUMNS:
        if key == "notes":
            cells.append(row_notes(row))
        else:
            cells.append(_fmt(row.get(key), digits) if digits is not None else _fmt(row.get(key)))
    return cells


def row_notes(row: dict[str, Any]) -> str:
    """The case-specific figures of a row, in one short line."""
    if not _ran(row):
        reason = row.get("reason")
        return row.get("status", NOT_AVAILABLE) + (f": {reason}" if reason else "")
    notes = []
    if row.get("size", 1) != 1:
        notes.append(f"{row['size']}x the province, waiting for a 1x row to fold into")
    if row.get("rows") is not None:
        notes.append(f"{row['rows']:,} rows")
    if row.get("peer_seconds") is not None:
        on = f" on {row['peer_rows']:,} rows" if row.get("peer_rows") else ""
        notes.append(
            f"django-import-export {row['peer_seconds']:.1f}s{on}, "
            f"{_fmt(row.get('peer_speedup'), 1)}x the API's time"
        )
    if row.get("throughput_share") is not None:
        notes.append(f"{_fmt(row['throughput_share'])}x bare view req/s")
    if row.get("requests_per_second") is not None:
        notes.append(f"{row['requests_per_second']:.0f} req/s")
    if row.get("sent") is not None:
        notes.append(f"sent {row['sent']}, stored {row['stored']}, failures {row['failures']}")
    if row.get("rss_growth_mb") is not None:
        notes.append(f"RSS +{row['rss_growth_mb']:.0f} MB")
    if row.get("floor_matches") is False:
        notes.append("floor figures differ from the report's")
    if row.get("note"):
        notes.append(row["note"])
    return "; ".join(notes)


def render_table(results: Iterable[dict[str, Any]]) -> str:
    """A fixed-width table for the terminal."""
    header = [title for title, _key, _digits in TABLE_COLUMNS]
    rows = [_cells(r) for r in results]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    # The notes column is last and may be long: do not pad it.
    widths[-1] = 0
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * max(w, len(h)) for h, w in zip(header, widths, strict=True)))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(_md_escape(h) for h in header) + " |"]
    lines.append("|" + "|".join(" --- " for _ in header) + "|")
    lines += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render_results_markdown(results: Sequence[dict[str, Any]]) -> str:
    return render_markdown_table([t for t, _k, _d in TABLE_COLUMNS], (_cells(r) for r in results))


def render_checks_markdown(checks: Sequence[Check]) -> str:
    def verdict(check: Check) -> str:
        return {True: "met", False: "**not met**", None: "not run"}[check.met]

    return render_markdown_table(
        ["case", "database", "target", "measured", "verdict"],
        ((c.case, c.database, c.target, c.measured, verdict(c)) for c in checks),
    )


def render_machine_markdown(machine: dict[str, Any]) -> str:
    return render_markdown_table(["", ""], ((str(k), _fmt(v)) for k, v in machine.items()))


# --- growth with the size of the data set (issue 19) ---------------------------------


def parse_scales(text: str) -> list[int]:
    """``"1,2,4"`` -> ``[1, 2, 4]``: distinct whole sizes from 1, increasing.

    Without 1 (``"2"``), the larger sizes are measured alone and folded into
    the 1x rows an earlier run left in results.json.
    """
    try:
        scales = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError(
            f"--scales takes whole numbers separated by commas, not {text!r}"
        ) from None
    if not scales or scales[0] < 1 or any(b <= a for a, b in itertools.pairwise(scales)):
        raise ValueError(f"--scales must be sizes from 1, increasing (e.g. 1,2,4), not {text!r}")
    return scales


def growth_exponent(sizes: Sequence[float], values: Sequence[float | None]) -> float | None:
    """The least-squares slope of log(value) against log(size), or None with fewer than 2 points.

    1.0 means the value grows in proportion to the data set, 0 that it stays
    flat, 2 that doubling the data quadruples it.
    """
    points = [(math.log(s), math.log(v)) for s, v in zip(sizes, values, strict=True) if v]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _y in points) / len(points)
    mean_y = sum(y for _x, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _y in points)
    if spread == 0:
        return None
    return round(sum((x - mean_x) * (y - mean_y) for x, y in points) / spread, 3)


def extrapolate(value: float | None, exponent: float | None, size: float) -> float | None:
    """``value`` measured at 1x, at ``size`` times the data set if it keeps growing as measured."""
    if value is None or exponent is None:
        return None
    return value * size**exponent


def attach_growth(results: Sequence[dict[str, Any]], measured: str | None = None) -> list[dict]:
    """Fold the rows of larger data sets (``size`` > 1) into their 1x row as ``growth``.

    ``growth`` holds the sizes, the subject's seconds, peak RSS and RSS growth
    at each, and the exponents of time and peak memory. The sizes a 1x row's
    earlier ``growth`` holds and this run did not measure again are kept.
    Without larger rows the results are returned as they are; larger rows
    without a 1x row yet are kept as they are, for a later run to fold.
    """
    larger: dict[tuple[str, str], list[dict]] = {}
    base = []
    for row in results:
        if row.get("size", 1) == 1:
            base.append(row)
        else:
            larger.setdefault((row["name"], row["database"]), []).append(row)
    for row in base:
        extra = larger.get((row["name"], row["database"]), [])
        if not extra:
            continue
        measured_now = {r["size"] for r in extra}
        extra = sorted(
            [*extra, *_earlier_points(row.get("growth"), measured_now)], key=lambda r: r["size"]
        )
        series = [row, *extra]
        sizes = [r.get("size", 1) for r in series]
        seconds = [r.get("seconds") if _ran(r) else None for r in series]
        cpu = [r.get("cpu_seconds") if _ran(r) else None for r in series]
        peaks = [r.get("peak_rss_mb") if _ran(r) else None for r in series]
        row["growth"] = {
            "sizes": sizes,
            "seconds": seconds,
            "peak_rss_mb": peaks,
            "rss_growth_mb": [r.get("rss_growth_mb") if _ran(r) else None for r in series],
            "cpu_seconds": cpu,
            "time_exponent": growth_exponent(sizes, seconds),
            "cpu_time_exponent": growth_exponent(sizes, cpu),
            "memory_exponent": growth_exponent(sizes, peaks),
            "measured": measured,
        }
        reasons = [f"x{r['size']}: {row_notes(r)}" for r in extra if not _ran(r)]
        if reasons:
            row["growth"]["not_measured"] = reasons
    folded = {(r["name"], r["database"]) for r in base}
    orphans = [r for key, rows in larger.items() if key not in folded for r in rows]
    return base + orphans


def _earlier_points(growth: dict | None, skip: set[int]) -> list[dict]:
    """The larger sizes an earlier ``growth`` measured, as rows, but those in ``skip``."""
    if not growth:
        return []
    points = []
    for i, size in enumerate(growth["sizes"]):
        if size == 1 or size in skip:
            continue
        point = {"size": size, "status": "ok"}
        for key in ("seconds", "cpu_seconds", "peak_rss_mb", "rss_growth_mb"):
            values = growth.get(key) or []
            point[key] = values[i] if i < len(values) else None
        if point["seconds"] is None:
            point["status"] = "failed"
        points.append(point)
    return points


def growth_checks(results: Sequence[dict[str, Any]]) -> list[Check]:
    """The growth targets, for the rows that carry growth figures."""
    checks = []
    for row in results:
        growth = row.get("growth")
        if not growth:
            continue
        name, db = row["name"], row["database"]
        time_k, memory_k = growth.get("time_exponent"), growth.get("memory_exponent")
        sizes = "/".join(f"{s}x" for s in growth["sizes"])
        if growth.get("not_judged"):  # e.g. measured on an overloaded machine: shown, not judged
            sizes += f"; not judged: {growth['not_judged']}"
        if name in GROWTH_LINEAR_CASES or name in GROWTH_EXPORT_CASES:
            checks.append(
                Check(
                    name,
                    db,
                    f"time grows no faster than linearly (exponent at most {MAX_TIME_EXPONENT})",
                    None
                    if time_k is None or growth.get("not_judged")
                    else time_k <= MAX_TIME_EXPONENT,
                    f"exponent {_fmt(time_k)} over {sizes}",
                )
            )
        if name in GROWTH_EXPORT_CASES:
            checks.append(
                Check(
                    name,
                    db,
                    f"peak memory flat (exponent at most {MAX_EXPORT_MEMORY_EXPONENT})",
                    None
                    if memory_k is None or growth.get("not_judged")
                    else memory_k <= MAX_EXPORT_MEMORY_EXPONENT,
                    f"exponent {_fmt(memory_k)} over {sizes}",
                )
            )
    return checks


def render_growth_markdown(results: Sequence[dict[str, Any]]) -> str:
    """The growth section of docs/BENCHMARKS.md, or "" when no run measured growth."""
    rows = [r for r in results if r.get("growth")]
    if not rows:
        return ""

    def series(values, digits):
        return " / ".join(_fmt(v, digits) for v in values)

    table = render_markdown_table(
        [
            "case",
            "database",
            "sizes",
            "seconds",
            "peak RSS MB",
            "time exponent",
            "CPU time exponent",
            "memory exponent",
            f"at {COUNTRY_SIZE}x: seconds",
            f"at {COUNTRY_SIZE}x: peak RSS MB",
        ],
        (
            (
                r["name"],
                r["database"],
                " / ".join(f"{s}x" for s in r["growth"]["sizes"]),
                series(r["growth"]["seconds"], 2),
                series(r["growth"]["peak_rss_mb"], 0),
                _fmt(r["growth"]["time_exponent"]),
                _fmt(r["growth"].get("cpu_time_exponent")),
                _fmt(r["growth"]["memory_exponent"]),
                _fmt(
                    extrapolate(
                        r["growth"]["seconds"][0], r["growth"]["time_exponent"], COUNTRY_SIZE
                    ),
                    0,
                ),
                _fmt(
                    extrapolate(
                        r["growth"]["peak_rss_mb"][0],
                        r["growth"]["memory_exponent"],
                        COUNTRY_SIZE,
                    ),
                    0,
                ),
            )
            for r in rows
        ),
    )
    checks = render_checks_markdown(growth_checks(results))
    return (
        "## Growth with the size of the data set (issue 19)\n\n"
        "Each case's subject on 1x, 2x and 4x the province (`make bench "
        'BENCH_ARGS="--scales 1,2,4"`, `seed_demo --scale province --size N`: N times the '
        "districts, staff, courses, enrolments, dossiers, inspections and feedback). "
        "The exponent is the least-squares slope of log(value) against log(size): 1 is "
        "linear, 0 flat; the CPU time is the benchmark process's own (on PostgreSQL the "
        "server's work is not in it), shown because wall time on a shared machine includes "
        "waiting for a core. Peak RSS includes the ~80 MB of Python and Django every process "
        f"starts with. The last two columns extrapolate to {COUNTRY_SIZE}x (a whole country: "
        "2 million staff) with the measured exponents.\n\n" + table + "\n\n" + checks
    )
