"""Accountability report, layer 2: plain rows to the report's table.

No ORM and no request here. The queries layer hands over, per period, rows
of *own* counts per unit (what was recorded against that very unit) and the
unit tree; this module rolls the counts up the tree (a parent's figures
include its whole subtree), derives rates (null where the denominator is
zero), scores every unit from 0 to 100 (``reports.scoring``), ranks units
against the others of the same level and compares with the previous period
of the same length.

The arithmetic runs on whole NumPy arrays (the roll-up is one matrix
product, unit-ancestor matrix times counts), imported when a report is
computed, not when the URL map is loaded; the result is a ``Table`` of plain
Python values (None where a figure is null), built once at the end, which
every renderer reads column by column. No pandas: its import alone cost the
web process about 40 MB (docs/reports.md).

Column names are the flat metric names of the CSV (``findings_by_severity.minor``);
the JSON renderer nests them on the dot.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.dates import year_period
from reports.scoring import Methodology, score_units

if TYPE_CHECKING:
    import numpy as np

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
        f"dossiers_by_scope.{scope}.pending_in_time": (
            f"dossiers_by_scope.{scope}.pending_unreported"
        )
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


class Table:
    """Rows keyed by unit id, held as columns of plain Python values (None where null).

    What the report hands its renderers: ``table[column]`` is a list (one
    value per row, in row order), ``table.loc[unit_id, column]`` (or
    ``.at``) one value, ``table.row(unit_id)`` one row as a dict.
    """

    def __init__(self, index: Sequence[int], columns: dict[str, list[Any]]) -> None:
        self.index = list(index)
        self._columns = columns
        self._position = {unit_id: i for i, unit_id in enumerate(self.index)}
        self.loc = self.at = _Cells(self)

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, column: object) -> bool:
        return column in self._columns

    def __getitem__(self, column: str) -> list[Any]:
        return self._columns[column]

    def __setitem__(self, column: str, values: Iterable[Any]) -> None:
        self._columns[column] = list(values)

    def has_row(self, unit_id: int) -> bool:
        return unit_id in self._position

    def row(self, unit_id: int, columns: Iterable[str] | None = None) -> dict[str, Any]:
        at = self._position[unit_id]
        names = self._columns if columns is None else columns
        return {column: self._columns[column][at] for column in names}

    def take(self, positions: Sequence[int]) -> Table:
        """The rows at ``positions`` (0-based, in that order)."""
        return Table(
            [self.index[i] for i in positions],
            {name: [values[i] for i in positions] for name, values in self._columns.items()},
        )


class _Cells:
    def __init__(self, table: Table) -> None:
        self.table = table

    def __getitem__(self, key: tuple[int, str]) -> Any:
        unit_id, column = key
        return self.table._columns[column][self.table._position[unit_id]]


def _floats(values: np.ndarray) -> list[float | None]:
    """A float array as Python floats, NaN as None."""
    import numpy as np

    if not np.isnan(values).any():
        return values.tolist()
    return [None if v != v else v for v in values.tolist()]


def _ints(values: np.ndarray) -> list[int | None]:
    """A float array of whole numbers as Python ints, NaN as None."""
    import numpy as np

    if not np.isnan(values).any():
        # Converted in C; truncates toward zero as ``int()`` does.
        return values.astype("int64").tolist()
    return [None if v != v else int(v) for v in values.tolist()]


def units_frame(rows: list[dict]) -> Table:
    """The unit tree as a table indexed by unit id (``parent`` is the parent's code)."""
    level_of = {row["code"]: row["level"] for row in rows}
    columns: dict[str, list[Any]] = {name: [row[name] for row in rows] for name in UNIT_COLUMNS}
    columns["depth"] = [int(depth) for depth in columns["depth"]]
    # Peers are the units of the same level whose parents are of the same
    # level: communes of districts with communes of districts, departments
    # of the province with departments of the province.
    columns["peer_group"] = [
        f"{level}/{level_of.get(parent, '') if parent else ''}"
        for level, parent in zip(columns["level"], columns["parent"], strict=True)
    ]
    return Table([row["id"] for row in rows], columns)


_COUNT_INDEX = {column: i for i, column in enumerate(COUNT_COLUMNS)}


def _counts_table(index: Sequence[int], rows: Sequence[Sequence[float]]) -> Table:
    """Rows of floats (one per ``COUNT_COLUMNS``) as a counts table: whole counts as ints."""
    if not rows:
        return Table(index, {column: [] for column in COUNT_COLUMNS})
    # Transposed once, each column converted by ``map``: no indexing per cell.
    columns = {
        column: list(values) if column in FLOAT_COUNTS else list(map(int, values))
        for column, values in zip(COUNT_COLUMNS, zip(*rows, strict=True), strict=True)
    }
    return Table(index, columns)


def counts_frame(rows: list[dict]) -> Table:
    """Own counts per unit id: every column of ``COUNT_COLUMNS``, missing ones zero.

    ``rows`` are dicts with ``unit_id`` and any subset of the count columns;
    several rows for the same unit (one per query section) are summed, other
    keys are ignored.
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
    return _counts_table(ids, [sums[i] for i in ids])


def _active_mask(units: Table, period: Period) -> np.ndarray:
    import numpy as np

    return np.fromiter(
        (
            (start is None or start <= period.end) and (end is None or end >= period.start)
            for start, end in zip(units["valid_from"], units["valid_until"], strict=True)
        ),
        dtype=bool,
        count=len(units),
    )


def ancestor_matrix(units: Table) -> np.ndarray:
    """``A[i, j] = 1`` when unit ``i`` is unit ``j`` or one of its ancestors (positions in
    ``units``).

    Read from the materialised path; ids on a path that are not in ``units``
    (ancestors above the table's roots) are skipped. ``A @ own`` is then every
    unit's subtree total.
    """
    import numpy as np

    position = {unit_id: i for i, unit_id in enumerate(units.index)}
    matrix = np.zeros((len(position), len(position)), dtype="float64")
    for j, path in enumerate(units["path"]):
        for part in path.strip("/").split("/"):
            i = position.get(int(part)) if part else None
            if i is not None:
                matrix[i, j] = 1.0
    return matrix


def _own_matrix(units: Table, own: Table) -> np.ndarray:
    """Own counts aligned on ``units`` (zero for units without records), as floats."""
    import numpy as np

    matrix = np.zeros((len(units), len(COUNT_COLUMNS)), dtype="float64")
    if not len(own):
        return matrix
    values = np.nan_to_num(
        np.array([own[c] if c in own else [0] * len(own) for c in COUNT_COLUMNS], dtype="float64").T
    )
    where = own._position
    positions = np.array([where.get(unit_id, -1) for unit_id in units.index], dtype="int64")
    found = positions >= 0
    matrix[found] = values[positions[found]]
    return matrix


def rollup(units: Table, own: Table) -> Table:
    """Subtree totals: every unit's counts plus those of all its descendants.

    One matrix product, the unit-ancestor matrix (``ancestor_matrix``) times
    the own counts. Counts of units missing from ``units`` are ignored, and so
    are ancestors above the table's roots.
    """
    rolled = ancestor_matrix(units) @ _own_matrix(units, own)
    return _counts_table(units.index, rolled.tolist())


def _rate_arrays(column: Callable[[str], np.ndarray]) -> dict[str, np.ndarray]:
    """Every rate of ``RATES`` from whole columns; NaN where the denominator is zero."""
    import numpy as np

    rates = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for rate, (numerator, denominator) in RATES.items():
            den = np.asarray(column(denominator), dtype="float64")
            rates[rate] = np.where(
                den > 0, np.asarray(column(numerator), dtype="float64") / den, np.nan
            )
    return rates


def _column_array(table: Table) -> Callable[[str], np.ndarray]:
    import numpy as np

    return lambda column: np.array(table[column], dtype="float64")


def add_rates(frame: Table) -> Table:
    """A copy with the rate and flag columns; a rate is null (None) where its denominator is zero.

    Counts left out by a filed report (``UNKNOWN_WHEN``) become null too.
    """
    column = _column_array(frame)
    columns = {name: list(values) for name, values in frame._columns.items()}
    for rate, values in _rate_arrays(column).items():
        columns[rate] = _floats(values)
    for flag, values in _flag_arrays(column).items():
        columns[flag] = values.tolist()
    for name, unknown in UNKNOWN_WHEN.items():
        columns[name] = _ints(_unknown_where(column(name), column(unknown)))
    return Table(frame.index, columns)


def _unknown_where(values: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    """A count column as floats, NaN where ``unknown`` counts a report that left it out."""
    import numpy as np

    values = np.asarray(values, dtype="float64")
    return np.where(np.asarray(unknown, dtype="float64") > 0, np.nan, values)


def score(frame: Table, methodology: Methodology) -> dict[int, float | None]:
    """Score 0..100 of each row (``reports.scoring``) by unit id: the sum of its components'
    points."""
    column = _column_array(frame)
    metrics = {c: column(c) for c in frame.columns if c in METRIC_COLUMNS or "." in c}
    scores = score_units(metrics, methodology, len(frame)).score
    return dict(zip(frame.index, _floats(scores), strict=True))


def _flag_arrays(column: Callable[[str], np.ndarray]) -> dict[str, np.ndarray]:
    """Every flag of ``FLAGS``: true where its count is zero."""
    import numpy as np

    return {flag: np.asarray(column(count), dtype="float64") == 0 for flag, count in FLAGS.items()}


def values_frame(rows: list[dict]) -> Table:
    """Own values per unit id (``VALUE_COLUMNS``), the first non-null one of each unit's rows.

    Several rows for the same unit (one per query section) each carry some of
    the columns; a column no row gives is None.
    """
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        values = found.setdefault(row["unit_id"], {})
        for column in VALUE_COLUMNS:
            value = row.get(column)
            if column not in values and not _missing(value):
                values[column] = value
    ids = sorted(found)
    return Table(ids, {c: [found[i].get(c) for i in ids] for c in VALUE_COLUMNS})


def _value_arrays(units_index: Sequence[int], values: Table | None) -> dict[str, np.ndarray]:
    """``VALUE_COLUMNS`` aligned on ``units_index`` as floats (NaN where null; procedure counts
    zero)."""
    import numpy as np

    where = values._position if values is not None else {}
    positions = [where.get(unit_id) for unit_id in units_index]
    arrays: dict[str, np.ndarray] = {}
    for column in VALUE_COLUMNS:
        given = values[column] if values is not None else []
        default = VALUE_DEFAULTS.get(column, math.nan)
        arrays[column] = np.array(
            [default if at is None or given[at] is None else float(given[at]) for at in positions],
            dtype="float64",
        )
    return arrays


def _rank_array(
    groups: np.ndarray, scores: np.ndarray, eligible: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Rank, number of ranked peers and their mean score per row, within its peer group.

    Rank 1 is the best score among the eligible rows of the same group; ties
    share the lower rank; NaN for a row not eligible. ``peers`` and
    ``peer_average`` are given to every row of a group that has ranked rows.
    """
    import numpy as np

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


@dataclass
class _PeriodResult:
    """One period over every unit of the tree (positions of the units table)."""

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
    units: Table,
    rolled: np.ndarray,
    period: Period,
    methodology: Methodology,
) -> _PeriodResult:
    import numpy as np

    metrics = {column: rolled[:, i] for i, column in enumerate(COUNT_COLUMNS)}
    metrics.update(_rate_arrays(metrics.__getitem__))
    metrics.update(_flag_arrays(metrics.__getitem__))
    active = _active_mask(units, period)
    scores = score_units(metrics, methodology, len(units))
    rankable = metrics["staff_count"] >= methodology.min_staff
    groups = np.array(units["peer_group"], dtype=object)
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
    units: Table, result: _PeriodResult, extra: dict[str, Callable[[Any], list]] | None = None
) -> Table:
    """The rows of the units in force, sorted by path, as plain values."""
    import numpy as np

    paths = units["path"]
    positions = sorted(np.flatnonzero(result.active).tolist(), key=paths.__getitem__)
    order = np.array(positions, dtype="int64")
    columns: dict[str, list[Any]] = {
        column: [units[column][i] for i in positions]
        for column in ("code", "name", "level", "parent", "path", "depth")
    }
    for column in COUNT_COLUMNS:
        values = result.metrics[column][order]
        columns[column] = values.tolist() if column in FLOAT_COUNTS else _ints(values)
    for column, unknown in UNKNOWN_WHEN.items():
        columns[column] = _ints(
            _unknown_where(result.metrics[column][order], result.metrics[unknown][order])
        )
    for column in RATE_COLUMNS:
        columns[column] = _floats(result.metrics[column][order])
    for column in FLAG_COLUMNS:
        columns[column] = result.metrics[column][order].tolist()
    for column in VALUE_COLUMNS:
        values = result.values[column][order] if result.values else np.full(len(order), np.nan)
        columns[column] = _ints(values) if column in INT_VALUE_COLUMNS else _floats(values)
    columns["score"] = _floats(result.score[order])
    columns["rankable"] = result.rankable[order].tolist()
    columns["rank"] = _ints(result.rank[order])
    columns["peers"] = _ints(result.peers[order])
    columns["peer_average"] = _floats(result.peer_average[order])
    for name, values in (extra or {}).items():
        columns[name] = values(order)
    for key, values in result.points.items():
        columns[f"points.{key}"] = _floats(values[order])
    columns["peer_group"] = [units["peer_group"][i] for i in positions]
    return Table([units.index[i] for i in positions], columns)


def period_frame(
    units: Table,
    own: Table,
    period: Period,
    methodology: Methodology,
    values: Table | None = None,
) -> Table:
    """One row per unit in force during ``period``: rolled-up metrics, rates, score, points,
    rank."""
    # Roll up over every unit of the tree (a record may sit on a unit that
    # has since been dissolved), then keep the units of the period.
    rolled = ancestor_matrix(units) @ _own_matrix(units, own)
    result = _period_result(units, rolled, period, methodology)
    result.values = _value_arrays(units.index, values)
    return _frame(units, result)


def build_report(
    units: Table,
    current: Table,
    previous: Table,
    period: Period,
    methodology: Methodology,
    values: Table | None = None,
) -> Table:
    """The report table: the current period's rows with the change against the previous period.

    Both periods are scored with ``methodology`` (the one of the current
    period), so a change in score is a change in the unit, not in the method.
    ``score_change`` is current minus previous score; ``rank_change`` is
    previous minus current rank, so a positive number means the unit moved up.
    Both are null for a unit missing, unscored or unranked in either period.
    Ranks are among the unit's peers (``peer_group``) in the whole of
    ``units``: give it the whole tree and cut the rows afterwards, and every
    viewer sees the same ranks.

    Whole arrays throughout: both periods are rolled up in one matrix
    product, rates, scores and ranks are computed on columns, and the table
    is built once at the end.
    """
    import numpy as np

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
            "previous_score": lambda order: _floats(previous_score[order]),
            "previous_rank": lambda order: _ints(previous_rank[order]),
            "score_change": lambda order: _floats(
                np.round(now.score[order] - previous_score[order], 2)
            ),
            "rank_change": lambda order: _ints(previous_rank[order] - now.rank[order]),
        },
    )


def subtree_total(
    units: Table, own: Table, root_id: int, values: Table | None = None
) -> dict[str, Any]:
    """The metrics of the whole subtree under ``root_id`` (rates included), by column.

    Computed from every unit of the tree, so the total holds even when the
    root itself was not in force for the whole period.
    """
    rolled = add_rates(rollup(units, own))
    for column, data in _value_arrays(units.index, values).items():
        rolled[column] = _floats(data)
    return rolled.row(root_id, METRIC_COLUMNS)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def clean_value(value):
    """A cell as a plain Python value: NaN and pandas' NA to None, NumPy scalars unwrapped."""
    if type(value).__module__ == "numpy":
        value = value.item()
    if _missing(value) or type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value
