"""Filters of the SIECLE import report (its dates are ISO strings in SiecleImport.report)."""

import datetime

from django import template

register = template.Library()


@register.filter
def iso_date(value):
    """ "2026-09-15" → date (then `|date:"d/m/Y"`); anything else unchanged."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
