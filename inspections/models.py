"""Models of the inspections app: casework (inspections, findings, corrective
actions, disciplinary cases) and citizen feedback, in one sub-package each (casework/,
feedback/)."""

from inspections.casework.models import *  # noqa: F403
from inspections.feedback.models import *  # noqa: F403
