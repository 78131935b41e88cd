"""The table layer alone, on hand-made tables: roll-up, rates, score, rank, change."""

import datetime as dt

import pytest

from reports import frames
from reports.frames import Period
from reports.scoring import Component, Methodology

# P (1) -> D (2) -> {A (3), B (4), C (5)}; E (6) was dissolved before 2019.
UNITS = [
    {
        "id": 1,
        "code": "P",
        "name": "Tỉnh",
        "level": "province",
        "parent": None,
        "path": "/1/",
        "depth": 0,
    },
    {
        "id": 2,
        "code": "D",
        "name": "Huyện",
        "level": "district",
        "parent": "P",
        "path": "/1/2/",
        "depth": 1,
    },
    {
        "id": 3,
        "code": "A",
        "name": "Xã A",
        "level": "commune",
        "parent": "D",
        "path": "/1/2/3/",
        "depth": 2,
    },
    {
        "id": 4,
        "code": "B",
        "name": "Xã B",
        "level": "commune",
        "parent": "D",
        "path": "/1/2/4/",
        "depth": 2,
    },
    {
        "id": 5,
        "code": "C",
        "name": "Xã C",
        "level": "commune",
        "parent": "D",
        "path": "/1/2/5/",
        "depth": 2,
    },
    {
        "id": 6,
        "code": "E",
        "name": "Xã E",
        "level": "commune",
        "parent": "D",
        "path": "/1/2/6/",
        "depth": 2,
        "valid_until": dt.date(2018, 12, 31),
    },
]


def _method(**weights):
    formulas = {
        "actions": (
            "corrective_actions_on_time / corrective_actions_due",
            "corrective_actions_due",
        ),
        "feedback": ("feedback_resolved_on_time / feedback_due", "feedback_due"),
        "training": (
            "training_requirement_met / training_required_staff",
            "training_required_staff",
        ),
    }
    return Methodology(
        code="test",
        name="Test",
        valid_from=dt.date(2000, 1, 1),
        source_document="test",
        min_staff=5,
        components=tuple(
            Component(key=k, name=k, formula=formulas[k][0], sample=formulas[k][1], weight=w)
            for k, w in weights.items()
        ),
    )


CONFIG = _method(actions=1, feedback=1, training=1)


def scored(rows, unit_id=3, staff=10):
    """Own counts of one unit with ``staff`` staff, on-time rates given as (done, due)."""
    return own([{"unit_id": unit_id, "staff_count": staff, **rows}])


def actions(done, due, **extra):
    return {"corrective_actions_on_time": done, "corrective_actions_due": due, **extra}


Y2019 = Period.year(2019)


def units():
    return frames.units_frame([{"valid_from": None, "valid_until": None, **row} for row in UNITS])


def own(rows):
    return frames.counts_frame(rows)


def test_counts_frame_fills_every_metric_with_zero():
    frame = own([{"unit_id": 3, "findings": 2}, {"unit_id": 3, "inspections": 1}])
    assert list(frame.columns) == list(frames.COUNT_COLUMNS)
    assert frame.loc[3, "findings"] == 2 and frame.loc[3, "inspections"] == 1
    assert frame.loc[3, "training_turns"] == 0


def test_rollup_sums_the_subtree_including_dissolved_units():
    counts = own(
        [
            {"unit_id": 2, "findings": 1},
            {"unit_id": 3, "findings": 2},
            {"unit_id": 4, "findings": 4},
            {"unit_id": 6, "findings": 8},
            {"unit_id": 99, "findings": 100},  # not in the tree: ignored
        ]
    )
    rolled = frames.rollup(units(), counts)
    assert rolled.loc[3, "findings"] == 2
    assert rolled.loc[5, "findings"] == 0
    assert rolled.loc[2, "findings"] == 1 + 2 + 4 + 8
    assert rolled.loc[1, "findings"] == 15


def test_rates_are_null_on_zero_denominators():
    frame = frames.add_rates(
        frames.rollup(
            units(),
            own(
                [
                    {"unit_id": 3, "staff_count": 4, "findings": 2, "feedback_due": 0},
                    {"unit_id": 4, "feedback_due": 4, "feedback_resolved_on_time": 3},
                ]
            ),
        )
    )
    assert frame.loc[3, "findings_per_staff"] == pytest.approx(0.5)
    assert frame.loc[4, "findings_per_staff"] is None
    assert frame.loc[3, "feedback_resolved_on_time_rate"] is None
    assert frame.loc[4, "feedback_resolved_on_time_rate"] == pytest.approx(0.75)
    assert frame.loc[2, "feedback_resolved_on_time_rate"] == pytest.approx(0.75)


def test_score_is_the_weighted_mean_of_present_components():
    # 2 of 4 actions on time (0.5), 3 of 4 feedback on time (0.75); no training
    # requirement: left out, so score = 100 * (0.5 + 0.75) / 2.
    frame = frames.add_rates(scored(actions(2, 4, feedback_due=4, feedback_resolved_on_time=3)))
    assert frames.score(frame, CONFIG)[3] == pytest.approx(62.5)


def test_score_weights_are_data():
    frame = frames.add_rates(
        scored(actions(0, 5, training_required_staff=10, training_requirement_met=10))
    )
    assert frames.score(frame, _method(training=1))[3] == 100.0
    # actions 0.0 x 3, training 1.0 x 1 -> 100 * 1 / 4
    assert frames.score(frame, _method(actions=3, training=1))[3] == 25.0


def test_findings_and_discipline_counts_do_not_lower_the_score():
    few = frames.add_rates(scored(actions(4, 4, findings=1, discipline_cases=0)))
    many = frames.add_rates(scored(actions(4, 4, findings=50, discipline_cases=5)))
    assert frames.score(few, CONFIG)[3] == frames.score(many, CONFIG)[3] == 100.0


def test_unit_without_any_data_has_no_score():
    frame = frames.add_rates(own([{"unit_id": 3, "inspections": 1}]))
    assert frames.score(frame, CONFIG)[3] is None


def test_bad_components_are_refused():
    with pytest.raises(ValueError, match="weight"):
        Component(
            key="a", name="a", formula="findings / staff_count", sample="staff_count", weight=0
        )
    with pytest.raises(ValueError):
        Component(key="a", name="a", formula="__import__('os')", sample="staff_count", weight=1)
    with pytest.raises(ValueError):
        _method()


def test_ranks_are_per_level_and_ties_share_a_rank():
    counts = own(
        [
            {"unit_id": 3, "staff_count": 10, **actions(4, 5)},  # 80
            {"unit_id": 4, "staff_count": 20, **actions(8, 10)},  # same rate -> same score
            {"unit_id": 5, "staff_count": 10, **actions(5, 5)},  # 100
        ]
    )
    report = frames.period_frame(units(), counts, Y2019, CONFIG)
    assert report.loc[5, "rank"] == 1
    assert report.loc[3, "rank"] == 2 and report.loc[4, "rank"] == 2
    assert report.loc[2, "rank"] == 1  # the only district
    assert report.loc[1, "rank"] == 1  # the only province


def test_units_below_the_minimum_sample_are_marked_not_ranked():
    counts = own(
        [
            {"unit_id": 3, "staff_count": 2, **actions(1, 1)},  # perfect score, but two people
            {"unit_id": 4, "staff_count": 20, **actions(9, 10)},
            {"unit_id": 5, "staff_count": 10, **actions(5, 10)},
        ]
    )
    report = frames.period_frame(units(), counts, Y2019, CONFIG)
    assert report.loc[3, "score"] == 100.0
    assert not report.loc[3, "rankable"]
    assert report.loc[3, "rank"] is None
    assert report.loc[4, "rank"] == 1 and report.loc[5, "rank"] == 2


def test_period_lists_only_units_in_force():
    report = frames.period_frame(units(), own([]), Y2019, CONFIG)
    assert list(report["code"]) == ["P", "D", "A", "B", "C"]
    old = frames.period_frame(units(), own([]), Period.year(2018), CONFIG)
    assert "E" in list(old["code"])


def test_empty_period_gives_zero_counts_null_rates_and_no_rank():
    report = frames.period_frame(units(), own([]), Y2019, CONFIG)
    assert all(value == 0 for value in report["findings"])
    assert all(value is None for value in report["feedback_resolved_on_time_rate"])
    assert all(value is None for value in report["score"])
    assert all(value is None for value in report["rank"])


def test_previous_period_of_the_same_length():
    assert Period.year(2020).previous() == Period.year(2019)
    assert Period(dt.date(2019, 1, 1), dt.date(2020, 12, 31)).previous() == Period(
        dt.date(2017, 1, 1), dt.date(2018, 12, 31)
    )
    assert Period(dt.date(2019, 4, 1), dt.date(2019, 4, 30)).previous() == Period(
        dt.date(2019, 3, 1), dt.date(2019, 3, 31)
    )
    assert Period(dt.date(2019, 1, 1), dt.date(2019, 3, 31)).previous() == Period(
        dt.date(2018, 10, 1), dt.date(2018, 12, 31)
    )
    assert Period(dt.date(2019, 4, 10), dt.date(2019, 4, 19)).previous() == Period(
        dt.date(2019, 3, 31), dt.date(2019, 4, 9)
    )
    with pytest.raises(ValueError):
        Period(dt.date(2019, 2, 1), dt.date(2019, 1, 1))


def test_change_against_the_previous_period():
    now = own(
        [
            {"unit_id": 3, "staff_count": 10, **actions(10, 10)},  # 100, rank 1
            {"unit_id": 4, "staff_count": 10, **actions(9, 10)},  # 90, rank 2
        ]
    )
    before = own(
        [
            {"unit_id": 3, "staff_count": 10, **actions(8, 10)},  # 80, rank 2
            {"unit_id": 4, "staff_count": 10, **actions(10, 10)},  # 100, rank 1
        ]
    )
    report = frames.build_report(units(), now, before, Y2019, CONFIG)
    assert report.loc[3, "previous_score"] == 80.0
    assert report.loc[3, "score_change"] == 20.0
    assert report.loc[3, "rank_change"] == 1
    assert report.loc[4, "score_change"] == -10.0
    assert report.loc[4, "rank_change"] == -1
    assert report.loc[5, "score_change"] is None


def test_subtree_total_holds_for_a_dissolved_root():
    counts = own([{"unit_id": 6, "findings": 3}, {"unit_id": 3, "findings": 1}])
    assert frames.subtree_total(units(), counts, 2)["findings"] == 4
    assert frames.subtree_total(units(), counts, 6)["findings"] == 3


def test_clean_value_unwraps_numpy_and_nulls():
    import numpy as np
    import pandas as pd

    assert frames.clean_value(np.int64(3)) == 3 and type(frames.clean_value(np.int64(3))) is int
    assert frames.clean_value(float("nan")) is None
    assert frames.clean_value(pd.NA) is None
    assert frames.clean_value(np.bool_(True)) is True


def test_ancestor_matrix_marks_each_unit_and_its_ancestors():
    matrix = frames.ancestor_matrix(units())
    # rows: ancestors, columns: descendants, in the order of the units frame (ids 1..6)
    assert matrix[:, 2].tolist() == [1, 1, 1, 0, 0, 0]  # A (3): P, D and itself
    assert matrix[1].tolist() == [
        0,
        1,
        1,
        1,
        1,
        1,
    ]  # D (2) is above every commune, dissolved E included
    assert matrix.sum() == 1 + 2 + 3 * 4


def test_report_frame_types_and_order():
    now = own(
        [
            {"unit_id": 4, "staff_count": 10, "training_hours": 7.5},
            {"unit_id": 3, "staff_count": 10},
        ]
    )
    report = frames.build_report(units(), now, own([]), Y2019, CONFIG)
    assert list(report.index) == [1, 2, 3, 4, 5]  # by path, the dissolved E left out
    # Plain Python values, None where null: what the renderers write as they are.
    assert all(type(value) is int for value in report["findings"])
    assert all(type(value) is float for value in report["training_hours"])
    assert all(value is None or type(value) is int for value in report["rank"])
    assert all(value is None or type(value) is int for value in report["rank_change"])
    assert report.loc[2, "training_hours"] == 7.5 and report.loc[2, "staff_count"] == 20
    assert report.loc[3, "previous_score"] is None and report.loc[3, "rank_change"] is None
    assert list(report.columns) == [
        "code",
        "name",
        "level",
        "parent",
        "path",
        "depth",
        *frames.METRIC_COLUMNS,
        *frames.RESULT_COLUMNS,
        "points.actions",
        "points.feedback",
        "points.training",
        "peer_group",
    ]
