"""A report cell on the page: numbers in the language's format with thousands grouped
(`613 650,00`, not `613650,00`), nothing for a missing value. Files keep the raw values."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def is_number(value) -> bool:
    return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)


@register.filter
def cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        places = max(-value.as_tuple().exponent, 0) if value.is_finite() else None
        return number_format(value, decimal_pos=places, force_grouping=True)
    if is_number(value):
        return number_format(value, force_grouping=True)
    return value
