"""What each role may write in the administrative-reform app (see staff/roles.py).

The Home Affairs office (Phòng Nội vụ), which the ``hr`` role stands for, keeps
the procedure catalogue, the one-stop figures and the PAR index results.
"""

WRITE = {
    "hr": [
        "procedure",
        "procedureposting",
        "dossier",
        "servicereport",
        "parresult",
        "parcriterionscore",
        "improvementplan",
        "improvementitem",
    ],
}

# A unit head files its own unit's period figures and updates its improvement items in the
# workspace (/app/reform/...); it gets no other write (the API stays HR's).
EXTRA = {
    "unit_head": ["file_servicereport", "report_progress_improvementitem"],
}

# Which unit each model's rows belong to (staff.access); "*": a catalogue, not unit-bound.
SCOPE = {
    "procedure": "*",
    "procedureposting": "unit",
    "dossier": "unit",
    "servicereport": "unit",
    "parresult": "unit",
    "parcriterionscore": "result__unit",
    "improvementplan": "unit",
    "improvementitem": "plan__unit",
}

# Workflow actions (staff.access): the permissions that allow each (any of).
ACTIONS = {
    "servicereport": {"file": ["file_servicereport", "add_servicereport"]},
    "improvementitem": {"progress": ["report_progress_improvementitem", "change_improvementitem"]},
}
