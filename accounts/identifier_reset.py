"""Resetting an ÉduConnect identifier (« Réinitialiser l'identifiant », reserved for rare cases).

The account gets a new identifier, unique platform-wide, built like the first one (`prenom.nom` +
digits). The old identifier stops working at once: sign-in looks accounts up by identifier, and the
user's open sessions are ended (session_version). Letters render `account.identifier`, so the next
letter carries the new one.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from delegations.models import Establishment
from educonnect import audit
from educonnect.models import AuditAction

from .identifiers import identifier_base, next_free_identifier, taken_identifiers
from .matrix import can_reset_identifier
from .models import Account

_ATTEMPTS = 5


class IdentifierResetRefused(Exception):
    """The action matrix refuses the reset; the message is the French reason."""


def _new_identifier(account: Account) -> str:
    owner = account.owner
    base = identifier_base(owner.first_name, owner.last_name)
    taken = taken_identifiers({base}) | {account.identifier}
    return next_free_identifier(base, taken)


@transaction.atomic
def account_reset_identifier(*, actor, establishment: Establishment, account: Account, request=None) -> str:
    """Give `account` a new identifier; returns it. Audited with the old and the new identifier."""
    account = (
        Account.objects.select_for_update(of=("self",))
        .select_related("student", "representative")
        .get(pk=account.pk, establishment=establishment)
    )
    allowed, reason = can_reset_identifier(account)
    if not allowed:
        raise IdentifierResetRefused(reason)
    old = account.identifier
    for attempt in range(_ATTEMPTS):
        account.identifier = _new_identifier(account)
        account.session_version += 1
        account.updated_at = timezone.now()
        try:
            with transaction.atomic():  # a concurrent import may take the same identifier
                account.save(update_fields=["identifier", "session_version", "updated_at"])
            break
        except IntegrityError:
            account.identifier = old
            account.session_version -= 1
            if attempt == _ATTEMPTS - 1:
                raise
    audit.record(
        action=AuditAction.IDENTIFIER_RESET,
        actor=actor,
        establishment=establishment,
        target=account,
        target_label=str(account.owner),
        request=request,
        details={"old_identifier": old, "new_identifier": account.identifier, "kind": account.kind},
    )
    return account.identifier
