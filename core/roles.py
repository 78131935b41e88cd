"""Roles in core: HR keeps the working-day calendar; the auditor reads the security log."""

WRITE = {"hr": ["calendarday"]}
EXTRA = {"auditor": ["view_securityevent"]}
