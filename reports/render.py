"""Accountability report, layer 3: the report frame to JSON and CSV (the workbook is in ``excel.py``).

``Report`` is what every renderer receives: the period, the requested root,
the report frame of ``reports.frames`` and the subtree total. Metric labels
live here, translatable, so the workbook, the HTML page and the CSV share
one vocabulary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.frames import (
    COUNT_COLUMNS,
    DECISION_FORMS,
    FLOAT_COUNTS,
    METRIC_COLUMNS,
    ORGANIZER_LEVELS,
    SEVERITIES,
    Period,
    clean_value,
)
from reports.scoring import ScoringConfig

UNIT_FIELDS = ("code", "name", "level", "parent")
RESULT_FIELDS = ("score", "rankable", "rank", "previous_score", "previous_rank", "score_change", "rank_change")
PERCENT_COLUMNS = frozenset(
    {"corrective_actions_on_time_rate", "feedback_resolved_on_time_rate", "training_requirement_met_rate"}
)
RATIO_COLUMNS = frozenset({"findings_per_staff", "discipline_cases_per_staff"})

SEVERITY_LABELS = {
    "minor": _("Minor"),
    "serious": _("Serious"),
    "very_serious": _("Very serious"),
    "extremely_serious": _("Extremely serious"),
}
FORM_LABELS = {
    "khien_trach": _("Reprimand"),
    "canh_cao": _("Warning"),
    "ha_bac_luong": _("Salary step reduction"),
    "giang_chuc": _("Demotion"),
    "cach_chuc": _("Dismissal from post"),
    "buoc_thoi_viec": _("Forced termination"),
    "bai_nhiem": _("Removal from elected office"),
}
ORGANIZER_LABELS = {
    "central": _("Central"),
    "province": _("Province"),
    "district": _("District"),
    "commune": _("Commune"),
}
LEVEL_LABELS = {
    "province": _("Province"),
    "district": _("District"),
    "department": _("Department"),
    "commune": _("Commune"),
}

LABELS: dict[str, Any] = {
    "code": _("Code"),
    "name": _("Unit"),
    "level": _("Level"),
    "parent": _("Parent unit"),
    "staff_count": _("Staff"),
    "inspections": _("Inspections"),
    "findings": _("Findings"),
    **{f"findings_by_severity.{s}": format_lazy(_("Findings: {severity}"), severity=SEVERITY_LABELS[s]) for s in SEVERITIES},
    "findings_per_staff": _("Findings per staff member"),
    "corrective_actions": _("Corrective actions due in the period"),
    "corrective_actions_due": _("Corrective actions due so far"),
    "corrective_actions_on_time": _("Corrective actions done on time"),
    "corrective_actions_open": _("Corrective actions open"),
    "corrective_actions_overdue": _("Corrective actions overdue"),
    "corrective_actions_on_time_rate": _("Corrective actions on time (%)"),
    "discipline_cases": _("Discipline cases"),
    **{f"discipline_decisions_by_form.{f}": format_lazy(_("Decisions: {form}"), form=FORM_LABELS[f]) for f in DECISION_FORMS},
    "discipline_overdue": _("Discipline cases past the handling limit"),
    "discipline_cases_per_staff": _("Discipline cases per staff member"),
    "feedback_received": _("Feedback received"),
    "feedback_substantiated": _("Feedback substantiated"),
    "feedback_due": _("Feedback due for an answer"),
    "feedback_resolved_on_time": _("Feedback answered on time"),
    "feedback_resolved_on_time_rate": _("Feedback answered on time (%)"),
    "training_turns": _("Training turns"),
    **{
        f"training_turns_by_organizer_level.{lvl}": format_lazy(_("Turns organised by: {level}"), level=ORGANIZER_LABELS[lvl])
        for lvl in ORGANIZER_LEVELS
    },
    "training_hours": _("Training hours"),
    "training_required_staff": _("Staff under a training requirement"),
    "training_requirement_met": _("Staff meeting the requirement"),
    "training_requirement_met_rate": _("Training requirement met (%)"),
    "score": _("Score"),
    "rankable": _("Ranked"),
    "rank": pgettext_lazy("place in a ranking", "Rank"),
    "previous_score": _("Previous score"),
    "previous_rank": pgettext_lazy("place in a ranking", "Previous rank"),
    "score_change": _("Score change"),
    "rank_change": _("Rank change"),
}

# Sheets of the workbook (and sections of the HTML page): title and columns.
SECTIONS: list[tuple[str, Any, tuple[str, ...]]] = [
    ("inspections", _("Inspections and findings"), (
        "staff_count", "inspections", "findings", *(f"findings_by_severity.{s}" for s in SEVERITIES),
        "findings_per_staff",
    )),
    ("corrective_actions", _("Corrective actions"), (
        "corrective_actions", "corrective_actions_due", "corrective_actions_on_time",
        "corrective_actions_open", "corrective_actions_overdue", "corrective_actions_on_time_rate",
    )),
    ("discipline", _("Discipline"), (
        "staff_count", "discipline_cases", *(f"discipline_decisions_by_form.{f}" for f in DECISION_FORMS),
        "discipline_overdue", "discipline_cases_per_staff",
    )),
    ("feedback", _("Citizen feedback"), (
        "feedback_received", "feedback_substantiated", "feedback_due", "feedback_resolved_on_time",
        "feedback_resolved_on_time_rate",
    )),
    ("training", _("Training"), (
        "training_turns", *(f"training_turns_by_organizer_level.{lvl}" for lvl in ORGANIZER_LEVELS),
        "training_hours", "training_required_staff", "training_requirement_met", "training_requirement_met_rate",
    )),
]


@dataclass
class Report:
    """One computed accountability report, ready for any renderer."""

    period: Period
    root: dict[str, Any]
    units: pd.DataFrame
    total: pd.Series
    config: ScoringConfig
    generated_on: dt.date
    issuing_body: str = ""
    place: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def previous_period(self) -> Period:
        return self.period.previous()

    def unit_columns(self) -> dict[str, list[Any]]:
        """Each column of ``unit_rows`` (unit fields, metrics, results) as a list of plain values."""
        return {column: _plain_column(self.units[column]) for column in (*UNIT_FIELDS, *METRIC_COLUMNS, *RESULT_FIELDS)}

    def unit_rows(self) -> Iterator[dict[str, Any]]:
        """Each unit as a flat dict of plain values (unit fields, metrics, results)."""
        columns = self.unit_columns()
        names = list(columns)
        for row in zip(*columns.values(), strict=True):
            yield dict(zip(names, row, strict=True))


def _plain_column(series: pd.Series) -> list[Any]:
    """A column as Python values, NaN and NA as None.

    Column by column with ``tolist()`` (numpy converts to Python scalars in
    C): converting cell by cell would cost more than the rest of the
    report's Python work.
    """
    values = series.tolist()
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iub":
        return values
    return [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in values]


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` -> ``{"a": {"b": 1}}``: the CSV's flat names to the JSON's objects."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        head, dot, tail = key.partition(".")
        if dot:
            nested.setdefault(head, {})[tail] = value
        else:
            nested[key] = value
    return nested


def _nested_columns(columns: dict[str, list[Any]], names: tuple[str, ...]) -> tuple[list[str], list[list[Any]]]:
    """The keys of ``nest`` over ``names`` and, per key, its values for every unit (dicts for nested keys).

    Column by column, so the nesting is worked out once and not once per unit.
    """
    groups: dict[str, list[str] | None] = {}
    for name in names:
        head, dot, _tail = name.partition(".")
        if dot:
            group = groups.setdefault(head, [])
            group.append(name)
        else:
            groups[name] = None
    values: list[list[Any]] = []
    for head, members in groups.items():
        if members is None:
            values.append(columns[head])
        else:
            tails = [member.partition(".")[2] for member in members]
            values.append([dict(zip(tails, row, strict=True)) for row in zip(*(columns[m] for m in members), strict=True)])
    return list(groups), values


def _total_metrics(total: pd.Series) -> dict[str, Any]:
    flat = {}
    for column in METRIC_COLUMNS:
        value = clean_value(total[column])
        if value is not None and column in COUNT_COLUMNS and column not in FLOAT_COUNTS:
            value = int(value)
        flat[column] = value
    return nest(flat)


def to_json(report: Report) -> dict[str, Any]:
    """The report as CONTRACT.md shapes it (plus the previous period and the scoring used)."""
    columns = report.unit_columns()
    metric_keys, metric_values = _nested_columns(columns, METRIC_COLUMNS)
    metrics = [dict(zip(metric_keys, row, strict=True)) for row in zip(*metric_values, strict=True)]
    keys = [*UNIT_FIELDS, "metrics", *RESULT_FIELDS]
    values = [*(columns[f] for f in UNIT_FIELDS), metrics, *(columns[f] for f in RESULT_FIELDS)]
    units = [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]
    return {
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "previous_period": {
            "start": report.previous_period.start.isoformat(),
            "end": report.previous_period.end.isoformat(),
        },
        "unit": {"code": report.root["code"], "name": report.root["name"]},
        "total": _total_metrics(report.total),
        "units": units,
        "scoring": {
            "weights": dict(report.config.weights),
            "discipline_cap": report.config.discipline_cap,
            "findings_cap": report.config.findings_cap,
            "min_staff": report.config.min_staff,
            "min_rate_sample": report.config.min_rate_sample,
        },
    }


CSV_COLUMNS: tuple[str, ...] = (*UNIT_FIELDS, *METRIC_COLUMNS, *RESULT_FIELDS)


def csv_rows(report: Report) -> Iterator[list[Any]]:
    """One row per unit, one column per metric, in ``CSV_COLUMNS`` order."""
    columns = report.unit_columns()
    for row in zip(*(columns[column] for column in CSV_COLUMNS), strict=True):
        yield list(row)


def filename(report: Report, extension: str) -> str:
    start, end = report.period.start, report.period.end
    span = str(start.year) if report.period.is_whole_years and start.year == end.year else f"{start:%Y%m%d}-{end:%Y%m%d}"
    return f"accountability-{report.root['code']}-{span}.{extension}"
