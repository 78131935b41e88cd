"""Models of the inspections app: casework (inspections, findings, corrective
actions, disciplinary cases) and citizen feedback, in one module each."""

from inspections.models.casework import *  # noqa: F403
from inspections.models.feedback import *  # noqa: F403
