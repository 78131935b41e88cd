"""Feedback API (issue 5)."""

ROUTES: list = []
