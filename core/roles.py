"""Roles in core: HR keeps the working-day calendar."""

WRITE = {"hr": ["calendarday"]}
