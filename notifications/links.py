"""Where a notification leads: the record's page, chosen when it is opened.

The first URL name that exists wins, so a richer page (the workspace) can
take over from the API's browsable detail without touching stored rows.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

RECORD_URLS = {
    ("inspections", "correctiveaction"): ("app:action-detail", "correctiveaction-detail"),
    ("inspections", "disciplinarycase"): ("app:case-detail", "disciplinarycase-detail"),
    ("inspections", "citizenfeedback"): ("app:feedback-detail", "citizenfeedback-detail"),
    ("reform", "improvementitem"): ("app:plan-item-detail", "improvementitem-detail"),
}


def record_url(notification) -> str:
    ct = notification.content_type
    for name in RECORD_URLS.get((ct.app_label, ct.model), ()):
        try:
            return reverse(name, args=[notification.object_id])
        except NoReverseMatch:
            continue
    return reverse("notifications:list")
