"""What each role may write in the inspections app (see staff/roles.py), and how its rows are
scoped."""

from staff.access import GLOBAL, Rows

WRITE = {
    "inspector": [
        "inspection",
        "finding",
        "correctiveaction",
        "findingcategory",
        "evidence",
        "citizenfeedback",
        "feedbackcategory",
    ],
    "hr": [
        "disciplinarycase",
        "disciplinestep",
        "disciplineregime",
        "disciplineform",
        "casesuspension",
        "evidence",
    ],
}
EXTRA = {
    "inspector": ["view_reporter_identity"],
    "unit_head": ["report_progress_correctiveaction"],
}

# Which unit each model's rows belong to (staff.access); "*": a catalogue, not unit-bound.
# A case is read by the unit it was opened in and written against its staff member's unit.
SCOPE = {
    "inspection": "unit",
    "finding": "unit",
    "correctiveaction": "unit",
    "disciplinarycase": Rows(unit="staff__unit", view="unit"),
    "disciplinestep": "case__unit",
    "casesuspension": "case__unit",
    "evidence": "unit",
    "citizenfeedback": "unit",
    "feedbackattachment": "feedback__unit",
    "feedbackstep": "feedback__unit",
    # simple-history's records of the many-to-many links, read with their record.
    "historicalinspection_team": "history__unit",
    "historicaldisciplinarycase_findings": "history__unit",
    "findingcategory": GLOBAL,
    "disciplineregime": GLOBAL,
    "disciplineform": GLOBAL,
    "feedbackcategory": GLOBAL,
    "feedbackresponsetarget": GLOBAL,
    "feedbackdeadlinerule": GLOBAL,
}

# Workflow actions (staff.access): the permissions that allow each (any of).
ACTIONS = {
    # The responsible unit's head reports progress; an inspector may too.
    "correctiveaction": {
        "progress": ["report_progress_correctiveaction", "change_correctiveaction"],
        "verify": ["change_correctiveaction"],
    },
    "disciplinarycase": {
        "transition": ["change_disciplinarycase"],
        "extend": ["change_disciplinarycase"],
        "suspensions": ["add_casesuspension"],
    },
    "citizenfeedback": {
        "transition": ["change_citizenfeedback"],
        "create_finding": ["change_citizenfeedback"],
        "classify": ["change_citizenfeedback"],
        "extend": ["change_citizenfeedback"],
    },
}
