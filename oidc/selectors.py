"""Reads of the identity provider."""

from accounts.models import Account

from .models import ServiceUse


def services_used(account: Account) -> list[ServiceUse]:
    """The services the account signed in to, latest first (« Services utilisés »)."""
    return list(
        ServiceUse.objects.filter(account_id=account.pk)
        .select_related("service")
        .only("last_signed_in_at", "first_signed_in_at", "sign_in_count", "service__name")
        .order_by("-last_signed_in_at")
    )
