"""``{% notifications_link %}``: the workspace header's link to the inbox.

The unread count is fetched by htmx after the page loads (``notifications:badge``),
so the header costs the page no query; without JavaScript the link is still there.
"""

from django import template

register = template.Library()


@register.inclusion_tag("notifications/_header_link.html", takes_context=True)
def notifications_link(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"show": bool(user is not None and user.is_authenticated)}
