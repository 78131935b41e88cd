"""How a unit's accountability score is made: weights, caps and minimum samples.

The score (0 to 100) is a weighted mean of five components, each between 0
(worst) and 1 (best):

``discipline``
    ``1 - min(1, discipline cases per staff member / discipline_cap)``: a unit
    with ``discipline_cap`` cases per staff member or more scores 0.
``findings``
    ``1 - min(1, findings per staff member / findings_cap)``.
``corrective_actions``
    the share of corrective actions due in the period that were done by
    their due date.
``feedback``
    the share of citizen feedback answered by its response date.
``training``
    the share of staff under a training requirement who met it.

A component whose denominator is below ``min_rate_sample`` (or zero) is left
out and the remaining weights are renormalised, so a unit is neither
rewarded nor punished for having had no feedback at all. A unit with fewer
than ``min_staff`` staff members is scored but not ranked (``rankable`` is
false): two people and one lucky year should not top the table.

Every value can be changed without touching code through the
``REPORT_SCORING`` setting, a dict with any of the fields below, e.g.
``REPORT_SCORING = {"weights": {"training": 0.3}, "min_staff": 10}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

COMPONENTS = ("discipline", "findings", "corrective_actions", "feedback", "training")

DEFAULT_WEIGHTS = MappingProxyType(
    {
        "discipline": 0.20,
        "findings": 0.20,
        "corrective_actions": 0.20,
        "feedback": 0.20,
        "training": 0.20,
    }
)


@dataclass(frozen=True)
class ScoringConfig:
    """Weights and thresholds of the accountability score (see the module docstring)."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    discipline_cap: float = 0.05
    findings_cap: float = 0.5
    min_staff: int = 5
    min_rate_sample: int = 1

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown score components: {sorted(unknown)}")
        if any(w < 0 for w in self.weights.values()) or not any(self.weights.values()):
            raise ValueError("score weights must be non-negative and not all zero")
        if self.discipline_cap <= 0 or self.findings_cap <= 0:
            raise ValueError("caps must be positive")
        if self.min_staff < 0 or self.min_rate_sample < 1:
            raise ValueError("min_staff must be >= 0 and min_rate_sample >= 1")

    def with_overrides(self, overrides: dict[str, Any] | None) -> ScoringConfig:
        """A copy with ``overrides`` applied; ``weights`` are merged, not replaced."""
        if not overrides:
            return self
        values = dict(overrides)
        if "weights" in values:
            values["weights"] = {**self.weights, **values["weights"]}
        return replace(self, **values)


def scoring_from_settings() -> ScoringConfig:
    """The configuration in force: defaults overridden by ``settings.REPORT_SCORING``."""
    from django.conf import settings

    return ScoringConfig().with_overrides(getattr(settings, "REPORT_SCORING", None))
