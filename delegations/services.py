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


def includes(administration: Delegation, troubleshooting: Delegation) -> bool:
    """« Administration des comptes » includes « Dépannage des comptes élèves » (seed 000: « il est
    inutile de lui attribuer Dépannage ») when its period covers the Dépannage one."""
    today = datetime.date.today()
    starts_in_time = administration.start_date <= max(today, troubleshooting.start_date)
    ends_no_sooner = administration.end_date is None or (
        troubleshooting.end_date is not None and troubleshooting.end_date <= administration.end_date
    )
    return starts_in_time and ends_no_sooner


def _end_included(*, actor, establishment, grantee, request) -> Delegation | None:
    """End (audited, reason `included_in`) the grantee's open Dépannage that their Administration includes."""
    by_code = {d.service.code: d for d in _open_for_update(establishment, grantee).values()}
    administration = by_code.get(Service.EDUCONNECT_ADMINISTRATION)
    troubleshooting = by_code.get(Service.EDUCONNECT_DEPANNAGE)
    if administration is None or troubleshooting is None or not includes(administration, troubleshooting):
        return None
    return _revoke(
        actor=actor, delegation=troubleshooting, request=request, included_in=Service.EDUCONNECT_ADMINISTRATION
    )


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
    """Grant `service` to `grantee` on `establishment`; None when they already hold it. Granting
    Administration ends the Dépannage it includes."""
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
    if service.code == Service.EDUCONNECT_ADMINISTRATION:
        _end_included(actor=actor, establishment=establishment, grantee=grantee, request=request)
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
    included: list[Delegation] = field(default_factory=list)  # ended: included in Administration
    not_needed: list[Service] = field(default_factory=list)  # checked but included in Administration

    def __bool__(self):
        return bool(self.granted or self.revoked or self.included)


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
    the establishment. Grants the newly checked, revokes the unchecked, all or nothing. Dépannage
    checked with Administration is not granted (it is included), and ended when held."""
    _check(actor, establishment, grantee)
    _validate_dates(start_date, end_date)
    today = datetime.date.today()
    wanted = {s.pk: s for s in services}
    current = _open_for_update(establishment, grantee)
    changes = Changes()
    by_code = {s.code: s for s in services}
    administration = by_code.get(Service.EDUCONNECT_ADMINISTRATION)
    troubleshooting = by_code.get(Service.EDUCONNECT_DEPANNAGE)
    if administration and troubleshooting and troubleshooting.pk not in current:
        # Both checked, Dépannage not held: not granted when the Administration includes it.
        held = current.get(administration.pk)
        if held is not None and held.end_date is not None and held.end_date < today:
            held = None  # expired: replaced by a grant over the new period
        period = Delegation(start_date=start_date, end_date=end_date)
        if includes(held or period, period):
            del wanted[troubleshooting.pk]
            changes.not_needed.append(troubleshooting)
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
    ended = _end_included(actor=actor, establishment=establishment, grantee=grantee, request=request)
    if ended is not None:
        changes.included.append(ended)
    forget_rights(grantee)
    return changes
