"""Writes of the identity provider: a sign-in to a service, a refusal, « Se déconnecter de tous
les services ». Keyword-only, atomic, the audit row in the same transaction."""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Account
from educonnect import audit
from educonnect.models import AuditAction

from .models import AccessToken, IDToken, RefreshToken, Service, ServiceUse

logger = logging.getLogger(__name__)


def _record(action, account: Account, request, **details) -> None:
    audit.record(
        action=action,
        actor_label=account.identifier,
        establishment=account.establishment,
        target=Account(pk=account.pk, identifier=account.identifier),
        request=request,
        details=details,
    )


@transaction.atomic
def service_sign_in_record(*, account: Account, service: Service, request=None) -> ServiceUse:
    """The account was just given an authorization code for the service: « Services utilisés »
    and the journal (account, service, time, IP)."""
    now = timezone.now()
    use, created = ServiceUse.objects.get_or_create(
        account_id=account.pk,
        service=service,
        defaults={"first_signed_in_at": now, "last_signed_in_at": now, "sign_in_count": 1},
    )
    if not created:
        ServiceUse.objects.filter(pk=use.pk).update(last_signed_in_at=now, sign_in_count=F("sign_in_count") + 1)
    _record(AuditAction.ACCOUNT_SERVICE_LOGIN, account, request, service=service.name, client_id=service.client_id)
    logger.info("service sign-in: account %s to %s", account.pk, service.client_id)
    return use


@transaction.atomic
def service_sign_in_refuse(*, account: Account, service: Service, reason: str, request=None) -> None:
    _record(
        AuditAction.ACCOUNT_SERVICE_REFUSED,
        account,
        request,
        service=service.name,
        client_id=service.client_id,
        reason=reason,
        path=request.path if request is not None else "",
    )
    logger.warning("service sign-in refused (%s): account %s to %s", reason, account.pk, service.client_id)


@transaction.atomic
def account_sign_out_of_services(*, account: Account, request=None) -> int:
    """Revoke every token the account holds (access, refresh, ID): no service can call userinfo
    or refresh any more; each asks the family to sign in again. Returns the number of services."""
    services = set(AccessToken.objects.filter(user_id=account.pk).values_list("application_id", flat=True))
    services |= set(
        RefreshToken.objects.filter(user_id=account.pk, revoked__isnull=True).values_list("application_id", flat=True)
    )
    now = timezone.now()
    RefreshToken.objects.filter(user_id=account.pk, revoked__isnull=True).update(revoked=now)
    AccessToken.objects.filter(user_id=account.pk).delete()
    IDToken.objects.filter(user_id=account.pk).delete()
    _record(AuditAction.ACCOUNT_SERVICES_LOGOUT, account, request, services=len(services))
    logger.info("sign-out of all services: account %s, %d services", account.pk, len(services))
    return len(services)
