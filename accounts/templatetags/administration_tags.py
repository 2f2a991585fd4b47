"""Small display helpers of the administration screens (state badges, « Non renseignée » dates)."""

from django import template
from django.utils import timezone

from ..models import AccountState

register = template.Library()

STATE_BADGES = {
    AccountState.NOT_INFORMED: "fr-badge--error",
    AccountState.INFORMED: "fr-badge--warning",
    AccountState.ACTIVATING: "fr-badge--new",
    AccountState.ACTIVATED: "fr-badge--success",
}


@register.inclusion_tag("accounts/administration/state_badge.html")
def state_badge(state: str):
    try:
        label = AccountState(state).label
    except ValueError:
        label = state
    return {"label": label, "css": STATE_BADGES.get(state, "fr-badge--info")}


@register.filter
def day_or_unknown(value, unknown: str = "Non renseignée"):
    """07-09-2022, or « Non renseignée »."""
    if not value:
        return unknown
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return value.strftime("%d-%m-%Y")
