"""`{% idempotency_field %}`: the hidden key of a form that must act once (educonnect.idempotency)."""

from django import template
from django.utils.html import format_html

from educonnect.idempotency import FIELD, mint

register = template.Library()


@register.simple_tag
def idempotency_field():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, mint())
