"""Casework admin (issue 3)."""
