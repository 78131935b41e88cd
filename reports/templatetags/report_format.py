"""Template filters of the report page: ``count``, ``percent``, ``score``, ``signed``,
``signed_int``."""

from django import template

from reports import formats

register = template.Library()


@register.filter
def count(value):
    return formats.count(value)


@register.filter
def percent(value):
    return formats.percent(value)


@register.filter
def score(value):
    return formats.score(value)


@register.filter
def signed(value):
    return formats.score(value, sign=True)


@register.filter
def signed_int(value):
    return formats.number(value, 0, sign=True)
