"""API of the inspections app: casework and feedback viewsets."""

from inspections.api import casework, feedback

ROUTES = [*casework.ROUTES, *feedback.ROUTES]
