"""Rights: « may this person do X on establishment E ». Every view goes through here.

Sources of a right on E:
- an assignment with function DIR on a public E: every right (the head and deputies by default);
- on a private E, DIR gives DELEG-CE only: the ÉduConnect modules need a delegation like anyone else;
- an active delegation of a service on E, held by someone still assigned to E.
« Administration des comptes » implies « Dépannage des comptes élèves ».
Answers are computed per request (never cached across requests), so a revocation takes effect on the
very next request.
"""

from enum import StrEnum

from django.db.models import Exists, OuterRef
from django.http import Http404

from educonnect import audit
from educonnect.models import AuditAction

from .models import Assignment, Delegation, Establishment, Service, User


class Right(StrEnum):
    DELEGATIONS = "delegations"  # Gestion des délégations (DELEG-CE)
    ADMINISTRATION = "administration"  # ÉduConnect - Administration des comptes
    TROUBLESHOOTING = "depannage"  # ÉduConnect - Dépannage des comptes élèves


SERVICE_RIGHTS = {
    Service.EDUCONNECT_ADMINISTRATION: {Right.ADMINISTRATION, Right.TROUBLESHOOTING},
    Service.EDUCONNECT_DEPANNAGE: {Right.TROUBLESHOOTING},
}

_CACHE_ATTR = "_educonnect_rights"


def all_rights(user) -> dict[int, frozenset[Right]]:
    """Establishment id → rights, for every establishment the user holds a right on.
    One query (the assignments, each with whether an active delegation of each ÉduConnect service
    exists), memoised on the user object (which lives one request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    active = Delegation.objects.active().filter(grantee=user, establishment=OuterRef("establishment_id"))
    codes = list(SERVICE_RIGHTS)
    assignments = (
        Assignment.objects.filter(user=user)
        .annotate(**{f"holds_{i}": Exists(active.filter(service__code=code)) for i, code in enumerate(codes)})
        .values_list(
            "establishment_id", "function", "establishment__sector", *(f"holds_{i}" for i in range(len(codes)))
        )
    )
    rights: dict[int, set[Right]] = {}
    for establishment_id, function, sector, *holds in assignments:
        granted = rights.setdefault(establishment_id, set())
        if function == Assignment.Function.DIR:
            granted.add(Right.DELEGATIONS)
            if sector == Establishment.Sector.PUBLIC:
                granted.update({Right.ADMINISTRATION, Right.TROUBLESHOOTING})
        for code, held in zip(codes, holds, strict=True):
            if held:
                granted.update(SERVICE_RIGHTS[code])
    result = {eid: frozenset(r) for eid, r in rights.items() if r}
    setattr(user, _CACHE_ATTR, result)
    return result


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


def refuse(user, *, reason: str, establishment: Establishment | None = None, request=None, **details) -> Http404:
    """Journal an ACCESS_REFUSED event and return the 404 to raise (existence is never revealed)."""
    if request is not None:
        details.setdefault("path", request.path[:300])
    audit.record(
        action=AuditAction.ACCESS_REFUSED,
        actor=user,
        establishment=establishment,
        request=request,
        details={"reason": reason, **details},
    )
    return Http404("Page introuvable")


def get_establishment_for(user, uai: str, right: Right, *, request=None) -> Establishment:
    """Fetch-and-authorize: the establishment of `uai` if the user holds `right` on it, else 404
    (a stranger cannot tell an existing establishment from a missing one) and an ACCESS_REFUSED
    event in the audit journal."""
    establishment = Establishment.objects.select_related("academie").filter(uai=uai).first()
    if establishment is None or not has_right(user, establishment, right):
        raise refuse(user, reason=f"right:{right}", establishment=establishment, request=request, uai=str(uai)[:20])
    return establishment


def is_staff_of(user, establishment: Establishment) -> bool:
    return Assignment.objects.filter(user=user, establishment=establishment).exists()


def can_receive_delegation(user, establishment: Establishment) -> bool:
    """Only staff attached to the establishment can receive a delegation there."""
    return user.is_active and is_staff_of(user, establishment)


def get_grantee_for(actor, establishment: Establishment, user_id, *, request=None) -> User:
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
