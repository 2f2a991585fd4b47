"""Account pre-creation: one account per new student and legal representative of a SIECLE import
(STYLE.md services: `<entity>_<verb>(*, …)`)."""

import datetime
from collections.abc import Sequence

from django.utils import timezone

from delegations.models import Establishment

from .identifiers import IdentifierAllocator, identifier_base
from .models import Account, AccountKind, AccountOrigin, AccountState, LegalRepresentative, Student
from .passwords import issue_provisional_password

# ---------------------------------------------------------------------------------------------
# Account pre-creation (SIECLE import). Called inside the importer's transaction, which writes
# the audit event for the whole import; no plaintext password leaves this function.
# ---------------------------------------------------------------------------------------------

ACCOUNT_BATCH_SIZE = 500


def accounts_precreate(
    *,
    establishment: Establishment,
    students: Sequence[Student] = (),
    representatives: Sequence[LegalRepresentative] = (),
    now: datetime.datetime | None = None,
) -> list[Account]:
    """One new account per given student and legal representative (none of whom has one yet):
    state « Non activé - non informé », origin Établissement, identifier `prenom.nom` unique
    platform-wide, an encrypted provisional password, e-mail and mobile from SIECLE.
    Must run inside a transaction (the caller's)."""
    now = now or timezone.now()
    owners: list[tuple[str, Student | LegalRepresentative]] = [(AccountKind.STUDENT, s) for s in students]
    owners += [(AccountKind.REPRESENTATIVE, r) for r in representatives]
    bases = [identifier_base(owner.first_name, owner.last_name) for _kind, owner in owners]
    allocator = IdentifierAllocator(bases)
    accounts = []
    for (kind, owner), base in zip(owners, bases, strict=True):
        account = Account(
            identifier=allocator.allocate(base),
            kind=kind,
            establishment=establishment,
            student=owner if kind == AccountKind.STUDENT else None,
            representative=owner if kind == AccountKind.REPRESENTATIVE else None,
            state=AccountState.NOT_INFORMED,
            origin=AccountOrigin.ESTABLISHMENT,
            email=owner.email,
            mobile=owner.mobile,
        )
        issue_provisional_password(account, now=now)  # plaintext discarded: shown later by staff
        accounts.append(account)
    Account.objects.bulk_create(accounts, batch_size=ACCOUNT_BATCH_SIZE)
    return accounts
