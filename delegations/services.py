"""Writes of DELEG-CE: granting and revoking delegations. Each writes its audit row in its transaction.

The services check the rules themselves (defence in depth, whatever the caller):
a delegate can never grant (only Right.DELEGATIONS holders can), only staff attached to the
establishment can receive.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from educonnect import audit
from educonnect.models import AuditAction

from .models import Delegation, Establishment, Service, User
from .permissions import can_grant_delegations, can_receive_delegation, forget_rights


def _check(actor, establishment: Establishment, grantee: User) -> None:
    if not can_grant_delegations(actor, establishment):
        raise PermissionDenied("Seul le personnel de direction peut accorder des délégations.")
    if not can_receive_delegation(grantee, establishment):
        raise PermissionDenied("Cette personne n'est pas rattachée à l'établissement.")


def _audit(action, *, actor, delegation: Delegation, request=None, **details) -> None:
    audit.record(
        action=action,
        actor=actor,
        establishment=delegation.establishment,
        target=delegation,
        target_label=f"{delegation.service.name} → {delegation.grantee.display_name}",
        request=request,
        details={
            "service": delegation.service.code,
            "grantee": delegation.grantee.get_username(),
            "start_date": delegation.start_date.isoformat(),
            "end_date": delegation.end_date.isoformat() if delegation.end_date else None,
            **details,
        },
    )


def _revoke(*, actor, delegation: Delegation, request=None, **details) -> Delegation:
    delegation.revoked_by = actor
    delegation.revoked_at = timezone.now()
    delegation.save(update_fields=["revoked_by", "revoked_at"])
    _audit(AuditAction.DELEGATION_REVOKED, actor=actor, delegation=delegation, request=request, **details)
    return delegation


def _validate_dates(start_date: datetime.date, end_date: datetime.date | None) -> None:
    if end_date is not None and end_date < start_date:
        raise ValidationError("La date de fin doit être postérieure à la date de début.")
    if end_date is not None and end_date < datetime.date.today():
        raise ValidationError("La date de fin est déjà passée.")


def _open_for_update(establishment, grantee, service_ids=None):
    qs = Delegation.objects.select_for_update().filter(
        establishment=establishment, grantee=grantee, revoked_at__isnull=True
    )
    if service_ids is not None:
        qs = qs.filter(service_id__in=service_ids)
    return {d.service_id: d for d in qs.select_related("service", "grantee", "establishment")}


def _grant(*, actor, establishment, grantee, service, start_date, end_date, existing, request) -> Delegation | None:
    """Grant unless an open delegation already covers it; an expired one is closed first."""
    today = datetime.date.today()
    if existing is not None:
        if existing.end_date is None or existing.end_date >= today:
            return None
        _revoke(actor=actor, delegation=existing, request=request, expired=True)
    delegation = Delegation.objects.create(
        establishment=establishment,
        service=service,
        grantee=grantee,
        granted_by=actor,
        start_date=start_date,
        end_date=end_date,
    )
    _audit(AuditAction.DELEGATION_GRANTED, actor=actor, delegation=delegation, request=request)
    return delegation


@transaction.atomic
def delegation_grant(
    *,
    actor: User,
    establishment: Establishment,
    grantee: User,
    service: Service,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    request=None,
) -> Delegation | None:
    """Grant `service` to `grantee` on `establishment`; None when they already hold it."""
    _check(actor, establishment, grantee)
    _validate_dates(start_date, end_date)
    existing = _open_for_update(establishment, grantee, [service.pk]).get(service.pk)
    delegation = _grant(
        actor=actor,
        establishment=establishment,
        grantee=grantee,
        service=service,
        start_date=start_date,
        end_date=end_date,
        existing=existing,
        request=request,
    )
    forget_rights(grantee)
    return delegation


@transaction.atomic
def delegation_revoke(*, actor: User, delegation: Delegation, request=None) -> Delegation:
    """Revoke (never delete) a delegation. Takes effect on the grantee's next request."""
    if not can_grant_delegations(actor, delegation.establishment):
        raise PermissionDenied("Seul le personnel de direction peut retirer des délégations.")
    locked = Delegation.objects.select_for_update().select_related("service", "grantee", "establishment")
    delegation = locked.get(pk=delegation.pk)
    if delegation.revoked_at is not None:
        return delegation
    _revoke(actor=actor, delegation=delegation, request=request)
    forget_rights(delegation.grantee)
    return delegation


@dataclass
class Changes:
    granted: list[Delegation] = field(default_factory=list)
    revoked: list[Delegation] = field(default_factory=list)

    def __bool__(self):
        return bool(self.granted or self.revoked)


@transaction.atomic
def delegations_set_for_person(
    *,
    actor: User,
    establishment: Establishment,
    grantee: User,
    services: list[Service],
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    request=None,
) -> Changes:
    """« Valider » of « Délégation par personne »: the person ends up holding exactly `services` on
    the establishment. Grants the newly checked, revokes the unchecked, all or nothing."""
    _check(actor, establishment, grantee)
    _validate_dates(start_date, end_date)
    today = datetime.date.today()
    wanted = {s.pk: s for s in services}
    current = _open_for_update(establishment, grantee)
    changes = Changes()
    for service_id, delegation in current.items():
        if service_id not in wanted:
            expired = delegation.end_date is not None and delegation.end_date < today
            changes.revoked.append(
                _revoke(actor=actor, delegation=delegation, request=request, **({"expired": True} if expired else {}))
            )
    for service_id, service in wanted.items():
        granted = _grant(
            actor=actor,
            establishment=establishment,
            grantee=grantee,
            service=service,
            start_date=start_date,
            end_date=end_date,
            existing=current.get(service_id),
            request=request,
        )
        if granted is not None:
            changes.granted.append(granted)
    forget_rights(grantee)
    return changes
