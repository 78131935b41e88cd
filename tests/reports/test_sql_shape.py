"""The report's SQL is written as the benchmark's hand-written floor writes it.

``COUNT(col) FILTER`` makes the database read and NULL-test the column on
every row of every filtered count and ``>= AND <=`` reads the date twice;
together they made the report's SQL 5-8% slower than the floor's on a
province. Not timed here: these guard the shape the benchmark relies on.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import queries
from reports.frames import Period
from reports.report import build_report
from tests.reports.data import D

pytestmark = pytest.mark.django_db


def _section_sql(tree):
    with CaptureQueriesContext(connection) as ctx:
        build_report(tree["P"], Period.year(2019), today=D(2026, 1, 15))
    return [q["sql"] for q in ctx.captured_queries if "FILTER (WHERE" in q["sql"]]


def test_filtered_counts_count_rows_not_a_column(tree):
    sections = _section_sql(tree)
    # staff, dossiers and filed service reports; the others group on one key per unit and period
    assert len(sections) == 3
    for sql in sections:
        assert "COUNT(*) FILTER (WHERE" in sql, sql
        assert not re.search(r'COUNT\("[^"]+"\."[^"]+"\)', sql), sql


def test_date_ranges_are_between(tree):
    sections = _section_sql(tree)
    # dossiers (staff: employment dates; filed service reports: period bounds)
    assert sum(" BETWEEN " in sql for sql in sections) == 1
    for sql in sections:
        assert not re.search(r'("[^"]+"\."[^"]+") >= %s AND \1 <= %s', sql), sql


def test_other_sections_group_on_one_key_per_unit_and_period(tree):
    with CaptureQueriesContext(connection) as ctx:
        build_report(tree["P"], Period.year(2019), today=D(2026, 1, 15))
    keyed = [q["sql"] for q in ctx.captured_queries if '"unit_id" * 2)' in q["sql"]]
    # inspections, findings, actions, discipline cases and decisions, feedback, training
    assert len(keyed) == 7
    for sql in keyed:
        assert "FILTER (WHERE" not in sql and " BETWEEN " in sql, sql


def test_count_rows_counts_only_matching_rows(tree):
    from django.db.models import Q

    from staff.models import Unit

    counted = Unit.objects.aggregate(
        communes=queries.count_rows(Q(level="commune")), none=queries.count_rows(Q(level="nowhere"))
    )
    assert counted == {"communes": Unit.objects.filter(level="commune").count(), "none": 0}
