"""Feedback admin (issue 5)."""
