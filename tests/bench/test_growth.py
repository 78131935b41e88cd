"""The growth runs (issue 19): sizes, exponents, folding, targets, the seeders' size. Nothing is
timed."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from bench import databases, harness, run


def test_scales_start_at_one_and_increase():
    assert harness.parse_scales("1,2,4") == [1, 2, 4]
    assert harness.parse_scales("1") == [1]
    assert harness.parse_scales("2,4") == [2, 4]  # folded into the last run's 1x rows
    for bad in ("0,1", "1,4,2", "1,1", "1,x", ""):
        with pytest.raises(ValueError):
            harness.parse_scales(bad)


def test_growth_exponent_is_the_slope_of_log_value_against_log_size():
    assert harness.growth_exponent([1, 2, 4], [3.0, 6.0, 12.0]) == 1.0
    assert harness.growth_exponent([1, 2, 4], [80.0, 80.0, 80.0]) == 0.0
    assert harness.growth_exponent([1, 2, 4], [1.0, 4.0, 16.0]) == 2.0
    assert harness.growth_exponent([1, 2], [10.0, 15.0]) == pytest.approx(0.585, abs=1e-3)
    # least squares over three points, not the two ends
    assert harness.growth_exponent([1, 2, 4], [1.0, 3.0, 4.0]) == pytest.approx(1.0, abs=1e-3)
    # a missing measurement leaves the others; one point is no slope
    assert harness.growth_exponent([1, 2, 4], [2.0, None, 8.0]) == 1.0
    assert harness.growth_exponent([1, 2], [2.0, None]) is None


def test_extrapolation_follows_the_exponent():
    assert harness.extrapolate(2.0, 1.0, 40) == 80.0
    assert harness.extrapolate(100.0, 0.0, 40) == 100.0
    assert harness.extrapolate(1.0, 2.0, 40) == 1600.0
    assert harness.extrapolate(None, 1.0, 40) is None


def _row(name, size, seconds, peak, **extra):
    row = harness.make_result(name, "sqlite", seconds=seconds, peak_rss_mb=peak, **extra)
    row["status"] = "ok"
    if size != 1:
        row["size"] = size
    return row


def test_larger_rows_fold_into_the_one_x_row():
    rows = [
        _row("report_json", 1, 1.0, 100.0, floor_seconds=0.9),
        _row("report_json", 2, 2.0, 110.0),
        _row("report_json", 4, 4.0, 120.0),
        _row("api_list", 1, 3.0, 130.0),
        harness.make_result("api_list", "sqlite", size=2, status="failed", reason="boom"),
        _row("submissions", 1, 9.0, 80.0),
    ]
    folded = harness.attach_growth(rows, measured="today")
    assert [r["name"] for r in folded] == ["report_json", "api_list", "submissions"]
    growth = folded[0]["growth"]
    assert growth["sizes"] == [1, 2, 4]
    assert growth["seconds"] == [1.0, 2.0, 4.0]
    assert growth["peak_rss_mb"] == [100.0, 110.0, 120.0]
    assert growth["time_exponent"] == 1.0
    assert 0 < growth["memory_exponent"] < 0.2
    assert growth["measured"] == "today"
    assert folded[1]["growth"]["seconds"] == [3.0, None]
    assert folded[1]["growth"]["time_exponent"] is None
    assert folded[1]["growth"]["not_measured"] == ["x2: failed: boom"]
    assert "growth" not in folded[2]


def test_growth_targets_linear_reports_and_flat_exports():
    rows = harness.attach_growth(
        [
            _row("report_json", 1, 1.0, 100.0),
            _row("report_json", 4, 4.3, 100.0),  # exponent 1.05: met
            _row("api_list", 1, 1.0, 100.0),
            _row("api_list", 4, 8.0, 100.0),  # exponent 1.5: not met
            _row("export_xlsx", 1, 10.0, 140.0),
            _row("export_xlsx", 4, 40.0, 200.0),  # time linear, memory grows: not flat
        ]
    )
    checks = {(c.case, c.target.split(" (")[0]): c for c in harness.growth_checks(rows)}
    assert checks[("report_json", "time grows no faster than linearly")].met is True
    assert checks[("api_list", "time grows no faster than linearly")].met is False
    assert checks[("api_list", "time grows no faster than linearly")].measured == (
        "exponent 1.50 over 1x/4x"
    )
    assert checks[("export_xlsx", "time grows no faster than linearly")].met is True
    assert checks[("export_xlsx", "peak memory flat")].met is False
    assert ("report_json", "peak memory flat") not in checks
    markdown = harness.render_growth_markdown(rows)
    assert markdown.startswith("## Growth with the size of the data set")
    # 10 s at 1x with exponent 1.0 -> 400 s at 40x; 140 MB with exponent 0.25 -> 352 MB
    assert (
        "| export_xlsx | sqlite | 1x / 4x | 10.00 / 40.00 | 140 / 200 | 1.00 | - | 0.26 | 400 |"
        in (markdown)
    )
    assert "**not met**" in markdown
    assert harness.render_growth_markdown([_row("report_json", 1, 1.0, 100.0)]) == ""


def test_each_size_has_its_own_database_and_fingerprint(monkeypatch):
    assert databases.sqlite_database().sqlite_path == databases.SQLITE_PATH
    four = databases.sqlite_database(4)
    assert four.sqlite_path.name == "congvu_bench_x4.sqlite3"
    assert four.size == 4 and four.label == "sqlite"
    pg = databases.postgres_database({"DATABASE_URL": "postgres://u@h:5/app"}, size=2)
    assert pg.url == "postgres://u@h:5/congvu_bench_x2" and pg.label == "postgresql"
    prints = {databases.fingerprint(2019, size) for size in (1, 2, 4)}
    assert len(prints) == 3
    assert databases.fingerprint(2019) == databases.fingerprint(2019, 1)


def test_a_one_x_run_keeps_the_growth_an_earlier_scaled_run_measured(tmp_path, monkeypatch):
    for name in ("RESULTS", "DOC", "RUN_INFO", "NOTES"):
        monkeypatch.setattr(run, name, tmp_path / name)
    info = {"date": "then"}
    scaled = [_row("report_json", 1, 1.0, 100.0), _row("report_json", 2, 2.2, 100.0)]
    run.write_outputs(scaled, info, 1.0, partial=True)
    saved = json.loads((tmp_path / "RESULTS").read_text())
    assert saved[0]["growth"]["time_exponent"] == pytest.approx(1.138, abs=1e-3)
    assert "## Growth with the size of the data set" in (tmp_path / "DOC").read_text()

    run.write_outputs([_row("report_json", 1, 0.9, 100.0)], {"date": "now"}, 1.0, partial=True)
    saved = json.loads((tmp_path / "RESULTS").read_text())
    assert saved[0]["seconds"] == 0.9
    assert saved[0]["growth"]["measured"] == "then"


SEEDERS = {
    "staff.demo": {"districts": 45, "staff_total": 150_000},
    "training.demo": {"courses": 6_000, "enrolments": 1_500_000},
    "reform.demo": {"dossiers": 6_000_000},
    "inspections.casework.demo": {"findings_total": 300_000},
    "inspections.feedback.demo": {"total": 150_000},
}


@pytest.mark.django_db
def test_seed_demo_size_multiplies_every_province_seeder(monkeypatch):
    import importlib

    calls = {}
    for module_name in SEEDERS:
        module = importlib.import_module(module_name)

        def fake(rng, stdout, _name=module_name, **kwargs):
            calls[_name] = kwargs

        monkeypatch.setattr(module, "_seed_province", fake)
    call_command("seed_demo", "--scale", "province", "--size", "3", stdout=io.StringIO())
    assert calls == SEEDERS


@pytest.mark.django_db
def test_seed_demo_size_refused_outside_the_province():
    with pytest.raises(CommandError, match="--scale province only"):
        call_command("seed_demo", "--size", "2", stdout=io.StringIO())
    with pytest.raises(CommandError, match="at least 1"):
        call_command("seed_demo", "--scale", "province", "--size", "0", stdout=io.StringIO())


def test_cpu_time_is_reported_beside_wall_time():
    from bench.cases.common import timed

    measured = timed(2, lambda: sum(range(200_000)))
    assert 0 < measured["cpu_seconds"] <= measured["seconds"] * 1.5
    phases = {
        "subject": {"seconds": 24.0, "cpu_seconds": 12.0},
        "floor": {"seconds": 20.0, "cpu_seconds": 11.0},
        "xlsxwriter": {"seconds": 58.0, "cpu_seconds": 48.0},
    }
    row = harness.combine("export_xlsx", "sqlite", phases)
    row["status"] = "ok"
    assert row["cpu_seconds"] == 12.0 and row["floor_cpu_seconds"] == 11.0
    assert row["cpu_ratio"] == round(12 / 11, 3)
    assert row["xlsxwriter_cpu_seconds"] == 48.0
    measured = {c.target: c.measured for c in harness.evaluate([row]) if c.case == "export_xlsx"}
    assert measured["within 1.2x of the raw-XML floor"] == "ratio 1.20 (CPU time 1.09)"
    assert measured["at most a third of bare xlsxwriter's time"] == (
        "0.41x bare xlsxwriter's time (CPU time 0.25x)"
    )
    larger = _row("export_xlsx", 2, 48.0, 140.0, cpu_seconds=24.0)
    grown = harness.attach_growth([row, larger])[0]["growth"]
    assert grown["cpu_seconds"] == [12.0, 24.0]
    assert grown["cpu_time_exponent"] == 1.0


def test_larger_sizes_run_alone_fold_into_the_last_runs_one_x_rows(tmp_path, monkeypatch):
    for name in ("RESULTS", "DOC", "RUN_INFO", "NOTES"):
        monkeypatch.setattr(run, name, tmp_path / name)
    run.write_outputs([_row("export_csv", 1, 5.0, 130.0)], {"date": "first"}, 1.0, partial=True)
    run.write_outputs([_row("export_csv", 4, 20.0, 130.0)], {"date": "second"}, 1.0, partial=True)
    run.write_outputs([_row("export_csv", 2, 10.0, 130.0)], {"date": "third"}, 1.0, partial=True)
    (row,) = json.loads((tmp_path / "RESULTS").read_text())
    assert row["seconds"] == 5.0 and "size" not in row
    assert row["growth"]["sizes"] == [1, 2, 4]
    assert row["growth"]["seconds"] == [5.0, 10.0, 20.0]
    assert row["growth"]["time_exponent"] == 1.0
    assert row["growth"]["memory_exponent"] == 0.0
    assert row["growth"]["measured"] == "third"


def _fake_worker(calls):
    def worker(db, args, timeout, env=None):
        if args == ["--check"]:
            return {
                name: {
                    "unavailable": None,
                    "phases": ["subject", "floor", "xlsxwriter", "x4"],
                    "timeout": 10,
                    "rounds": 2,
                }
                for name in ("export_xlsx", "import_roster")
            }
        calls.append((db.size, *args))
        return {"seconds": 1.0 * db.size, "cpu_seconds": 0.5, "peak_rss_mb": 90.0, "queries": 3}

    return worker


def test_phases_option_runs_those_phases_once_and_larger_sizes_run_subjects_only(monkeypatch):
    calls = []
    monkeypatch.setattr(run, "worker", _fake_worker(calls))
    monkeypatch.setattr(run.databases, "prepare", lambda db, seed, **kw: {"seed_seconds": 1.0})
    rows = run.run_database(
        databases.sqlite_database(), ["export_xlsx"], 2019, False, float("inf"), ["floor", "x4"]
    )
    assert calls == [
        (1, "export_xlsx", "subject"),
        (1, "export_xlsx", "floor"),
        (1, "export_xlsx", "x4"),
    ]
    assert rows[-1]["status"] == "ok" and rows[-1]["x4_peak_rss_mb"] == 90.0

    calls.clear()
    rows = run.run_database(
        databases.sqlite_database(2), ["export_xlsx", "import_roster"], 2019, False, float("inf")
    )
    # two rounds of the subject; import_roster's file does not grow with the data set
    assert calls == [(2, "export_xlsx", "subject"), (2, "export_xlsx", "subject")]
    (measured,) = [r for r in rows if r["name"] != "seed"]
    assert measured["size"] == 2 and measured["seconds"] == 2.0


def test_a_larger_row_waits_for_its_one_x_row(tmp_path, monkeypatch):
    for name in ("RESULTS", "DOC", "RUN_INFO", "NOTES"):
        monkeypatch.setattr(run, name, tmp_path / name)
    run.write_outputs([_row("api_list", 2, 4.0, 130.0)], {"date": "a"}, 1.0, partial=True)
    (orphan,) = json.loads((tmp_path / "RESULTS").read_text())
    assert orphan["size"] == 2
    assert "waiting for a 1x row" in harness.row_notes(orphan)
    run.write_outputs([_row("api_list", 1, 2.0, 130.0)], {"date": "b"}, 1.0, partial=True)
    (row,) = json.loads((tmp_path / "RESULTS").read_text())
    assert row["growth"]["seconds"] == [2.0, 4.0]


def test_growth_marked_not_judged_is_shown_without_a_verdict():
    rows = harness.attach_growth([_row("api_list", 1, 9.0, 100.0), _row("api_list", 2, 3.0, 100.0)])
    rows[0]["growth"]["not_judged"] = "load average 20"
    (check,) = harness.growth_checks(rows)
    assert check.met is None
    assert check.measured == "exponent -1.58 over 1x/2x; not judged: load average 20"


def test_fingerprint_reads_code_not_layout(tmp_path):
    """Re-wrapping a seeder's lines or editing its comments keeps the seeded data; a change of code
    does not."""
    path = tmp_path / "demo.py"
    path.write_text("def seed(n):\n    return [i for i in range(n)]\n")
    before = databases._code_of(path)
    path.write_text(
        "# rows\ndef seed(n):\n    return [\n        i  # each\n        for i in range(n)\n    ]\n"
    )
    assert databases._code_of(path) == before
    path.write_text(
        'def seed(n):\n    """Rows,\n    re-wrapped."""\n    return [i for i in range(n)]\n'
    )
    assert databases._code_of(path) == before
    path.write_text("def seed(n):\n    return [i for i in range(n + 1)]\n")
    assert databases._code_of(path) != before
