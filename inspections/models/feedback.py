"""Citizen conduct feedback (issue 5)."""

__all__: list[str] = []
