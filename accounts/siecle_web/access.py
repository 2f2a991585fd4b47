"""Who may import SIECLE exports in the browser: the platform operator (a superuser) for any
establishment, and the head of a private establishment (DELEG-CE right there) for it. Everyone else
gets 404 and an ACCESS_REFUSED audit row (delegations.permissions.refuse)."""

from delegations.models import Establishment
from delegations.permissions import Right, establishments_with_right, refuse

from ..models import SiecleImport


def is_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def can_import_siecle(user, establishment: Establishment) -> bool:
    """Pure predicate (for templates and checks)."""
    if is_operator(user):
        return True
    return establishment.is_private and establishment in importable_establishments(user)


def importable_establishments(user) -> list[Establishment]:
    """The private establishments whose head the user is (operators: see `is_operator`)."""
    return [e for e in establishments_with_right(user, Right.DELEGATIONS) if e.is_private]


def get_import_for(request, public_id) -> SiecleImport:
    """A browser import the user may follow: any for the operator; a private head's own
    establishment's; else 404 (audited)."""
    record = SiecleImport.objects.select_related("establishment", "actor").filter(public_id=public_id).first()
    if record is not None and (
        is_operator(request.user)
        or (record.establishment is not None and can_import_siecle(request.user, record.establishment))
    ):
        return record
    raise refuse(request.user, reason="siecle_import", request=request, public_id=str(public_id)[:40])
