"""Admin of the inspections app."""

from inspections.admin import casework, feedback  # noqa: F401
