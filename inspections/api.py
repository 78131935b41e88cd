"""API for this app (filled in by its issue)."""

ROUTES: list = []
