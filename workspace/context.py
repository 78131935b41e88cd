"""Template context of the workspace pages: the user's role and menu (only under /app/)."""

from __future__ import annotations

from staff.roles import role_of
from workspace.nav import nav_for


def user_role(request) -> str | None:
    """The signed-in user's role, computed once per request."""
    if not hasattr(request, "_workspace_role"):
        request._workspace_role = role_of(getattr(request, "user", None))
    return request._workspace_role


def workspace(request) -> dict:
    if not request.path.startswith("/app/"):
        return {}
    role = user_role(request)
    return {"ws_role": role, "ws_nav": nav_for(role, request.path)}
