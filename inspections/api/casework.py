"""Casework API (issue 3)."""

ROUTES: list = []
