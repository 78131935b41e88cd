"""Training API (issue 4)."""

ROUTES: list = []
