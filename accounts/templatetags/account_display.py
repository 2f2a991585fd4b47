"""The display vocabulary (`accounts.display`) for templates: state badges, names, dates."""

from django import template
from django.utils.html import format_html

from .. import display

register = template.Library()


@register.simple_tag
def state_badge(state: str):
    """The account state's DSFR badge, the same colour on every screen."""
    css = display.state_badge_class(state)
    return format_html('<p class="fr-badge fr-badge--sm {}">{}</p>', css, display.state_label(state))


@register.filter
def day(value, unknown: str = display.UNKNOWN_DAY):
    """07-09-2022, or « Non renseignée »."""
    return display.day(value, unknown)


@register.filter
def text_day(value):
    """22/09/2022, inside a sentence."""
    return display.text_day(value) if value else ""


@register.filter
def text_moment(value):
    """22/09/2022 à 14:05, inside a sentence."""
    return display.text_moment(value) if value else ""


@register.filter
def list_name(person) -> str:
    """« DUBOIS Paul »."""
    return display.list_name_of(person)


@register.filter
def person_name(person) -> str:
    """« Paul DUBOIS », « Mme Fatou N'DIAYE »."""
    return display.person_name_of(person)
