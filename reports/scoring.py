"""How a unit's accountability score is made, as data: a methodology of components.

A *methodology* (``Methodology``) is valid from a date and cites the document
it follows. It holds *components*; each has

``formula``
    an arithmetic expression over the report's metrics, e.g.
    ``corrective_actions_on_time / corrective_actions_due``; names are the
    flat metric names of the CSV (``dossiers_by_scope.electronic.received``),
    operators ``+ - * /``, numbers and parentheses. Its value is clipped to
    0..1 (1 is best);
``sample``
    an expression giving the number of cases the value rests on (usually the
    formula's denominator);
``weight`` and ``min_sample``
    the component counts for a unit only when its sample is at least
    ``min_sample`` and the value is defined; otherwise it is left out for
    that unit and the weights of the components present are rescaled to sum
    to 100, so a unit is neither rewarded nor punished for having had no
    corrective action due at all.

A component whose metrics the report does not have at all (service
delivery before the dossier figures exist) is *missing*: left out for every
unit and named as such in the report's explanation.

A unit's *points* for a component are ``value x weight / (sum of the
weights present) x 100``; its score (0..100) is the sum of its points.
Every component of the default methodologies measures something a unit
should do more of, so doing more of it never lowers the score
(``tests/reports/test_scoring.py`` checks it with hypothesis).

A unit with fewer than ``min_staff`` staff is scored but not ranked.

No ORM here: ``reports.models`` stores methodologies and turns them into
these dataclasses.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

_NAME = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")


class FormulaError(ValueError):
    """A formula that is not plain arithmetic over metric names."""


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _check(node: ast.AST, names: set[str]) -> None:
    if isinstance(node, ast.Expression):
        _check(node.body, names)
    elif isinstance(node, ast.BinOp) and isinstance(
        node.op, ast.Add | ast.Sub | ast.Mult | ast.Div
    ):
        _check(node.left, names)
        _check(node.right, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand, names)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        pass
    elif (name := _dotted(node)) is not None:
        names.add(name)
    else:
        raise FormulaError(f"not allowed in a formula: {ast.dump(node)[:60]}")


@functools.lru_cache(maxsize=256)
def parse(formula: str) -> tuple[ast.Expression, frozenset[str]]:
    """The checked syntax tree of ``formula`` and the metric names it reads."""
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"not a formula: {formula!r}") from exc
    names: set[str] = set()
    _check(tree, names)
    if not names:
        raise FormulaError(f"the formula reads no metric: {formula!r}")
    return tree, frozenset(names)


def _evaluate(node: ast.AST, column: Callable[[str], np.ndarray]) -> np.ndarray | float:
    import numpy as np

    if isinstance(node, ast.Expression):
        return _evaluate(node.body, column)
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, column), _evaluate(node.right, column)
        if isinstance(node.op, ast.Add):
            return np.add(left, right)
        if isinstance(node.op, ast.Sub):
            return np.subtract(left, right)
        if isinstance(node.op, ast.Mult):
            return np.multiply(left, right)
        right = np.asarray(right, dtype="float64")
        return np.divide(left, np.where(right == 0, np.nan, right))
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, column)
        return np.negative(value) if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    name = _dotted(node)
    if name is None:  # parse() lets only names through
        raise FormulaError("not a metric name")
    return np.asarray(column(name), dtype="float64")


@dataclass(frozen=True)
class Component:
    """One part of the score (see the module docstring)."""

    key: str
    name: str
    formula: str
    sample: str
    weight: float
    min_sample: int = 1
    name_en: str = ""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9_]+", self.key):
            raise ValueError(
                f"component key must be lower-case letters, digits and _: {self.key!r}"
            )
        if self.weight <= 0:
            raise ValueError(f"component {self.key}: the weight must be positive")
        if self.min_sample < 1:
            raise ValueError(f"component {self.key}: the minimum sample is at least 1")
        parse(self.formula)
        parse(self.sample)

    @property
    def metrics(self) -> frozenset[str]:
        return parse(self.formula)[1] | parse(self.sample)[1]

    def label(self, language: str | None) -> str:
        return self.name_en if (language or "vi").startswith("en") and self.name_en else self.name


@dataclass(frozen=True)
class Methodology:
    """A dated set of components (see the module docstring)."""

    code: str
    name: str
    valid_from: dt.date
    source_document: str
    components: tuple[Component, ...]
    min_staff: int = 5
    description: str = ""

    def __post_init__(self) -> None:
        if not self.components:
            raise ValueError("a methodology needs at least one component")
        keys = [c.key for c in self.components]
        if len(set(keys)) != len(keys):
            raise ValueError("component keys must be unique")
        if self.min_staff < 0:
            raise ValueError("min_staff must be >= 0")

    @property
    def total_weight(self) -> float:
        return float(sum(c.weight for c in self.components))

    def missing(self, available: set[str] | frozenset[str]) -> tuple[Component, ...]:
        """Components reading a metric the report does not have."""
        return tuple(c for c in self.components if not c.metrics <= available)


@dataclass
class Scores:
    """Scores of a set of units (positions of the metric arrays)."""

    score: np.ndarray
    values: dict[str, np.ndarray] = field(default_factory=dict)
    points: dict[str, np.ndarray] = field(default_factory=dict)
    missing: tuple[Component, ...] = ()


def score_units(metrics: Mapping[str, np.ndarray], methodology: Methodology, size: int) -> Scores:
    """Values (0..1), points and scores (0..100, rounded to 0.01) of ``size`` units.

    ``metrics`` maps flat metric names to arrays of ``size`` floats (NaN for
    a null rate). Components whose metrics are absent are listed in
    ``missing`` and count for nobody; a unit with no component present has
    no score (NaN).
    """
    import numpy as np  # imported by the first report, not with the URL map

    missing = methodology.missing(set(metrics))
    values: dict[str, np.ndarray] = {}
    weight_sum = np.zeros(size, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        for component in methodology.components:
            if component in missing:
                values[component.key] = np.full(size, np.nan)
                continue
            value = np.broadcast_to(
                _evaluate(parse(component.formula)[0], metrics.__getitem__), (size,)
            )
            sample = np.broadcast_to(
                _evaluate(parse(component.sample)[0], metrics.__getitem__), (size,)
            )
            present = ~np.isnan(value) & (np.nan_to_num(sample, nan=0.0) >= component.min_sample)
            values[component.key] = np.where(present, np.clip(value, 0.0, 1.0), np.nan)
            weight_sum += present * component.weight
        points: dict[str, np.ndarray] = {}
        total = np.zeros(size, dtype="float64")
        for component in methodology.components:
            value = values[component.key]
            share = np.where(weight_sum > 0, component.weight / weight_sum, np.nan)
            points[component.key] = 100.0 * value * share
            total += np.nan_to_num(points[component.key], nan=0.0)
    score = np.where(weight_sum > 0, np.round(total, 2), np.nan)
    return Scores(
        score=score,
        values=values,
        points={key: np.round(p, 2) for key, p in points.items()},
        missing=missing,
    )


def _c(key, name, name_en, formula, sample, weight, min_sample=1) -> Component:
    return Component(
        key=key,
        name=name,
        name_en=name_en,
        formula=formula,
        sample=sample,
        weight=weight,
        min_sample=min_sample,
    )


# The components every default methodology shares: each rewards doing more of
# what a unit should do. Their weights differ by methodology.
INSPECTION_PLAN = (
    "inspection_plan",
    "Kế hoạch kiểm tra hoàn thành",
    "Inspection plan done",
    "inspections_concluded / inspections",
    "inspections",
)
ACTIONS_ON_TIME = (
    "actions_on_time",
    "Kiến nghị sau kiểm tra khắc phục đúng hạn",
    "Findings' actions done on time",
    "corrective_actions_on_time / corrective_actions_due",
    "corrective_actions_due",
)
DISCIPLINE_ON_TIME = (
    "discipline_on_time",
    "Vụ kỷ luật xử lý trong thời hạn",
    "Discipline cases decided in time",
    "discipline_handled_on_time / discipline_due",
    "discipline_due",
)
FEEDBACK_ON_TIME = (
    "feedback_on_time",
    "Phản ánh, kiến nghị trả lời đúng hạn",
    "Feedback answered on time",
    "feedback_resolved_on_time / feedback_due",
    "feedback_due",
)
TRAINING_MET = (
    "training_met",
    "Đáp ứng yêu cầu bồi dưỡng",
    "Training requirement met",
    "training_requirement_met / training_required_staff",
    "training_required_staff",
)
DOSSIERS_ON_TIME = (
    "dossiers_on_time",
    "Hồ sơ TTHC giải quyết đúng hạn",
    "Dossiers on time",
    "dossiers_on_time_rate",
    "dossiers_resolved",
)
DOSSIERS_ONLINE = (
    "dossiers_online",
    "Tỷ lệ hồ sơ trực tuyến",
    "Online share of dossiers",
    "dossiers_online / dossiers_received",
    "dossiers_received",
)
DOSSIERS_APOLOGIES = (
    "dossiers_apologies",
    "Xin lỗi khi hồ sơ trễ hạn",
    "Apologies for late dossiers",
    "dossiers_apologies_issued / dossiers_overdue",
    "dossiers_overdue",
)

DEFAULT_METHODOLOGIES: tuple[Methodology, ...] = (
    Methodology(
        code="cv-2017",
        name="Bộ tiêu chí trách nhiệm công vụ 2017",
        valid_from=dt.date(2017, 1, 1),
        source_document=(
            "Quyết định 2640/QĐ-BNV ngày 10/10/2017 của Bộ Nội vụ (Chỉ số cải cách hành chính)"
        ),
        min_staff=5,
        components=(
            _c(*INSPECTION_PLAN, 15),
            _c(*ACTIONS_ON_TIME, 25),
            _c(*DISCIPLINE_ON_TIME, 15),
            _c(*FEEDBACK_ON_TIME, 20),
            _c(*TRAINING_MET, 15),
            _c(*DOSSIERS_ON_TIME, 10),
        ),
    ),
    Methodology(
        code="cv-2022",
        name="Bộ tiêu chí trách nhiệm công vụ 2022",
        valid_from=dt.date(2022, 6, 23),
        source_document=(
            "Quyết định 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ (Bộ chỉ số chất "
            "lượng phục vụ người dân, doanh nghiệp)"
        ),
        min_staff=5,
        components=(
            _c(*INSPECTION_PLAN, 15),
            _c(*ACTIONS_ON_TIME, 20),
            _c(*DISCIPLINE_ON_TIME, 10),
            _c(*FEEDBACK_ON_TIME, 15),
            _c(*TRAINING_MET, 10),
            _c(*DOSSIERS_ON_TIME, 15),
            _c(*DOSSIERS_ONLINE, 10),
            _c(*DOSSIERS_APOLOGIES, 5),
        ),
    ),
)


def default_methodology(day: dt.date) -> Methodology:
    """The built-in methodology in force on ``day`` (the earliest one before any)."""
    in_force = [m for m in DEFAULT_METHODOLOGIES if m.valid_from <= day]
    return max(in_force, key=lambda m: m.valid_from) if in_force else DEFAULT_METHODOLOGIES[0]
