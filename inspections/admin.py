"""Admin of the inspections app: each sub-domain registers its own ModelAdmins."""

from inspections.casework import admin as casework_admin  # noqa: F401
from inspections.feedback import admin as feedback_admin  # noqa: F401
