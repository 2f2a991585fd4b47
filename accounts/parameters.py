"""Reads of the Paramètres addresses (`NotificationAddress`) and what the letters C01–C06
(notifications) and the activation e-mail C07 (accounts.activation) print with them: where the family
signs in (this deployment's sign-in page) and the addresses of the online services (for legal
representatives the Scolarité Services portal, plus the Paramètres address when switched on; for
students the Paramètres address only). The notifications app writes the addresses (« Paramètres »)."""

from typing import NamedTuple

from django.conf import settings
from django.urls import reverse

from .models import AccountKind, Audience, NotificationAddress

# The portal every legal representatives' letter and mail gives (seed 002: « l'adresse transmise par
# défaut dans les notifications des responsables »); the Paramètres address is added to it.
SCOLARITE_SERVICES_URL = "https://teleservices.education.gouv.fr"


class ServiceAddress(NamedTuple):
    url: str
    name: str = ""  # printed after the address: « (portail Scolarité Services) »


SCOLARITE_SERVICES = ServiceAddress(SCOLARITE_SERVICES_URL, "portail Scolarité Services")


def active_addresses(establishment) -> dict[str, str]:
    """Audience (« eleves » / « responsables ») → internet address to print, only for the addresses
    verified and switched on (« Intégrer dans les courriers et mails »)."""
    rows = NotificationAddress.objects.filter(
        establishment=establishment, is_active=True, verified_at__isnull=False
    ).exclude(url="")
    return {row.audience: row.url for row in rows}


def address_switched_on(establishment, audience: str) -> bool:
    """Is the Paramètres address of `audience` printed on its letters and mails? The (re)notify
    confirmations warn when it is not (seed 002: « IMPORTANT - Paramétrage avant notification »)."""
    return audience in active_addresses(establishment)


def audience_of(account) -> str:
    return Audience.STUDENTS if account.kind == AccountKind.STUDENT else Audience.REPRESENTATIVES


def service_addresses(audience: str, parameter_url: str) -> tuple[ServiceAddress, ...]:
    """The addresses of the online services a letter or mail of `audience` prints (« Vos services en
    ligne »), in order: legal representatives, the Scolarité Services portal then the Paramètres
    address (if any); students, the Paramètres address only (possibly none)."""
    extra = (ServiceAddress(parameter_url),) if parameter_url else ()
    if audience == Audience.REPRESENTATIVES:
        return (SCOLARITE_SERVICES, *extra)
    return extra


def account_service_addresses(account) -> tuple[ServiceAddress, ...]:
    """`service_addresses` of this account's audience and establishment."""
    audience = audience_of(account)
    return service_addresses(audience, active_addresses(account.establishment_id).get(audience, ""))


def sign_in_url() -> str:
    """Where families sign in to this deployment (EDUCONNECT_SITE_URL + the end-user sign-in page):
    the address the letters and mails send them to."""
    return settings.EDUCONNECT_SITE_URL.rstrip("/") + reverse("enduser:login")
