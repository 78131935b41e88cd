"""API of the inspections app: the router routes of casework and of citizen feedback."""

from inspections.casework import api as casework_api
from inspections.feedback import api as feedback_api

ROUTES = [*casework_api.ROUTES, *feedback_api.ROUTES]
