"""``day|days_left:today``: whole days from ``today`` to ``day`` (negative once passed)."""

from django import template

register = template.Library()


@register.filter
def days_left(day, today):
    if not day or not today:
        return None
    return (day - today).days


@register.filter
def absolute(value):
    return abs(value) if value is not None else None
