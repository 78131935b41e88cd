"""What each role may write in the inspections app (see staff/roles.py)."""

WRITE = {
    "inspector": [
        "inspection", "finding", "correctiveaction", "findingcategory", "evidence",
        "citizenfeedback", "feedbackcategory",
    ],
    "hr": [
        "disciplinarycase", "disciplinestep", "disciplineregime", "disciplineform", "casesuspension",
        "evidence",
    ],
}
EXTRA = {
    "inspector": ["view_reporter_identity"],
    "unit_head": ["report_progress_correctiveaction"],
}
