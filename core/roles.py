"""Roles in core: HR keeps the working-day calendar; the auditor reads the security log."""

WRITE = {"hr": ["calendarday"]}
EXTRA = {"auditor": ["view_securityevent"]}

# Not bound to a unit (staff.access): whoever holds the permission reads every row.
SCOPE = {"calendarday": "*", "securityevent": "*", "workerheartbeat": "*", "failedtask": "*", "tokenfactor": "*"}
