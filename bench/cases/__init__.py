"""The benchmark cases, each a subject measured against its floor in the same run.

A case is split into *phases* (``subject``, ``floor``, and for the exports
``peer``); the orchestrator runs every phase in a process of its own, so each
phase's peak RSS (``resource.getrusage``) is its own and not the sum of all.
``bench.harness.combine`` turns the phases' measurements into one results.json
row. Case modules import models inside functions: the worker imports them
all to list the cases, and one app's half-written models must not stop the
others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    name: str
    phases: dict[str, Callable[[Any], dict[str, Any]]]
    # Returns why the case cannot run yet (a part of the project is missing), or None.
    unavailable: Callable[[], str | None]
    timeout: float = 600
    # Subject and floor are run this many times, alternating, each in a new
    # process, and the faster of each kept: a load spike from another process
    # on a shared machine then hits one round of one side, not the ratio.
    rounds: int = 1
    order: tuple[str, ...] = field(default=())

    def phase_order(self) -> tuple[str, ...]:
        return self.order or tuple(self.phases)


def all_cases() -> dict[str, Case]:
    """Every case by name, in the order of ``bench.harness.CASE_NAMES``."""
    from bench.cases import (
        api_list,
        exports,
        import_dossiers,
        import_roster,
        reminders,
        report,
        report_services,
        submissions,
    )
    from bench.harness import CASE_NAMES

    found: dict[str, Case] = {}
    for module in (
        report,
        exports,
        api_list,
        submissions,
        import_roster,
        reminders,
        report_services,
        import_dossiers,
    ):
        for case in module.CASES:
            found[case.name] = case
    return {name: found[name] for name in CASE_NAMES if name in found}
