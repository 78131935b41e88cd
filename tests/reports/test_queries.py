"""Each metric on small hand-made data, worked out by hand; roll-up; query count; SQLite plan."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import queries
from reports.frames import Period
from reports.render import to_json
from reports.report import build_report
from tests.factories import UnitFactory
from tests.reports import data
from tests.reports.data import D

pytestmark = pytest.mark.django_db

Y2019 = Period.year(2019)
TODAY = D(2026, 1, 15)


def report(tree, root="P", period=Y2019, today=TODAY):
    return to_json(build_report(tree[root], period, today=today))


def metrics(tree, code, **kwargs):
    body = report(tree, **kwargs)
    return {u["code"]: u for u in body["units"]}[code]["metrics"]


def test_staff_count_counts_staff_employed_during_the_period(tree):
    data.staff(tree["A"], 3)
    data.staff(tree["A"], 1, joined_on=D(2020, 1, 1))  # joined after
    data.staff(
        tree["A"], 1, joined_on=D(2015, 1, 1), left_on=D(2018, 12, 31), status="left"
    )  # left before
    data.staff(
        tree["A"], 1, joined_on=D(2015, 1, 1), left_on=D(2019, 6, 30), status="left"
    )  # left during
    assert metrics(tree, "A")["staff_count"] == 3 + 1


def test_inspections_count_those_starting_in_the_period(tree):
    data.inspection(tree["A"], start=D(2019, 1, 1))
    data.inspection(tree["A"], start=D(2019, 12, 31))
    data.inspection(tree["A"], start=D(2018, 12, 31))
    assert metrics(tree, "A")["inspections"] == 2


def test_findings_and_findings_by_severity(tree):
    data.finding(tree["A"], severity="minor")
    data.finding(tree["A"], severity="minor")
    data.finding(tree["A"], severity="serious")
    data.finding(tree["A"], severity="extremely_serious", found_on=D(2020, 1, 1))  # next year
    data.finding(tree["A"], severity="serious", substantiated=False)  # not a violation after all
    m = metrics(tree, "A")
    assert m["findings"] == 3
    assert m["findings_by_severity"] == {
        "minor": 2,
        "serious": 1,
        "very_serious": 0,
        "extremely_serious": 0,
    }


def test_corrective_actions_open_and_overdue(tree):
    a = tree["A"]
    data.action(a, due=D(2019, 3, 1), status="done", done_on=D(2019, 2, 20))  # on time
    data.action(a, due=D(2019, 3, 1), status="verified", done_on=D(2019, 3, 10))  # late, done
    data.action(a, due=D(2019, 6, 1))  # open, overdue
    data.action(a, due=D(2019, 12, 31))  # open, due on the last day
    data.action(
        a, due=D(2019, 9, 1), status="done", done_on=D(2020, 2, 1)
    )  # open at year end, overdue
    data.action(a, due=D(2020, 3, 1))  # not in 2019
    m = metrics(tree, "A")
    assert m["corrective_actions"] == 5
    assert m["corrective_actions_open"] == 3
    assert m["corrective_actions_overdue"] == 2
    assert m["corrective_actions_on_time"] == 1
    assert m["corrective_actions_on_time_rate"] == pytest.approx(1 / 5)


def test_open_corrective_actions_are_judged_on_today_while_the_period_runs(tree):
    data.action(tree["A"], due=D(2019, 3, 1))
    data.action(tree["A"], due=D(2019, 9, 1))
    m = metrics(tree, "A", today=D(2019, 6, 1))
    assert m["corrective_actions_open"] == 2
    assert m["corrective_actions_overdue"] == 1
    assert m["corrective_actions_due"] == 1  # the September one is not due yet


def test_discipline_cases_decisions_by_form_and_overdue(tree):
    a = tree["A"]
    data.case(
        a,
        opened_on=D(2019, 2, 1),
        status="decided",
        decision_form="khien_trach",
        decision_date=D(2019, 3, 1),
        handling_deadline=D(2019, 4, 1),
    )  # decided in time
    data.case(
        a,
        opened_on=D(2019, 2, 1),
        status="decided",
        decision_form="canh_cao",
        decision_date=D(2019, 6, 1),
        handling_deadline=D(2019, 4, 1),
    )  # decided late
    data.case(
        a, opened_on=D(2019, 10, 1), status="council", handling_deadline=D(2019, 12, 1)
    )  # open, late
    data.case(
        a,
        opened_on=D(2018, 11, 1),
        status="decided",
        decision_form="khien_trach",
        decision_date=D(2019, 1, 10),
        handling_deadline=D(2019, 1, 1),
    )  # opened in 2018
    data.case(
        a, opened_on=D(2019, 5, 1), status="closed_no_action", handling_deadline=D(2019, 6, 1)
    )
    m = metrics(tree, "A")
    assert m["discipline_cases"] == 4
    assert m["discipline_decisions_by_form"] == {
        "khien_trach": 2,
        "canh_cao": 1,
        "ha_bac_luong": 0,
        "giang_chuc": 0,
        "cach_chuc": 0,
        "buoc_thoi_viec": 0,
        "bai_nhiem": 0,
    }
    assert m["discipline_overdue"] == 2


def test_feedback_received_substantiated_and_on_time_rate(tree):
    a = tree["A"]
    data.feedback(
        a, response_due=D(2019, 4, 22), resolved_on=D(2019, 4, 20), substantiated=True
    )  # on time
    data.feedback(
        a, response_due=D(2019, 4, 22), resolved_on=D(2019, 4, 25), substantiated=False
    )  # late
    data.feedback(a, response_due=D(2019, 4, 22), resolved_on=None)  # unanswered, past due
    data.feedback(a, response_due=None, is_formal=False)  # reference information: no deadline
    data.feedback(
        a, received_on=D(2018, 12, 1), response_due=D(2018, 12, 20), resolved_on=D(2018, 12, 2)
    )
    m = metrics(tree, "A")
    assert m["feedback_received"] == 4
    assert m["feedback_substantiated"] == 1
    assert m["feedback_due"] == 3
    assert m["feedback_resolved_on_time"] == 1
    assert m["feedback_resolved_on_time_rate"] == pytest.approx(1 / 3)


def test_feedback_rate_is_null_without_feedback(tree):
    assert metrics(tree, "A")["feedback_resolved_on_time_rate"] is None


def test_training_turns_by_organiser_level_and_hours(tree):
    a, b = tree["A"], tree["B"]
    people = data.staff(a, 3)
    province = data.course("province", hours="30")
    district = data.course("district", hours="8")
    old = data.course("province", start=D(2018, 5, 1))
    data.turn(people[0], province)
    data.turn(people[1], province, status="attended")
    data.turn(people[2], province, status="no_show")  # not a turn
    data.turn(people[0], district)
    data.turn(people[0], old)
    data.turn(people[1], district, unit=b)  # counted where the person was at enrolment
    m = metrics(tree, "A")
    assert m["training_turns"] == 3
    assert m["training_turns_by_organizer_level"] == {
        "central": 0,
        "province": 2,
        "district": 1,
        "commune": 0,
    }
    assert m["training_hours"] == pytest.approx(68.0)
    assert metrics(tree, "B")["training_turns"] == 1


def test_training_requirement_met_rate(tree):
    # Decree 101/2017: 30 hours in 2019 for cadres, civil servants and public employees.
    met, short, contract = (
        data.staff(tree["A"], 1),
        data.staff(tree["A"], 1),
        data.staff(tree["A"], 1, category="contract"),
    )
    course30 = data.course(hours="30")
    course8 = data.course(hours="8")
    data.turn(met[0], course30)
    data.turn(short[0], course8)
    data.turn(contract[0], course30)
    m = metrics(tree, "A")
    assert m["training_required_staff"] == 2  # contract staff have no requirement
    assert m["training_requirement_met"] == 1
    assert m["training_requirement_met_rate"] == pytest.approx(0.5)
    assert metrics(tree, "B")["training_requirement_met_rate"] is None


def test_parent_totals_include_the_subtree(tree):
    data.finding(tree["A"])
    data.finding(tree["B"])
    data.finding(tree["B"])
    data.finding(tree["D"])
    data.staff(tree["D-NV"], 2)
    body = report(tree)
    by_code = {u["code"]: u["metrics"] for u in body["units"]}
    assert by_code["D"]["findings"] == 4
    assert by_code["P"]["findings"] == 4
    assert body["total"]["findings"] == 4
    assert body["total"]["staff_count"] == 2
    sub = report(tree, root="D")
    assert sub["unit"]["code"] == "D" and sub["total"]["findings"] == 4
    assert [u["code"] for u in sub["units"]] == ["D", "D-NV", "A", "B"]


def test_empty_period_reports_zero_and_null(tree):
    body = report(tree, period=Period.year(2030), today=TODAY)
    assert body["total"]["findings"] == 0
    assert body["total"]["training_turns_by_organizer_level"]["province"] == 0
    assert body["total"]["feedback_resolved_on_time_rate"] is None
    assert all(u["score"] is None and u["rank"] is None for u in body["units"])


def test_units_of_the_period_only(tree):
    old = UnitFactory(
        code="OLD", name="Xã Cũ", level="commune", parent=tree["D"], valid_until=D(2018, 12, 31)
    )
    data.finding(old, found_on=D(2018, 6, 1))
    assert "OLD" not in [u["code"] for u in report(tree)["units"]]
    body = report(tree, period=Period.year(2018))
    assert "OLD" in [u["code"] for u in body["units"]]
    assert body["total"]["findings"] == 1


def test_previous_period_figures_give_the_change(tree):
    # Contract staff: no training requirement, so only corrective actions score.
    data.staff(tree["A"], 10, category="contract")
    data.staff(tree["B"], 10, category="contract")
    for unit, late_year in (
        (tree["A"], 2018),
        (tree["B"], 2019),
    ):  # one late action of ten: score 90
        for year in (2018, 2019):
            for i in range(10):
                late = year == late_year and i == 0
                data.action(
                    unit, due=D(year, 5, 1), status="done", done_on=D(year, 6 if late else 4, 1)
                )
    units = {u["code"]: u for u in report(tree)["units"]}
    assert units["A"]["score"] == 100.0 and units["A"]["previous_score"] == 90.0
    assert units["A"]["score_change"] == 10.0 and units["A"]["rank_change"] == 1
    assert units["B"]["rank"] == 2 and units["B"]["previous_rank"] == 1


def _populate(units, per_unit=2):
    for unit in units:
        people = data.staff(unit, per_unit)
        data.inspection(unit)
        data.finding(unit)
        data.action(unit, due=D(2019, 5, 1))
        data.case(unit)
        data.feedback(unit)
        data.turn(people[0], data.course())


def test_query_count_does_not_grow_with_units(tree):
    _populate([tree["A"], tree["B"]])
    with CaptureQueriesContext(connection) as few:
        build_report(tree["P"], Y2019, today=TODAY)
    extra = [UnitFactory(code=f"X{i}", level="commune", parent=tree["D"]) for i in range(6)]
    _populate(extra)
    with CaptureQueriesContext(connection) as many:
        build_report(tree["P"], Y2019, today=TODAY)
    assert len(few) == len(many) == queries.QUERY_COUNT


def test_subtree_report_uses_the_same_number_of_queries(tree):
    _populate([tree["A"]])
    with CaptureQueriesContext(connection) as ctx:
        body = to_json(build_report(tree["A"], Y2019, today=TODAY))
    assert len(ctx) == queries.QUERY_COUNT
    assert [u["code"] for u in body["units"]] == ["A"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan checked is SQLite's")
def test_sqlite_groups_by_a_sort_not_by_walking_the_unit_index(tree):
    """Guards the benchmark: GROUP BY unit_id over the FK index is the slow plan on SQLite."""
    _populate([tree["A"], tree["B"]])
    with CaptureQueriesContext(connection) as ctx:
        build_report(tree["P"], Y2019, today=TODAY)
    grouped = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    # Not grouped: the units, the methodology's two and the PAR results. Procedures
    # posted are grouped by ancestor over a small join, not a fact table.
    grouped = [sql for sql in grouped if "reform_procedureposting" not in sql]
    assert len(grouped) == queries.QUERY_COUNT - 5
    with connection.cursor() as cursor:
        for sql in grouped:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert any(key in sql for key in ('"unit_id" + 0', "p.uid + 0", '"unit_id" * 2')), sql
            # The slow plan reads the fact table in unit order through the FK
            # index ("SCAN x USING INDEX ..._unit_id..."), avoiding the sort.
            assert "USE TEMP B-TREE FOR GROUP BY" in plan, plan
            assert not any(
                "USING INDEX" in step and "unit" in step and step.startswith("SCAN")
                for step in plan.split(" | ")
            ), plan


def test_requirement_for_a_position_takes_precedence(tree):
    from decimal import Decimal

    from training.models import TrainingRequirement

    TrainingRequirement.objects.create(
        year=2019, category="civil_servant", position="Chủ tịch UBND", hours=Decimal(8)
    )
    chair = data.staff(tree["A"], 1, position="Chủ tịch UBND")[0]
    clerk = data.staff(tree["A"], 1, position="Văn thư")[0]
    short = data.course(hours="8")
    data.turn(chair, short)  # 8 h: meets the chair's 8 h
    data.turn(clerk, short)  # 8 h: short of the generic 30 h
    m = metrics(tree, "A")
    assert (m["training_required_staff"], m["training_requirement_met"]) == (2, 1)


def _requirement_statements(tree, period):
    with CaptureQueriesContext(connection) as ctx:
        build_report(tree["P"], period, today=TODAY)
    return [q["sql"] for q in ctx.captured_queries if "training_trainingrequirement" in q["sql"]]


def test_a_year_without_requirement_rows_requires_nobody(tree):
    from training.models import TrainingRequirement

    people = data.staff(tree["A"], 2)
    data.turn(people[0], data.course(hours="30"))
    year = 2030
    assert not TrainingRequirement.objects.filter(year=year).exists()
    m = metrics(tree, "A", period=Period.year(year))
    assert (m["training_required_staff"], m["training_requirement_met"]) == (0, 0)
    assert metrics(tree, "A")["training_required_staff"] == 2  # 2019 has a requirement


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan checked is PostgreSQL's")
def test_a_year_without_requirement_rows_reads_no_staff(tree):
    """Guards the benchmark: the requirement statement probes the year before joining the staff."""
    data.staff(tree["A"], 2)
    statements = _requirement_statements(tree, Period.year(2030))
    assert len(statements) == 2  # the period and the one before
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}")
            plan = [row[0] for row in cursor.fetchall()]
            scans = [line for line in plan if "Scan on staff_staff" in line]
            assert scans and all("never executed" in line for line in scans), plan
