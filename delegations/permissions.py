"""Rights: « may this person do X on establishment E ». Every view goes through here.

Sources of a right on E:
- an assignment with function DIR on a public E: every right (the head and deputies by default);
- on a private E, DIR gives DELEG-CE only: the ÉduConnect modules need a delegation like anyone else;
- an active delegation of a service on E, held by someone still assigned to E.
« Administration des comptes » implies « Dépannage des comptes élèves ».
Answers are computed per request (never cached across requests), so a revocation takes effect on the
very next request.
"""

import datetime
import logging
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef
from django.http import Http404

from educonnect import audit
from educonnect.models import AuditAction

from .models import Assignment, Delegation, Establishment, Service, User

logger = logging.getLogger(__name__)


class Right(StrEnum):
    DELEGATIONS = "delegations"  # Gestion des délégations (DELEG-CE)
    ADMINISTRATION = "administration"  # ÉduConnect - Administration des comptes
    TROUBLESHOOTING = "depannage"  # ÉduConnect - Dépannage des comptes élèves


SERVICE_RIGHTS = {
    Service.EDUCONNECT_ADMINISTRATION: {Right.ADMINISTRATION, Right.TROUBLESHOOTING},
    Service.EDUCONNECT_DEPANNAGE: {Right.TROUBLESHOOTING},
}

_CACHE_ATTR = "_educonnect_rights"


@dataclass(frozen=True)
class _Rights:
    """What one request knows of a user's rights: establishment id → rights, and the establishments
    those rights are on (by UAI), read together."""

    by_establishment: dict[int, frozenset[Right]]
    establishments: dict[str, Establishment]


def _holds(service_code: str) -> str:
    return f"holds_{service_code.replace('-', '_')}"


def _assignments_with_delegations(user_id, at: datetime.date):
    """One statement: the user's assignments with their establishment (and académie), each flagged
    with whether the user holds an active delegation (`Delegation.objects.active`) of each service
    that gives a right."""
    return (
        Assignment.objects.filter(user_id=user_id)
        .select_related("establishment__academie")
        .annotate(
            **{
                _holds(code): Exists(
                    Delegation.objects.active(at).filter(
                        grantee_id=user_id, establishment_id=OuterRef("establishment_id"), service__code=code
                    )
                )
                for code in SERVICE_RIGHTS
            }
        )
    )


def _load_rights(user, at: datetime.date | None = None) -> _Rights:
    rights: dict[int, set[Right]] = {}
    establishments: dict[str, Establishment] = {}
    for assignment in _assignments_with_delegations(user.pk, at or datetime.date.today()):
        establishment = assignment.establishment
        granted = set()
        if assignment.function == Assignment.Function.DIR:
            granted.add(Right.DELEGATIONS)
            if establishment.sector == Establishment.Sector.PUBLIC:
                granted.update({Right.ADMINISTRATION, Right.TROUBLESHOOTING})
        for code, service_rights in SERVICE_RIGHTS.items():
            if getattr(assignment, _holds(code)):
                granted.update(service_rights)
        if granted:
            rights[establishment.pk] = granted
            establishments[establishment.uai] = establishment
    return _Rights({eid: frozenset(r) for eid, r in rights.items()}, establishments)


def _rights(user) -> _Rights:
    """Memoised on the user object (which lives one request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _Rights({}, {})
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _load_rights(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def all_rights(user) -> dict[int, frozenset[Right]]:
    """Establishment id → rights, for every establishment the user holds a right on. One query."""
    return _rights(user).by_establishment


def forget_rights(user) -> None:
    """Drop the memo (after a change made within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def rights_on(user, establishment: Establishment) -> frozenset[Right]:
    return all_rights(user).get(establishment.pk, frozenset())


def has_right(user, establishment: Establishment, right: Right) -> bool:
    return right in rights_on(user, establishment)


def establishments_with_right(user, right: Right | None = None):
    """Establishments where the user holds `right` (any right when None)."""
    ids = [eid for eid, rights in all_rights(user).items() if right is None or right in rights]
    return Establishment.objects.filter(pk__in=ids).select_related("academie")


def refuse(user, *, reason: str, request, establishment: Establishment | None = None, **details) -> Http404:
    """Journal an ACCESS_REFUSED event — with the request's path and client IP — log it, and return
    the 404 to raise (existence is never revealed)."""
    logger.warning(
        "access refused: user %s, %s, establishment %s, %s %s",
        getattr(user, "pk", None),
        reason,
        establishment.uai if establishment is not None else "-",
        request.method,
        request.path[:300],
    )
    audit.record(
        action=AuditAction.ACCESS_REFUSED,
        actor=user,
        establishment=establishment,
        request=request,
        details={"reason": reason, "path": request.path[:300], **details},
    )
    return Http404("Page introuvable")


def get_establishment_for(user, uai: str, right: Right, *, request) -> Establishment:
    """Fetch-and-authorize: the establishment of `uai` if the user holds `right` on it, else 404
    (a stranger cannot tell an existing establishment from a missing one) and an ACCESS_REFUSED
    event in the audit journal. Views reach it through `access.establishment_view`."""
    establishment = _rights(user).establishments.get(uai)
    if establishment is not None and right in rights_on(user, establishment):
        return establishment
    # Refused: the establishment (if any) is named in the journal.
    establishment = Establishment.objects.filter(uai=str(uai)[:8]).first()
    raise refuse(user, reason=f"right:{right}", establishment=establishment, request=request, uai=str(uai)[:20])


def is_staff_of(user, establishment: Establishment) -> bool:
    return Assignment.objects.filter(user=user, establishment=establishment).exists()


def can_receive_delegation(user, establishment: Establishment) -> bool:
    """Only staff attached to the establishment can receive a delegation there."""
    return user.is_active and is_staff_of(user, establishment)


def get_grantee_for(actor, establishment: Establishment, user_id, *, request) -> User:
    """Fetch-and-authorize a person the actor may delegate to on `establishment`: a member of its
    staff, and the actor may grant there; else 404 (and ACCESS_REFUSED)."""
    if can_grant_delegations(actor, establishment):
        grantee = User.objects.filter(pk=user_id, is_active=True, assignments__establishment=establishment).first()
        if grantee is not None:
            return grantee
    raise refuse(actor, reason="grantee", establishment=establishment, request=request, user_id=str(user_id)[:20])


def can_grant_delegations(user, establishment: Establishment) -> bool:
    """Only DIR staff grant; a delegate never can."""
    return has_right(user, establishment, Right.DELEGATIONS)


def abilities(user, establishment: Establishment) -> dict[str, bool]:
    """The same answers, for templates (buttons and checks never disagree)."""
    rights = rights_on(user, establishment)
    return {
        "manage_delegations": Right.DELEGATIONS in rights,
        "administer_accounts": Right.ADMINISTRATION in rights,
        "troubleshoot_accounts": Right.TROUBLESHOOTING in rights,
    }
