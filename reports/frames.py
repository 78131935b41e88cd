"""Accountability report, layer 2: plain rows to pandas frames.

No ORM and no request here. The queries layer hands over, per period, a frame
of *own* counts per unit (what was recorded against that very unit) and the
unit tree; this module rolls the counts up the tree (a parent's figures
include its whole subtree), derives rates (null where the denominator is
zero), scores every unit from 0 to 100 (``reports.scoring``), ranks units
against the others of the same level and compares with the previous period
of the same length.

The arithmetic runs on whole NumPy arrays (the roll-up is one matrix
product, unit-ancestor matrix times counts) and the report frame is built
once at the end: on a province's few hundred units, pandas' fixed cost per
operation, paid dozens of times, was most of the report's Python time.

Column names are the flat metric names of the CSV (``findings_by_severity.minor``);
the JSON renderer nests them on the dot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.dates import year_period
from reports.scoring import Methodology, score_units

SEVERITIES = ("minor", "serious", "very_serious", "extremely_serious")
DECISION_FORMS = (
    "khien_trach",
    "canh_cao",
    "ha_bac_luong",
    "giang_chuc",
    "cach_chuc",
    "buoc_thoi_viec",
    "bai_nhiem",
)
ORGANIZER_LEVELS = ("central", "province", "district", "commune")

# Additive counts: summed up the tree. The order is the column order of the
# CSV and of the workbook.
COUNT_COLUMNS: tuple[str, ...] = (
    "staff_count",
    "inspections",
    "inspections_concluded",
    "findings",
    *(f"findings_by_severity.{s}" for s in SEVERITIES),
    "corrective_actions",
    "corrective_actions_due",
    "corrective_actions_on_time",
    "corrective_actions_open",
    "corrective_actions_overdue",
    "discipline_cases",
    *(f"discipline_decisions_by_form.{f}" for f in DECISION_FORMS),
    "discipline_overdue",
    "discipline_due",
    "discipline_handled_on_time",
    "feedback_received",
    "feedback_substantiated",
    "feedback_due",
    "feedback_resolved_on_time",
    "training_turns",
    *(f"training_turns_by_organizer_level.{lvl}" for lvl in ORGANIZER_LEVELS),
    "training_hours",
    "training_required_staff",
    "training_requirement_met",
)

# Service delivery (reform): dossiers per scope, and the totals of the
# district and commune counters. ``unreconciled`` counts filed reports whose
# figures do not add up; ``reconciles`` (a flag column) is derived from it.
SERVICE_SCOPES = ("district", "commune", "inter_level", "electronic")
SCOPE_FIGURES = (
    "received",
    "resolved",
    "pending_in_time",
    "overdue",
    "unreconciled",
    "pending_unreported",
)
SERVICE_COUNT_COLUMNS: tuple[str, ...] = (
    "dossiers_received",
    "dossiers_resolved",
    "dossiers_resolved_judged",
    "dossiers_resolved_on_time",
    "dossiers_pending_in_time",
    "dossiers_pending_unreported",
    "dossiers_overdue",
    "dossiers_late_in_system_only",
    "dossiers_apologies_issued",
    "dossiers_online",
    "dossiers_postal",
    *(
        f"dossiers_by_scope.{scope}.{figure}"
        for scope in SERVICE_SCOPES
        for figure in SCOPE_FIGURES
    ),
)
COUNT_COLUMNS = COUNT_COLUMNS + SERVICE_COUNT_COLUMNS

# rate column -> (numerator, denominator)
RATES: dict[str, tuple[str, str]] = {
    "inspections_concluded_rate": ("inspections_concluded", "inspections"),
    "findings_per_staff": ("findings", "staff_count"),
    "discipline_cases_per_staff": ("discipline_cases", "staff_count"),
    "corrective_actions_on_time_rate": ("corrective_actions_on_time", "corrective_actions_due"),
    "discipline_handled_on_time_rate": ("discipline_handled_on_time", "discipline_due"),
    "feedback_resolved_on_time_rate": ("feedback_resolved_on_time", "feedback_due"),
    "training_requirement_met_rate": ("training_requirement_met", "training_required_staff"),
    "dossiers_on_time_rate": ("dossiers_resolved_on_time", "dossiers_resolved_judged"),
    "dossiers_overdue_rate": ("dossiers_overdue", "dossiers_received"),
    "dossiers_online_rate": ("dossiers_online", "dossiers_received"),
}
RATE_COLUMNS = tuple(RATES)
# flag column -> the count that must be zero for the flag to hold
FLAGS: dict[str, str] = {
    f"dossiers_by_scope.{scope}.reconciles": f"dossiers_by_scope.{scope}.unreconciled"
    for scope in SERVICE_SCOPES
}
FLAG_COLUMNS = tuple(FLAGS)
# count column -> the count of filed reports that left it out: where that count
# is not zero the figure is unknown (null), not the sum of what was reported.
UNKNOWN_WHEN: dict[str, str] = {
    "dossiers_pending_in_time": "dossiers_pending_unreported",
    **{
        f"dossiers_by_scope.{scope}.pending_in_time": f"dossiers_by_scope.{scope}.pending_unreported"
        for scope in SERVICE_SCOPES
    },
}
# A unit's own figures of the current period, not summed up the tree: the
# procedures posted in its subtree (distinct, counted in SQL) and its PAR index result.
PROCEDURE_LEVELS = ("province", "district", "commune")
VALUE_COLUMNS: tuple[str, ...] = (
    *(f"procedures_published.{level}" for level in PROCEDURE_LEVELS),
    "par_index.score",
    "par_index.rank",
    "par_index.ranked_units",
    "par_index.previous_rank",
)
INT_VALUE_COLUMNS = frozenset(VALUE_COLUMNS) - {"par_index.score"}
VALUE_DEFAULTS = {f"procedures_published.{level}": 0 for level in PROCEDURE_LEVELS}
METRIC_COLUMNS = COUNT_COLUMNS + RATE_COLUMNS + FLAG_COLUMNS + VALUE_COLUMNS
FLOAT_COUNTS = frozenset({"training_hours"})

UNIT_COLUMNS = ("code", "name", "level", "parent", "path", "depth", "valid_from", "valid_until")
RESULT_COLUMNS = (
    "score",
    "rankable",
    "rank",
    "peers",
    "peer_average",
    "previous_score",
    "previous_rank",
    "score_change",
    "rank_change",
)


@dataclass(frozen=True)
class Period:
    """A closed date range ``[start, end]``."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(*year_period(year))

    @property
    def is_whole_years(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1

    def previous(self) -> Period:
        """The period of the same length just before this one.

        Whole calendar months (a month, a quarter, a year) step back by months,
        so 2020 (a leap year) is compared with 2019 and the first quarter
        with the last quarter of the year before; any other range steps back
        by its length in days.
        """
        if self.is_whole_months:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            index = self.start.year * 12 + self.start.month - 1 - months
            start = dt.date(index // 12, index % 12 + 1, 1)
            return Period(start, self.start - dt.timedelta(days=1))
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return Period(end - length, end)


def units_frame(rows: list[dict]) -> pd.DataFrame:
    """The unit tree as a frame indexed by unit id (``parent`` is the parent's code)."""
    frame = pd.DataFrame(rows, columns=["id", *UNIT_COLUMNS])
    frame = frame.set_index("id")
    frame["depth"] = frame["depth"].astype("int64")
    level_of = dict(zip(frame["code"].tolist(), frame["level"].tolist(), strict=True))
    # Peers are the units of the same level whose parents are of the same
    # level: communes of districts with communes of districts, departments
    # of the province with departments of the province.
    frame["peer_group"] = [
        f"{level}/{level_of.get(parent, '') if parent else ''}"
        for level, parent in zip(frame["level"].tolist(), frame["parent"].tolist(), strict=True)
    ]
    return frame


COUNT_DTYPES = {
    column: ("float64" if column in FLOAT_COUNTS else "int64") for column in COUNT_COLUMNS
}
_COUNT_INDEX = {column: i for i, column in enumerate(COUNT_COLUMNS)}


def _counts_from_matrix(matrix: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """A float matrix (one column per ``COUNT_COLUMNS``) as the counts frame, in one construction."""
    columns = {
        column: (matrix[:, i] if column in FLOAT_COUNTS else matrix[:, i].astype("int64"))
        for i, column in enumerate(COUNT_COLUMNS)
    }
    return pd.DataFrame(columns, index=index, copy=False)


def counts_frame(rows: list[dict]) -> pd.DataFrame:
    """Own counts per unit id: every column of ``COUNT_COLUMNS``, missing ones zero.

    ``rows`` are dicts with ``unit_id`` and any subset of the count columns;
    several rows for the same unit (one per query section) are summed, other
    keys are ignored. Summed in plain Python into one row per unit, then
    turned into a frame once: a few thousand dicts through
    ``pd.DataFrame(rows).groupby(...)`` cost more than the whole roll-up.
    """
    width = len(COUNT_COLUMNS)
    position = _COUNT_INDEX
    sums: dict[int, list[float]] = {}
    for row in rows:
        unit_id = row["unit_id"]
        target = sums.get(unit_id)
        if target is None:
            target = sums[unit_id] = [0.0] * width
        for key, value in row.items():
            i = position.get(key)
            if i is not None and value:
                target[i] += value
    ids = sorted(sums)
    matrix = np.array([sums[i] for i in ids], dtype="float64").reshape(len(ids), width)
    return _counts_from_matrix(matrix, pd.Index(ids, name="unit_id", dtype="int64"))


def _active_mask(units: pd.DataFrame, period: Period) -> np.ndarray:
    return np.fromiter(
        (
            (start is None or pd.isna(start) or start <= period.end)
            and (end is None or pd.isna(end) or end >= period.start)
            for start, end in zip(
                units["valid_from"].tolist(), units["valid_until"].tolist(), strict=True
            )
        ),
        dtype=bool,
        count=len(units),
    )


def active_units(units: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Units in force at some point of ``period`` (the units of that period)."""
    return units[_active_mask(units, period)]


def ancestor_matrix(units: pd.DataFrame) -> np.ndarray:
    """``A[i, j] = 1`` when unit ``i`` is unit ``j`` or one of its ancestors (positions in ``units``).

    Read from the materialised path; ids on a path that are not in ``units``
    (ancestors above the frame's roots) are skipped. ``A @ own`` is then every
    unit's subtree total.
    """
    position = {unit_id: i for i, unit_id in enumerate(units.index.tolist())}
    matrix = np.zeros((len(position), len(position)), dtype="float64")
    for j, path in enumerate(units["path"].tolist()):
        for part in path.strip("/").split("/"):
            i = position.get(int(part)) if part else None
            if i is not None:
                matrix[i, j] = 1.0
    return matrix


def _own_matrix(units: pd.DataFrame, own: pd.DataFrame) -> np.ndarray:
    """Own counts aligned on ``units`` (zero for units without records), as floats."""
    if list(own.columns) != list(COUNT_COLUMNS):
        own = own.reindex(columns=list(COUNT_COLUMNS), fill_value=0)
    values = np.nan_to_num(own.to_numpy("float64"))
    positions = own.index.get_indexer(units.index)
    matrix = np.zeros((len(units), len(COUNT_COLUMNS)), dtype="float64")
    found = positions >= 0
    matrix[found] = values[positions[found]]
    return matrix


def rollup(units: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    """Subtree totals: every unit's counts plus those of all its descendants.

    One matrix product, the unit-ancestor matrix (``ancestor_matrix``) times
    the own counts. Counts of units missing from ``units`` are ignored, and so
    are ancestors above the frame's roots.
    """
    rolled = ancestor_matrix(units) @ _own_matrix(units, own)
    return _counts_from_matrix(rolled, units.index)


def _rate_arrays(column: Callable[[str], np.ndarray]) -> dict[str, np.ndarray]:
    """Every rate of ``RATES`` from whole columns; NaN where the denominator is zero."""
    rates = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for rate, (numerator, denominator) in RATES.items():
            den = np.asarray(column(denominator), dtype="float64")
            rates[rate] = np.where(
                den > 0, np.asarray(column(numerator), dtype="float64") / den, np.nan
            )
    return rates


def add_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the rate columns; a rate is null (NaN) where its denominator is zero."""
    frame = frame.copy()
    for rate, values in _rate_arrays(lambda c: frame[c].to_numpy()).items():
        frame[rate] = values
    for flag, values in _flag_arrays(lambda c: frame[c].to_numpy()).items():
        frame[flag] = values
    for column, unknown in UNKNOWN_WHEN.items():
        frame[column] = _unknown_where(frame[column].to_numpy(), frame[unknown].to_numpy())
    return frame


def _unknown_where(values: np.ndarray, unknown: np.ndarray) -> pd.arrays.IntegerArray:
    """A count column as nullable integers, null where ``unknown`` counts a report that left it out."""
    values = np.asarray(values, dtype="float64")
    return _nullable_int(np.where(np.asarray(unknown, dtype="float64") > 0, np.nan, values))


def score(frame: pd.DataFrame, methodology: Methodology) -> pd.Series:
    """Score 0..100 of each row (``reports.scoring``): the sum of its components' points."""
    metrics = {
        c: frame[c].to_numpy("float64") for c in frame.columns if c in METRIC_COLUMNS or "." in c
    }
    return pd.Series(score_units(metrics, methodology, len(frame)).score, index=frame.index)


def _flag_arrays(column: Callable[[str], np.ndarray]) -> dict[str, np.ndarray]:
    """Every flag of ``FLAGS``: true where its count is zero."""
    return {flag: np.asarray(column(count), dtype="float64") == 0 for flag, count in FLAGS.items()}


def values_frame(rows: list[dict]) -> pd.DataFrame:
    """Own values per unit id (``VALUE_COLUMNS``; missing ones null, procedure counts zero)."""
    frame = pd.DataFrame(rows, columns=["unit_id", *VALUE_COLUMNS])
    if len(frame):
        frame = frame.groupby("unit_id").first()
    else:
        frame = frame.set_index("unit_id")
    return frame


def _value_arrays(units_index: pd.Index, values: pd.DataFrame | None) -> dict[str, Any]:
    """``VALUE_COLUMNS`` aligned on ``units_index``: integers as nullable arrays, the score as floats."""
    if values is None:
        values = values_frame([])
    aligned = values.reindex(units_index)
    arrays: dict[str, Any] = {}
    for column in VALUE_COLUMNS:
        data = aligned[column].to_numpy("float64", na_value=np.nan)
        if column in VALUE_DEFAULTS:
            data = np.where(np.isnan(data), VALUE_DEFAULTS[column], data)
        arrays[column] = data
    return arrays


def _rank_array(
    groups: np.ndarray, scores: np.ndarray, eligible: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Rank, number of ranked peers and their mean score per row, within its peer group.

    Rank 1 is the best score among the eligible rows of the same group; ties
    share the lower rank; NaN for a row not eligible. ``peers`` and
    ``peer_average`` are given to every row of a group that has ranked rows.
    """
    ranks = np.full(len(scores), np.nan)
    peers = np.full(len(scores), np.nan)
    average = np.full(len(scores), np.nan)
    eligible = eligible & ~np.isnan(scores)
    for group in set(groups[eligible].tolist()):
        members = eligible & (groups == group)
        ordered = np.sort(-scores[members])
        # 1 + the number of peers with a strictly higher score ("min" ranking).
        ranks[members] = np.searchsorted(ordered, -scores[members], side="left") + 1
        same = groups == group
        peers[same] = members.sum()
        average[same] = round(float(scores[members].mean()), 2)
    return ranks, peers, average


def _nullable_int(values: np.ndarray) -> pd.arrays.IntegerArray:
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype("int64"), missing)


def rank(frame: pd.DataFrame) -> pd.Series:
    """Rank 1 = best score among rankable units of the same peer group; ties share a rank."""
    groups = frame["peer_group"] if "peer_group" in frame else frame["level"]
    ranks, _peers, _average = _rank_array(
        groups.to_numpy(dtype=object),
        frame["score"].to_numpy("float64"),
        frame["rankable"].to_numpy(bool),
    )
    return pd.Series(_nullable_int(ranks), index=frame.index)


@dataclass
class _PeriodResult:
    """One period over every unit of the tree (positions of the units frame)."""

    metrics: dict[str, np.ndarray]
    active: np.ndarray
    score: np.ndarray
    points: dict[str, np.ndarray]
    rankable: np.ndarray
    rank: np.ndarray
    peers: np.ndarray
    peer_average: np.ndarray
    values: dict[str, np.ndarray] | None = None


def _period_result(
    units: pd.DataFrame,
    rolled: np.ndarray,
    period: Period,
    methodology: Methodology,
    extra: dict[str, np.ndarray] | None = None,
) -> _PeriodResult:
    metrics = {column: rolled[:, i] for i, column in enumerate(COUNT_COLUMNS)}
    metrics.update(_rate_arrays(metrics.__getitem__))
    metrics.update(_flag_arrays(metrics.__getitem__))
    metrics.update(extra or {})
    active = _active_mask(units, period)
    scores = score_units(metrics, methodology, len(units))
    rankable = metrics["staff_count"] >= methodology.min_staff
    groups = units["peer_group"].to_numpy(dtype=object)
    ranks, peers, average = _rank_array(groups, scores.score, rankable & active)
    return _PeriodResult(
        metrics=metrics,
        active=active,
        score=scores.score,
        points=scores.points,
        rankable=rankable,
        rank=ranks,
        peers=peers,
        peer_average=average,
    )


def _frame(
    units: pd.DataFrame, result: _PeriodResult, extra: dict[str, Any] | None = None
) -> pd.DataFrame:
    """The rows of the units in force, sorted by path, built in one construction."""
    paths = units["path"].tolist()
    order = np.array(
        sorted(np.flatnonzero(result.active).tolist(), key=paths.__getitem__), dtype="int64"
    )
    columns: dict[str, Any] = {
        column: units[column].to_numpy()[order]
        for column in ("code", "name", "level", "parent", "path")
    }
    columns["depth"] = units["depth"].to_numpy("int64")[order]
    for column in COUNT_COLUMNS:
        values = result.metrics[column][order]
        columns[column] = values if column in FLOAT_COUNTS else values.astype("int64")
    for column, unknown in UNKNOWN_WHEN.items():
        columns[column] = _unknown_where(columns[column], columns[unknown])
    for column in RATE_COLUMNS + FLAG_COLUMNS:
        columns[column] = result.metrics[column][order]
    for column in VALUE_COLUMNS:
        values = result.values[column][order] if result.values else np.full(len(order), np.nan)
        columns[column] = _nullable_int(values) if column in INT_VALUE_COLUMNS else values
    columns["score"] = result.score[order]
    columns["rankable"] = result.rankable[order]
    columns["rank"] = _nullable_int(result.rank[order])
    columns["peers"] = _nullable_int(result.peers[order])
    columns["peer_average"] = result.peer_average[order]
    for name, values in (extra or {}).items():
        columns[name] = values(order)
    for key, values in result.points.items():
        columns[f"points.{key}"] = values[order]
    columns["peer_group"] = units["peer_group"].to_numpy()[order]
    return pd.DataFrame(columns, index=units.index[order], copy=False)


def period_frame(
    units: pd.DataFrame,
    own: pd.DataFrame,
    period: Period,
    methodology: Methodology,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per unit in force during ``period``: rolled-up metrics, rates, score, points, rank."""
    # Roll up over every unit of the tree (a record may sit on a unit that
    # has since been dissolved), then keep the units of the period.
    rolled = ancestor_matrix(units) @ _own_matrix(units, own)
    result = _period_result(units, rolled, period, methodology)
    result.values = _value_arrays(units.index, values)
    return _frame(units, result)


def build_report(
    units: pd.DataFrame,
    current: pd.DataFrame,
    previous: pd.DataFrame,
    period: Period,
    methodology: Methodology,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The report frame: the current period's rows with the change against the previous period.

    Both periods are scored with ``methodology`` (the one of the current
    period), so a change in score is a change in the unit, not in the method.
    ``score_change`` is current minus previous score; ``rank_change`` is
    previous minus current rank, so a positive number means the unit moved up.
    Both are null for a unit missing, unscored or unranked in either period.
    Ranks are among the unit's peers (``peer_group``) in the whole of
    ``units``: give it the whole tree and cut the rows afterwards, and every
    viewer sees the same ranks.

    Whole arrays throughout: both periods are rolled up in one matrix
    product, rates, scores and ranks are computed on columns, and the frame
    is built once at the end (pandas' fixed cost per operation, paid dozens
    of times on a frame of a few hundred rows, was most of the report's
    Python time).
    """
    width = len(COUNT_COLUMNS)
    own = np.hstack([_own_matrix(units, current), _own_matrix(units, previous)])
    rolled = ancestor_matrix(units) @ own
    now = _period_result(units, rolled[:, :width], period, methodology)
    now.values = _value_arrays(units.index, values)
    before = _period_result(units, rolled[:, width:], period.previous(), methodology)
    previous_score = np.where(before.active, before.score, np.nan)
    previous_rank = np.where(before.active, before.rank, np.nan)
    return _frame(
        units,
        now,
        {
            "previous_score": lambda order: previous_score[order],
            "previous_rank": lambda order: _nullable_int(previous_rank[order]),
            "score_change": lambda order: np.round(now.score[order] - previous_score[order], 2),
            "rank_change": lambda order: _nullable_int(previous_rank[order] - now.rank[order]),
        },
    )


def subtree_total(
    units: pd.DataFrame, own: pd.DataFrame, root_id: int, values: pd.DataFrame | None = None
) -> pd.Series:
    """The metrics of the whole subtree under ``root_id`` (rates included).

    Computed from every unit of the tree, so the total holds even when the
    root itself was not in force for the whole period.
    """
    rolled = add_rates(rollup(units, own))
    for column, data in _value_arrays(units.index, values).items():
        rolled[column] = data
    return rolled.loc[root_id, list(METRIC_COLUMNS)]


def clean_value(value):
    """A frame cell as a plain Python value: NaN and NA to None, numpy scalars unwrapped."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
