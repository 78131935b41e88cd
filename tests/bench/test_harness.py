"""The benchmark's pure parts: ratios, combining phases, targets, table and markdown. Nothing is
timed."""

import json

import pytest

from bench import harness
from bench.databases import BenchDatabase, postgres_database


def test_ratio_is_seconds_over_floor_and_none_without_a_floor():
    assert harness.ratio(3.0, 2.0) == 1.5
    assert harness.ratio(1.0, None) is None
    assert harness.ratio(None, 1.0) is None
    assert harness.ratio(1.0, 0.0) is None


def test_best_of_keeps_the_fastest_run_and_the_last_result():
    calls = []
    seconds, result = harness.best_of(3, lambda: calls.append(1) or len(calls))
    assert result == 3
    assert len(calls) == 3
    assert seconds >= 0
    with pytest.raises(ValueError):
        harness.best_of(0, lambda: None)


def test_make_result_has_every_key_of_the_issue_in_order():
    row = harness.make_result("api_list", "sqlite", seconds=2.0, floor_seconds=1.0)
    assert list(row)[:7] == list(harness.RESULT_KEYS)
    assert row["ratio"] == 2.0
    assert row["queries"] is None


def test_combine_merges_floor_peer_and_extra_phases():
    row = harness.combine(
        "export_xlsx",
        "postgresql",
        {
            "subject": {
                "seconds": 2.0,
                "queries": 3,
                "peak_rss_mb": 90.0,
                "rss_growth_mb": 5.0,
                "runs": 2,
                "extra": {"rows": 500_000},
            },
            "floor": {
                "seconds": 1.6,
                "queries": 1,
                "peak_rss_mb": 80.0,
                "extra": {"rows": 500_000},
            },
            "peer": {"seconds": 20.0, "peak_rss_mb": 900.0},
            "small": {"seconds": 0.5, "rss_growth_mb": 4.0, "extra": {"rows": 10_000}},
        },
    )
    assert row["ratio"] == 1.25
    assert row["peer_speedup"] == 10.0
    assert row["rows"] == 500_000
    assert row["floor_rows"] == 500_000
    assert row["small_rows"] == 10_000
    assert row["small_rss_growth_mb"] == 4.0
    assert row["floor_queries"] == 1
    json.dumps(row)


def test_combine_derives_throughput_share_and_checks_the_floor_returns_the_same_rows():
    row = harness.combine(
        "api_list",
        "sqlite",
        {
            "subject": {
                "seconds": 2.0,
                "queries": 5,
                "extra": {"requests": 100, "first_page_ids": [3, 2, 1]},
            },
            "floor": {"seconds": 1.5, "queries": 3, "extra": {"first_page_ids": [3, 2, 1]}},
        },
    )
    assert row["throughput_share"] == 0.75
    assert row["floor_matches"] is True
    assert "first_page_ids" not in row


def test_mismatches_compare_nested_totals_with_a_tolerance():
    subject = {
        "findings": 10,
        "by_level": {"central": 2, "province": 3},
        "rate": 0.5000000001,
        "none": None,
    }
    floor = {"findings": 10, "by_level": {"central": 2, "province": 4}, "rate": 0.5, "none": None}
    assert harness.mismatches(subject, floor) == ["by_level.province"]
    assert harness.mismatches(subject, {"missing": 1}) == ["missing"]


def _ok(name, db="sqlite", **fields):
    return harness.make_result(name, db, status="ok", **fields)


def test_evaluate_judges_each_target_and_leaves_missing_cases_unjudged():
    results = [
        _ok("report_json", seconds=1.1, floor_seconds=1.0),
        _ok("report_xlsx", seconds=1.5, floor_seconds=1.0),
        _ok(
            "export_xlsx",
            seconds=3.0,
            floor_seconds=2.7,
            xlsxwriter_seconds=10.0,
            peak_rss_mb=120.0,
            x4_peak_rss_mb=160.0,
            peer_speedup=5.0,
        ),
        _ok(
            "api_list",
            seconds=1.0,
            floor_seconds=0.7,
            queries=4,
            queries_by_filter={"a": 4, "b": 4},
            throughput_share=0.7,
        ),
        _ok("submissions", sent=100, stored=100, failures=0),
        _ok(
            "import_roster",
            queries=60,
            rows=50_000,
            rss_growth_mb=40.0,
            small_rss_growth_mb=30.0,
            small_rows=10_000,
        ),
    ]
    verdicts = {(c.case, c.target): c.met for c in harness.evaluate(results)}
    assert verdicts[("report_json", "within 1.2x of the hand-written SQL floor")] is True
    assert verdicts[("report_xlsx", "within 1.2x of the hand-written SQL floor")] is False
    assert verdicts[("export_xlsx", "within 1.2x of the raw-XML floor")] is True
    assert verdicts[("export_xlsx", "at most a third of bare xlsxwriter's time")] is True
    assert verdicts[("export_xlsx", "peak memory under 150 MB")] is True
    assert verdicts[("export_xlsx", "peak memory under 150 MB at 4x the rows")] is False
    assert verdicts[("export_xlsx", "at least 4x faster than django-import-export")] is True
    assert verdicts[("api_list", "a fixed number of queries per request")] is True
    assert verdicts[("api_list", "at least 0.6x the bare view's throughput")] is True
    assert verdicts[("submissions", "0 failures and every row stored")] is True
    assert verdicts[("import_roster", "bounded memory")] is True
    assert verdicts[("import_roster", "no query per row")] is True

    varying = [_ok("api_list", queries=4, queries_by_filter={"a": 4, "b": 5}, throughput_share=0.5)]
    checks = [c for c in harness.evaluate(varying) if c.case == "api_list"]
    assert [c.met for c in checks] == [False, False]
    missing = [c for c in harness.evaluate(varying) if c.case == "report_json"]
    assert missing[0].met is None


def test_submissions_fail_when_a_row_is_lost():
    results = [_ok("submissions", sent=100, stored=99, failures=0)]
    check = next(c for c in harness.evaluate(results) if c.case == "submissions")
    assert check.met is False
    assert "99/100" in check.measured


def test_table_and_markdown_show_every_row_and_escape_pipes():
    results = [
        _ok("report_json", seconds=1.5, floor_seconds=1.0, peak_rss_mb=101.4, queries=12),
        harness.make_result(
            "export_csv", "sqlite", status=harness.NOT_AVAILABLE, reason="model a|b missing"
        ),
    ]
    table = harness.render_table(results)
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["case", "database", "seconds"]
    assert "1.500" in lines[2] and "1.50" in lines[2] and "101" in lines[2]
    assert "not available yet: model a|b missing" in lines[3]

    markdown = harness.render_results_markdown(results)
    md_lines = markdown.splitlines()
    assert md_lines[0].startswith("| case | database |")
    assert md_lines[1].count("---") == len(harness.TABLE_COLUMNS)
    assert "a\\|b" in md_lines[3]
    assert all(line.count(" | ") >= len(harness.TABLE_COLUMNS) - 1 for line in md_lines[2:])

    checks = harness.render_checks_markdown(harness.evaluate(results))
    assert (
        "| report_json | sqlite | within 1.2x of the hand-written SQL floor | ratio 1.50 | "
        "**not met** |" in checks
    )
    assert "not run" in checks


def test_benchmark_uses_its_own_postgres_database_never_the_configured_one():
    db = postgres_database(
        {"DATABASE_URL": "postgres://user:pw@db.example:6543/congvu?sslmode=require"}
    )
    assert db == BenchDatabase("postgresql", "postgres://user:pw@db.example:6543/congvu_bench")
    env = db.env()
    assert env["DATABASE_URL"].endswith("/congvu_bench")
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings"
    assert env["DJANGO_HTTPS"] == "0"
    assert env["DJANGO_SECRET_KEY"]
