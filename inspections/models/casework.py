"""Inspections, findings, corrective actions, disciplinary cases (issue 3)."""

__all__: list[str] = []
