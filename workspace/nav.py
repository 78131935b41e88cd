"""The workspace's navigation: which links each role sees.

One list for every app's pages. An entry whose URL name does not exist
(a page not built yet) is left out rather than breaking the menu.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

EVERYONE = ("admin", "inspector", "hr", "auditor", "unit_head")
READERS = ("admin", "inspector", "hr", "auditor")


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: object
    roles: tuple[str, ...]


NAV: list[NavItem] = [
    NavItem("app:home", _("My work"), EVERYONE),
    NavItem("app:inspection-new", _("Log an inspection"), ("admin", "inspector")),
    NavItem("app:inspection-list", _("Inspections"), EVERYONE),
    NavItem("app:action-list", _("Corrective actions"), EVERYONE),
    NavItem(
        "app:feedback-list", _("Citizen feedback"), ("admin", "inspector", "auditor", "unit_head")
    ),
    NavItem("app:finding-list", _("Findings"), EVERYONE),
    NavItem("app:case-list", _("Disciplinary cases"), ("admin", "hr", "auditor", "inspector")),
    NavItem("app:course-list", _("Courses"), ("admin", "hr", "auditor", "unit_head")),
    NavItem("app:staff-list", _("Staff"), ("admin", "hr", "auditor", "unit_head")),
    NavItem("app:compliance", _("Training compliance"), ("admin", "hr", "auditor", "unit_head")),
    NavItem("app:dossier-list", _("One-stop dossiers"), EVERYONE),
    NavItem("app:service-report-list", _("Service delivery reports"), EVERYONE),
    NavItem("app:par-list", _("PAR index"), EVERYONE),
    NavItem("reports:accountability", _("Accountability report"), EVERYONE),
]


def nav_for(role: str | None, current_path: str = "") -> list[dict]:
    if role is None:
        return []
    items = []
    for item in NAV:
        if role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": item.label, "current": False})
    # The current entry is the longest one the path starts with ("/app/" only for the home itself).
    matches = [
        i
        for i in items
        if current_path == i["url"] or (i["url"] != "/app/" and current_path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items


ROLE_LABELS = {
    "admin": _("Administrator"),
    "inspector": _("Inspector"),
    "hr": _("Personnel (HR)"),
    "auditor": _("Auditor"),
    "unit_head": _("Head of unit"),
}
