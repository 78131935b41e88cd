"""Roles in core: HR keeps the working-day calendar; the auditor reads the security log."""

WRITE = {"hr": ["calendarday"]}
EXTRA = {"auditor": ["view_securityevent"]}

# Not bound to a unit (staff.access): whoever holds the permission reads every row.
SCOPE = {
    "calendarday": "*",
    "securityevent": "*",
    "workerheartbeat": "*",
    "failedtask": "*",
    "tokenfactor": "*",
    # A job belongs to the user who asked: its views filter on that user (core/job_views.py),
    # and no role is granted the model (staff.roles.RESTRICTED_MODELS).
    "job": "*",
}
