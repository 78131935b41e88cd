"""Accountability report, layer 2: plain rows to pandas frames.

No ORM and no request here. The queries layer hands over, per period, a frame
of *own* counts per unit (what was recorded against that very unit) and the
unit tree; this module rolls the counts up the tree (a parent's figures
include its whole subtree), derives rates (null where the denominator is
zero), scores every unit from 0 to 100 (``reports.scoring``), ranks units
against the others of the same level and compares with the previous period
of the same length.

Column names are the flat metric names of the CSV (``findings_by_severity.minor``);
the JSON renderer nests them on the dot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.scoring import COMPONENTS, ScoringConfig

SEVERITIES = ("minor", "serious", "very_serious", "extremely_serious")
DECISION_FORMS = (
    "khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc", "buoc_thoi_viec", "bai_nhiem",
)
ORGANIZER_LEVELS = ("central", "province", "district", "commune")

# Additive counts: summed up the tree. The order is the column order of the
# CSV and of the workbook.
COUNT_COLUMNS: tuple[str, ...] = (
    "staff_count",
    "inspections",
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

# rate column -> (numerator, denominator)
RATES: dict[str, tuple[str, str]] = {
    "findings_per_staff": ("findings", "staff_count"),
    "discipline_cases_per_staff": ("discipline_cases", "staff_count"),
    "corrective_actions_on_time_rate": ("corrective_actions_on_time", "corrective_actions_due"),
    "feedback_resolved_on_time_rate": ("feedback_resolved_on_time", "feedback_due"),
    "training_requirement_met_rate": ("training_requirement_met", "training_required_staff"),
}
RATE_COLUMNS = tuple(RATES)
METRIC_COLUMNS = COUNT_COLUMNS + RATE_COLUMNS
FLOAT_COUNTS = frozenset({"training_hours"})

UNIT_COLUMNS = ("code", "name", "level", "parent", "path", "depth", "valid_from", "valid_until")
RESULT_COLUMNS = (
    "score", "rankable", "rank", "previous_score", "previous_rank", "score_change", "rank_change",
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
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

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
    return frame


def counts_frame(rows: list[dict]) -> pd.DataFrame:
    """Own counts per unit id: every column of ``COUNT_COLUMNS``, missing ones zero.

    ``rows`` are dicts with ``unit_id`` and any subset of the count columns;
    several rows for the same unit (one per query section) are summed.
    """
    if rows:
        frame = pd.DataFrame(rows)
        frame = frame.groupby("unit_id").sum(numeric_only=True)
    else:
        frame = pd.DataFrame(index=pd.Index([], name="unit_id", dtype="int64"))
    frame = frame.reindex(columns=list(COUNT_COLUMNS), fill_value=0).fillna(0)
    return _cast_counts(frame)


COUNT_DTYPES = {column: ("float64" if column in FLOAT_COUNTS else "int64") for column in COUNT_COLUMNS}


def _cast_counts(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(COUNT_DTYPES)


def active_units(units: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Units in force at some point of ``period`` (the units of that period)."""
    mask = [
        (pd.isna(start) or start <= period.end) and (pd.isna(end) or end >= period.start)
        for start, end in zip(units["valid_from"], units["valid_until"], strict=True)
    ]
    return units[np.array(mask, dtype=bool)]


def rollup(units: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    """Subtree totals: every unit's counts plus those of all its descendants.

    Uses the materialised path: each unit contributes to every id on its own
    path. Counts of units missing from ``units`` are ignored, and so are
    ancestors above the frame's roots. Done with one ``numpy.add.at`` over
    (ancestor, descendant) pairs: pandas' per-operation overhead would cost
    more than the arithmetic on a province's few hundred units.
    """
    values = own.reindex(index=units.index, columns=list(COUNT_COLUMNS), fill_value=0).fillna(0).to_numpy("float64")
    position = {unit_id: i for i, unit_id in enumerate(units.index)}
    ancestors: list[int] = []
    descendants: list[int] = []
    for j, path in enumerate(units["path"]):
        for part in path.strip("/").split("/"):
            i = position.get(int(part)) if part else None
            if i is not None:
                ancestors.append(i)
                descendants.append(j)
    rolled = np.zeros_like(values)
    if ancestors:
        np.add.at(rolled, np.asarray(ancestors), values[np.asarray(descendants)])
    return pd.DataFrame(rolled, index=units.index, columns=list(COUNT_COLUMNS)).astype(COUNT_DTYPES)


def add_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the rate columns; a rate is null (NaN) where its denominator is zero."""
    frame = frame.copy()
    for rate, (numerator, denominator) in RATES.items():
        den = frame[denominator].astype("float64")
        frame[rate] = (frame[numerator].astype("float64") / den).where(den > 0)
    return frame


def components(frame: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """Each score component between 0 and 1 (NaN when it cannot be judged)."""
    staff = frame["staff_count"]
    enough_staff = staff >= max(config.min_rate_sample, 1)

    def capped(rate: str, cap: float) -> pd.Series:
        return (1.0 - (frame[rate] / cap).clip(upper=1.0)).where(enough_staff)

    def share(rate: str) -> pd.Series:
        denominator = RATES[rate][1]
        return frame[rate].where(frame[denominator] >= config.min_rate_sample)

    return pd.DataFrame(
        {
            "discipline": capped("discipline_cases_per_staff", config.discipline_cap),
            "findings": capped("findings_per_staff", config.findings_cap),
            "corrective_actions": share("corrective_actions_on_time_rate"),
            "feedback": share("feedback_resolved_on_time_rate"),
            "training": share("training_requirement_met_rate"),
        },
        index=frame.index,
        columns=list(COMPONENTS),
    )


def score(frame: pd.DataFrame, config: ScoringConfig) -> pd.Series:
    """Score 0..100: weighted mean of the components present, rounded to 0.01."""
    parts = components(frame, config)
    weights = pd.Series({c: float(config.weights.get(c, 0.0)) for c in COMPONENTS})
    present = parts.notna()
    weight_sum = present.mul(weights, axis=1).sum(axis=1)
    weighted = parts.fillna(0.0).mul(weights, axis=1).sum(axis=1)
    result = (100.0 * weighted / weight_sum).where(weight_sum > 0)
    return result.round(2)


def rank(frame: pd.DataFrame) -> pd.Series:
    """Rank 1 = best score among rankable units of the same level; ties share a rank."""
    eligible = frame["rankable"] & frame["score"].notna()
    ranks = frame.loc[eligible].groupby("level")["score"].rank(method="min", ascending=False)
    return ranks.reindex(frame.index).astype("Int64")


def period_frame(
    units: pd.DataFrame, own: pd.DataFrame, period: Period, config: ScoringConfig
) -> pd.DataFrame:
    """One row per unit in force during ``period``: rolled-up metrics, rates, score, rank."""
    # Roll up over every unit of the tree (a record may sit on a unit that
    # has since been dissolved), then keep the units of the period.
    rolled = add_rates(rollup(units, own))
    active = active_units(units, period)
    frame = units.loc[active.index, ["code", "name", "level", "parent", "path", "depth"]].join(
        rolled.loc[active.index]
    )
    frame["score"] = score(frame, config)
    frame["rankable"] = frame["staff_count"] >= config.min_staff
    frame["rank"] = rank(frame)
    return frame.sort_values("path", kind="stable")


def build_report(
    units: pd.DataFrame,
    current: pd.DataFrame,
    previous: pd.DataFrame,
    period: Period,
    config: ScoringConfig,
) -> pd.DataFrame:
    """The report frame: the current period's rows with the change against the previous period.

    ``score_change`` is current minus previous score; ``rank_change`` is
    previous minus current rank, so a positive number means the unit moved up.
    Both are null for a unit missing, unscored or unranked in either period.
    """
    now = period_frame(units, current, period, config)
    before = period_frame(units, previous, period.previous(), config)
    now["previous_score"] = before["score"].reindex(now.index)
    now["previous_rank"] = before["rank"].reindex(now.index).astype("Int64")
    now["score_change"] = (now["score"] - now["previous_score"]).round(2)
    now["rank_change"] = (now["previous_rank"] - now["rank"]).astype("Int64")
    return now


def subtree_total(units: pd.DataFrame, own: pd.DataFrame, root_id: int) -> pd.Series:
    """The metrics of the whole subtree under ``root_id`` (rates included).

    Computed from every unit of the tree, so the total holds even when the
    root itself was not in force for the whole period.
    """
    rolled = add_rates(rollup(units, own))
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
