"""Reads of the Paramètres addresses (`NotificationAddress`): what the letters C01–C06
(notifications) and the activation e-mail C07 (accounts.activation) print. The notifications app
writes them (« Paramètres »)."""

from .models import AccountKind, Audience, NotificationAddress


def active_addresses(establishment) -> dict[str, str]:
    """Audience (« eleves » / « responsables ») → internet address to print, only for the addresses
    verified and switched on (« Intégrer dans les courriers et mails »)."""
    rows = NotificationAddress.objects.filter(
        establishment=establishment, is_active=True, verified_at__isnull=False
    ).exclude(url="")
    return {row.audience: row.url for row in rows}


def audience_of(account) -> str:
    return Audience.STUDENTS if account.kind == AccountKind.STUDENT else Audience.REPRESENTATIVES


def services_url(account) -> str:
    """The address printed for this account's audience, or ""."""
    return active_addresses(account.establishment_id).get(audience_of(account), "")
