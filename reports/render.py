"""Accountability report, layer 3: the report table to JSON and CSV (the workbook is in
``excel.py``).

``Report`` is what every renderer receives: the period, the requested root,
the report table of ``reports.frames`` and the subtree total. Metric labels
live here, translatable, so the workbook, the HTML page and the CSV share
one vocabulary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from reports.frames import (
    COUNT_COLUMNS,
    DECISION_FORMS,
    FLAG_COLUMNS,
    FLOAT_COUNTS,
    INT_VALUE_COLUMNS,
    METRIC_COLUMNS,
    ORGANIZER_LEVELS,
    PROCEDURE_LEVELS,
    SERVICE_SCOPES,
    SEVERITIES,
    Period,
    Table,
    clean_value,
)
from reports.scoring import Methodology

UNIT_FIELDS = ("code", "name", "level", "parent")
RESULT_FIELDS = (
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
PERCENT_COLUMNS = frozenset(
    {
        "inspections_concluded_rate",
        "corrective_actions_on_time_rate",
        "discipline_handled_on_time_rate",
        "feedback_resolved_on_time_rate",
        "training_requirement_met_rate",
        "dossiers_on_time_rate",
        "dossiers_overdue_rate",
        "dossiers_online_rate",
    }
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
SCOPE_LABELS = {
    "district": _("District-level counter"),
    "commune": _("Commune-level counters"),
    "inter_level": _("Inter-level"),
    "electronic": _("Electronic one-stop system"),
}
SCOPE_FIGURE_LABELS = {
    "received": _("{scope}: received"),
    "resolved": _("{scope}: resolved"),
    "pending_in_time": _("{scope}: pending within the deadline"),
    "overdue": _("{scope}: overdue"),
    "unreconciled": _("{scope}: reports that do not add up"),
    "pending_unreported": _("{scope}: reports without the pending figure"),
    "reconciles": _("{scope}: figures add up"),
}
PROCEDURE_LEVEL_LABELS = {
    "province": _("Procedures posted: province level"),
    "district": _("Procedures posted: district level"),
    "commune": _("Procedures posted: commune level"),
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
    "staff_count": _("Number of staff"),
    "inspections": _("Inspections"),
    "inspections_concluded": _("Inspections concluded"),
    "inspections_concluded_rate": _("Inspection plan done (%)"),
    "findings": _("Findings"),
    **{
        f"findings_by_severity.{s}": format_lazy(
            _("Findings: {severity}"), severity=SEVERITY_LABELS[s]
        )
        for s in SEVERITIES
    },
    "findings_per_staff": _("Findings per staff member"),
    "corrective_actions": _("Corrective actions due in the period"),
    "corrective_actions_due": _("Corrective actions due so far"),
    "corrective_actions_on_time": _("Corrective actions done on time"),
    "corrective_actions_open": _("Corrective actions open"),
    "corrective_actions_overdue": _("Corrective actions overdue"),
    "corrective_actions_on_time_rate": _("Corrective actions on time (%)"),
    "discipline_cases": _("Discipline cases"),
    **{
        f"discipline_decisions_by_form.{f}": format_lazy(
            _("Decisions: {form}"), form=FORM_LABELS[f]
        )
        for f in DECISION_FORMS
    },
    "discipline_overdue": _("Discipline cases past the handling limit"),
    "discipline_cases_per_staff": _("Discipline cases per staff member"),
    "discipline_due": _("Discipline cases due for a decision"),
    "discipline_handled_on_time": _("Discipline cases decided in time"),
    "discipline_handled_on_time_rate": _("Discipline cases decided in time (%)"),
    "feedback_received": _("Feedback received"),
    "feedback_substantiated": _("Feedback substantiated"),
    "feedback_due": _("Feedback due for an answer"),
    "feedback_resolved_on_time": _("Feedback answered on time"),
    "feedback_resolved_on_time_rate": _("Feedback answered on time (%)"),
    "training_turns": _("Training turns"),
    **{
        f"training_turns_by_organizer_level.{lvl}": format_lazy(
            _("Turns organised by: {level}"), level=ORGANIZER_LABELS[lvl]
        )
        for lvl in ORGANIZER_LEVELS
    },
    "training_hours": _("Training hours"),
    "training_required_staff": _("Staff under a training requirement"),
    "training_requirement_met": _("Staff meeting the requirement"),
    "training_requirement_met_rate": _("Training requirement met (%)"),
    "dossiers_received": _("Dossiers received"),
    "dossiers_resolved": _("Dossiers resolved"),
    "dossiers_resolved_judged": _("Dossiers resolved, lateness known"),
    "dossiers_resolved_on_time": _("Dossiers resolved early or on time"),
    "dossiers_pending_in_time": _("Dossiers pending within the deadline"),
    "dossiers_pending_unreported": _("Reports without the pending figure"),
    "dossiers_overdue": _("Dossiers overdue"),
    "dossiers_late_in_system_only": _("Late only in the electronic system"),
    "dossiers_apologies_issued": _("Apologies issued for late dossiers"),
    "dossiers_online": _("Dossiers received online"),
    "dossiers_postal": _("Dossiers received by post"),
    "dossiers_on_time_rate": _("Dossiers resolved on time (%)"),
    "dossiers_overdue_rate": _("Dossiers overdue (%)"),
    "dossiers_online_rate": _("Dossiers received online (%)"),
    **{
        f"dossiers_by_scope.{scope}.{figure}": format_lazy(label, scope=SCOPE_LABELS[scope])
        for scope in SERVICE_SCOPES
        for figure, label in SCOPE_FIGURE_LABELS.items()
    },
    **{f"procedures_published.{level}": label for level, label in PROCEDURE_LEVEL_LABELS.items()},
    "par_index.score": _("PAR index score"),
    "par_index.rank": _("PAR index rank"),
    "par_index.ranked_units": _("Units ranked on the PAR index"),
    "par_index.previous_rank": _("PAR index rank the year before"),
    "score": _("Score"),
    "rankable": _("Ranked"),
    "rank": pgettext_lazy("place in a ranking", "Rank"),
    "peers": _("Ranked peers"),
    "peer_average": _("Peers' average score"),
    "previous_score": _("Previous score"),
    "previous_rank": pgettext_lazy("place in a ranking", "Previous rank"),
    "score_change": _("Score change"),
    "rank_change": _("Rank change"),
}

# Sheets of the workbook (and sections of the HTML page): title and columns.
SECTIONS: list[tuple[str, Any, tuple[str, ...]]] = [
    (
        "inspections",
        _("Inspections and findings"),
        (
            "staff_count",
            "inspections",
            "inspections_concluded",
            "inspections_concluded_rate",
            "findings",
            *(f"findings_by_severity.{s}" for s in SEVERITIES),
            "findings_per_staff",
        ),
    ),
    (
        "corrective_actions",
        _("Corrective actions"),
        (
            "corrective_actions",
            "corrective_actions_due",
            "corrective_actions_on_time",
            "corrective_actions_open",
            "corrective_actions_overdue",
            "corrective_actions_on_time_rate",
        ),
    ),
    (
        "discipline",
        _("Discipline"),
        # What the methodology scores first (cases decided within the handling
        # deadline, of those due), then the caseload it is read against.
        (
            "staff_count",
            "discipline_due",
            "discipline_handled_on_time",
            "discipline_handled_on_time_rate",
            "discipline_overdue",
            "discipline_cases",
            *(f"discipline_decisions_by_form.{f}" for f in DECISION_FORMS),
            "discipline_cases_per_staff",
        ),
    ),
    (
        "feedback",
        _("Citizen feedback"),
        (
            "feedback_received",
            "feedback_substantiated",
            "feedback_due",
            "feedback_resolved_on_time",
            "feedback_resolved_on_time_rate",
        ),
    ),
    (
        "training",
        _("Training"),
        (
            "training_turns",
            *(f"training_turns_by_organizer_level.{lvl}" for lvl in ORGANIZER_LEVELS),
            "training_hours",
            "training_required_staff",
            "training_requirement_met",
            "training_requirement_met_rate",
        ),
    ),
    (
        "service_delivery",
        _("Service delivery"),
        (
            "dossiers_received",
            "dossiers_resolved",
            "dossiers_pending_in_time",
            "dossiers_overdue",
            "dossiers_on_time_rate",
            "dossiers_overdue_rate",
            "dossiers_online",
            "dossiers_postal",
            "dossiers_online_rate",
            "dossiers_late_in_system_only",
            "dossiers_apologies_issued",
            *(
                f"dossiers_by_scope.{scope}.{figure}"
                for scope in SERVICE_SCOPES
                for figure in ("received", "resolved", "pending_in_time", "overdue", "reconciles")
            ),
            *(f"procedures_published.{level}" for level in PROCEDURE_LEVELS),
            "par_index.score",
            "par_index.rank",
            "par_index.ranked_units",
            "par_index.previous_rank",
        ),
    ),
]


@dataclass
class Report:
    """One computed accountability report, ready for any renderer."""

    period: Period
    root: dict[str, Any]
    units: Table
    total: dict[str, Any]
    methodology: Methodology
    generated_on: dt.date
    issuing_body: str = ""
    document_symbol: str = "UBND"
    place: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    missing_components: tuple = ()

    @property
    def previous_period(self) -> Period:
        return self.period.previous()

    @property
    def point_columns(self) -> tuple[str, ...]:
        """``points.<component>`` of the methodology, in its order."""
        return tuple(f"points.{c.key}" for c in self.methodology.components)

    def unit_columns(self) -> dict[str, list[Any]]:
        """Each column of ``unit_rows`` (unit fields, metrics, results, points) as a list of plain
        values."""
        names = (*UNIT_FIELDS, *METRIC_COLUMNS, *RESULT_FIELDS, *self.point_columns)
        return {column: list(self.units[column]) for column in names}

    def unit_rows(self) -> Iterator[dict[str, Any]]:
        """Each unit as a flat dict of plain values (unit fields, metrics, results)."""
        columns = self.unit_columns()
        names = list(columns)
        for row in zip(*columns.values(), strict=True):
            yield dict(zip(names, row, strict=True))


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b.c": 1}`` -> ``{"a": {"b": {"c": 1}}}``: the CSV's flat names to the JSON's
    objects."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *heads, last = key.split(".")
        target = nested
        for head in heads:
            target = target.setdefault(head, {})
        target[last] = value
    return _null_par_index(nested)


def _null_par_index(metrics: dict[str, Any]) -> dict[str, Any]:
    """``par_index`` is null, not an object of nulls, for a unit without a result that year."""
    par = metrics.get("par_index")
    if isinstance(par, dict) and par.get("score") is None:
        metrics["par_index"] = None
    return metrics


def _nested_columns(
    columns: dict[str, list[Any]], names: tuple[str, ...]
) -> tuple[list[str], list[list[Any]]]:
    """The keys of ``nest`` over ``names`` and, per key, its values for every unit.

    Nested keys get dicts. Column by column, so the nesting is worked out
    once and not once per unit; deeper names
    (``dossiers_by_scope.district.received``) are nested the same way, one
    level at a time.
    """
    groups: dict[str, list[str] | None] = {}
    for name in names:
        head, dot, tail = name.partition(".")
        if dot:
            group = groups.setdefault(head, [])
            if group is None:
                raise ValueError(f"{head} is both a column and a group of columns")
            group.append(tail)
        else:
            groups[name] = None
    values: list[list[Any]] = []
    for head, tails in groups.items():
        if tails is None:
            values.append(columns[head])
            continue
        keys, inner = _nested_columns(
            {tail: columns[f"{head}.{tail}"] for tail in tails}, tuple(tails)
        )
        objects = [dict(zip(keys, row, strict=True)) for row in zip(*inner, strict=True)]
        values.append([_par_object(par) for par in objects] if head == "par_index" else objects)
    return list(groups), values


def _par_object(par: dict[str, Any]) -> dict[str, Any] | None:
    return None if par.get("score") is None else par


def total_metrics(total: dict[str, Any]) -> dict[str, Any]:
    flat = {}
    for column in METRIC_COLUMNS:
        value = clean_value(total[column])
        if value is not None and (
            (column in COUNT_COLUMNS and column not in FLOAT_COUNTS) or column in INT_VALUE_COLUMNS
        ):
            value = int(value)
        elif value is not None and column in FLAG_COLUMNS:
            value = bool(value)
        flat[column] = value
    return nest(flat)


def to_json(report: Report) -> dict[str, Any]:
    """The report as docs/contract.md shapes it (plus the previous period and the scoring used)."""
    columns = report.unit_columns()
    metric_keys, metric_values = _nested_columns(columns, METRIC_COLUMNS)
    metrics = [dict(zip(metric_keys, row, strict=True)) for row in zip(*metric_values, strict=True)]
    points = (
        [
            dict(zip((c.key for c in report.methodology.components), row, strict=True))
            for row in zip(*(columns[c] for c in report.point_columns), strict=True)
        ]
        if report.point_columns
        else [{} for _ in range(len(report.units))]
    )
    keys = [*UNIT_FIELDS, "metrics", *RESULT_FIELDS, "points"]
    values = [
        *(columns[f] for f in UNIT_FIELDS),
        metrics,
        *(columns[f] for f in RESULT_FIELDS),
        points,
    ]
    units = [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]
    return {
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "previous_period": {
            "start": report.previous_period.start.isoformat(),
            "end": report.previous_period.end.isoformat(),
        },
        "unit": {"code": report.root["code"], "name": report.root["name"]},
        "total": total_metrics(report.total),
        "units": units,
        "scoring": scoring_json(report),
    }


def scoring_json(report: Report) -> dict[str, Any]:
    """The methodology used, its components (and which could not be scored), and the method in
    words."""
    method = report.methodology
    missing = {c.key for c in report.missing_components}
    return {
        "methodology": method.code,
        "name": method.name,
        "valid_from": method.valid_from.isoformat(),
        "source_document": method.source_document,
        "min_staff": method.min_staff,
        "components": [
            {
                "key": c.key,
                "name": c.label(translation.get_language()),
                "formula": c.formula,
                "sample": c.sample,
                "weight": c.weight,
                "min_sample": c.min_sample,
                "scored": c.key not in missing,
            }
            for c in method.components
        ],
        "explanation": method_in_words(report),
    }


def _number(value: float) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if (translation.get_language() or "vi").startswith("vi") else text


def method_in_words(report: Report) -> list[str]:
    """The scoring method as sentences, for the page, the workbook, the PDF and the JSON."""
    method = report.methodology
    language = translation.get_language()
    missing = report.missing_components
    scored = [c for c in method.components if c not in missing]
    total = sum(c.weight for c in scored) or 1.0
    parts = [
        gettext(
            'Scores follow the methodology "%(name)s" in force from %(date)s (source: %(source)s).'
        )
        % {
            "name": method.name,
            "date": method.valid_from.strftime("%d/%m/%Y"),
            "source": method.source_document,
        },
        gettext(
            "Each component is a share between 0 and 1 of something a unit should do more "
            "of; a unit earns its weight times that share as points, and its score (0 to "
            "100) is the sum of its points."
        ),
        "; ".join(
            gettext("%(name)s: %(weight)s%% (at least %(min)s cases)")
            % {
                "name": c.label(language),
                "weight": _number(round(100 * c.weight / total, 1)),
                "min": c.min_sample,
            }
            for c in scored
        )
        + ".",
        gettext(
            "A component with fewer cases than its minimum for a unit is left out for that "
            "unit and the weights of the others are rescaled to 100."
        ),
    ]
    if missing:
        parts.append(
            gettext(
                "Not scored, because the report has no figures for them: %(names)s; their "
                "weight is shared among the other components."
            )
            % {"names": ", ".join(c.label(language) for c in missing)}
        )
    parts.append(
        gettext(
            "Units are ranked among units of the same level under the same level of parent "
            "in the whole province, whoever reads the report; units with fewer than %(min)s "
            "staff are scored but not ranked."
        )
        % {"min": method.min_staff}
    )
    return [str(p) for p in parts]


CSV_COLUMNS: tuple[str, ...] = (*UNIT_FIELDS, *METRIC_COLUMNS, *RESULT_FIELDS)


def csv_columns(report: Report) -> tuple[str, ...]:
    """The CSV's stable keys: unit fields, metrics, results, then each component's points."""
    return (*CSV_COLUMNS, *report.point_columns)


def csv_headers(report: Report, *, keys: bool = False) -> list[str]:
    """Column titles in the active language (Vietnamese by default), or the stable keys."""
    columns = csv_columns(report)
    if keys:
        return list(columns)
    language = translation.get_language()
    names = {f"points.{c.key}": c.label(language) for c in report.methodology.components}
    points = gettext("Points: %(component)s")
    return [
        points % {"component": names[column]} if column in names else str(LABELS[column])
        for column in columns
    ]


def _csv_value(column: str, value: Any) -> Any:
    if value is None or value.__class__ is bool or value.__class__ is int:
        return value
    if column in RATE_COLUMNS_ALL:
        value = round(value, 4)
    if value.__class__ is float and value.is_integer():
        return int(value)
    return value


RATE_COLUMNS_ALL = PERCENT_COLUMNS | RATIO_COLUMNS


def csv_rows(report: Report, *, keys: bool = False) -> Iterator[list[Any]]:
    """One row per unit, one column per metric, in ``csv_columns`` order.

    Integers are written without ".0", rates rounded to 4 places; unless
    ``keys``, the level and "ranked" are words in the active language.
    """
    columns = report.unit_columns()
    names = csv_columns(report)
    if not keys:
        levels = {level: str(label) for level, label in LEVEL_LABELS.items()}
        columns["level"] = [levels.get(level, level) for level in columns["level"]]
        yes, no = gettext("Yes"), gettext("No")
        columns["rankable"] = [yes if value else no for value in columns["rankable"]]
    converted = [[_csv_value(name, v) for v in columns[name]] for name in names]
    for row in zip(*converted, strict=True):
        yield list(row)


def filename(report: Report, extension: str) -> str:
    start, end = report.period.start, report.period.end
    span = (
        str(start.year)
        if report.period.is_whole_years and start.year == end.year
        else f"{start:%Y%m%d}-{end:%Y%m%d}"
    )
    return f"accountability-{report.root['code']}-{span}.{extension}"


def service_summary(report: Report) -> dict[str, Any]:
    """The total's service-delivery figures for the HTML page: one row per scope, the totals, the
    PAR index."""
    total = total_metrics(report.total)
    scopes = [
        {"label": SCOPE_LABELS[scope], **total["dossiers_by_scope"][scope]}
        for scope in SERVICE_SCOPES
    ]

    def percent(value):
        return "-" if value is None else f"{value * 100:.2f}%"

    totals = [
        (LABELS["dossiers_received"], total["dossiers_received"]),
        (LABELS["dossiers_resolved"], total["dossiers_resolved"]),
        (LABELS["dossiers_on_time_rate"], percent(total["dossiers_on_time_rate"])),
        (LABELS["dossiers_overdue_rate"], percent(total["dossiers_overdue_rate"])),
        (LABELS["dossiers_online"], total["dossiers_online"]),
        (LABELS["dossiers_postal"], total["dossiers_postal"]),
        (LABELS["dossiers_apologies_issued"], total["dossiers_apologies_issued"]),
        *(
            (PROCEDURE_LEVEL_LABELS[level], total["procedures_published"][level])
            for level in PROCEDURE_LEVELS
        ),
    ]
    return {
        "scopes": scopes,
        "totals": [{"label": label, "value": value} for label, value in totals],
        "par": total["par_index"],
        "year": report.period.end.year,
        "previous_year": report.period.end.year - 1,
    }
