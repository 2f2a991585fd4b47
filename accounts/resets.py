"""Services: staff resets of provisional passwords (one account, or many at once).

A reset gives a new provisional password (encrypted, not hashed: PRODUCT.md §4 — that is what
makes 1,000 resets take well under a second), ends the user's open sessions (session_version) and
clears their reset request; it never changes the state (action matrix). Each reset writes a
PASSWORD_RESET audit event in the same transaction, without the password.

A reset acts once per confirmation form (`educonnect.idempotency`, key read from the request): the
same form submitted again (double click, resent tab) waits for the first one and shows the same
password; a reset confirmed on a page shown before someone else reset the account is refused as
« déjà fait » (the accounts' rows are locked while this is decided).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from delegations.models import Establishment
from delegations.permissions import abilities
from educonnect import audit, idempotency
from educonnect.models import AuditAction, AuditEvent

from .matrix import can_reset_password
from .models import Account
from .passwords import PROVISIONAL_FIELDS, issue_provisional_password, provisional_password, write_provisional_passwords

ALREADY_RESET = "Déjà fait : le mot de passe de ce compte vient d'être réinitialisé ({when}, par {who})."


class ResetRefused(Exception):
    """At least one account may not be reset: nothing was changed. `refusals` lists (account, reason)."""

    def __init__(self, refusals: list[tuple[Account, str]]):
        self.refusals = refusals
        super().__init__(f"{len(refusals)} compte(s) ne peuvent pas être réinitialisés")


@dataclass(frozen=True)
class ResetResult:
    account: Account
    password: str


def _owner_label(account: Account) -> str:
    owner = account.owner
    return f"{owner.full_name} ({account.identifier})" if owner is not None else account.identifier


def _check_establishment(establishment: Establishment, accounts: Iterable[Account]) -> None:
    if any(account.establishment_id != establishment.pk for account in accounts):
        raise ValueError("an account of another establishment was given")


def _refusals(actor, establishment: Establishment, refused: list[tuple[Account, Account]]) -> list[tuple[Account, str]]:
    """(account, why) for (account, its locked row) the matrix refuses, worded for the actor's rights."""
    viewer = abilities(actor, establishment)
    return [(account, can_reset_password(fresh, abilities=viewer)[1]) for account, fresh in refused]


STALE_FORM = "Ce formulaire n'est plus valable : rechargez la page, puis recommencez."


def _claim(request, actor, scope: str, accounts: list[Account]):
    """The form's idempotency key, claimed; (None, None) without a key. A key someone else used, or
    used for other accounts (a copied form), is refused: nothing is done."""
    key = idempotency.from_request(request)
    if key is None or actor is None or not getattr(actor, "is_authenticated", False):
        return None, None
    try:
        return key, idempotency.claim(key, scope=scope, actor=actor)
    except PermissionError:
        raise ResetRefused([(accounts[0], STALE_FORM)]) from None


def _reset_since(accounts: dict[int, Account], since) -> list[tuple[Account, str]]:
    """Accounts reset by another request after `since` (the confirmation page was shown before)."""
    if since is None:
        return []
    events = (
        AuditEvent.objects.filter(
            action=AuditAction.PASSWORD_RESET,
            target_type=Account._meta.model_name,
            target_id__in=[str(pk) for pk in accounts],
            occurred_at__gt=since,
        )
        .order_by("occurred_at")
        .values_list("target_id", "occurred_at", "actor_label")
    )
    done = {}
    for target_id, occurred_at, who in events:
        done[int(target_id)] = ALREADY_RESET.format(
            when=timezone.localtime(occurred_at).strftime("%d/%m/%Y à %H:%M"), who=who or "un autre agent"
        )
    return [(accounts[pk], reason) for pk, reason in done.items()]


@transaction.atomic
def account_reset_password(*, actor, establishment: Establishment, account: Account, request=None) -> str:
    """Reset one account; returns the new provisional password (to show once, never to log).
    Raises ResetRefused when the action matrix forbids it."""
    _check_establishment(establishment, [account])
    key, claim = _claim(request, actor, f"password_reset:{account.pk}", [account])
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if claim is not None and claim.replay:  # same form again: the first result, nothing redone
        password = provisional_password(locked)
        if password is None:
            raise ResetRefused([(account, "Déjà fait : ce mot de passe a déjà été réinitialisé.")])
        return password
    already = _reset_since({locked.pk: locked}, key.issued_at if key else None)
    if already:
        raise ResetRefused([(account, already[0][1])])
    if not can_reset_password(locked)[0]:
        raise ResetRefused(_refusals(actor, establishment, [(account, locked)]))
    password = issue_provisional_password(locked)
    locked.save(update_fields=PROVISIONAL_FIELDS)
    for name in PROVISIONAL_FIELDS:
        setattr(account, name, getattr(locked, name))
    audit.record(
        action=AuditAction.PASSWORD_RESET,
        actor=actor,
        establishment=establishment,
        target=account,
        target_label=_owner_label(account),
        request=request,
        details={"state": locked.state, "bulk": False},
    )
    return password


@transaction.atomic
def accounts_reset_passwords(
    *, actor, establishment: Establishment, accounts: Iterable[Account], request=None
) -> list[ResetResult]:
    """Reset every account of `accounts`, all or nothing: if one may not be reset, ResetRefused
    is raised and nothing changes. One UPDATE batch and one INSERT batch of audit events."""
    accounts = list(accounts)
    _check_establishment(establishment, accounts)
    ids = [account.pk for account in accounts]
    key, claim = _claim(request, actor, "password_reset:bulk", accounts)
    locked = {
        a.pk: a
        for a in Account.objects.select_for_update().filter(pk__in=ids, establishment=establishment).order_by("pk")
    }
    if len(locked) != len(set(ids)):
        raise ValueError("an account vanished or belongs to another establishment")
    if claim is not None and claim.replay:  # same form again: the first result, nothing redone
        if set(claim.result.get("accounts", [])) != set(ids):
            raise ResetRefused([(accounts[0], STALE_FORM)])
        return [ResetResult(account, provisional_password(locked[account.pk]) or "") for account in accounts]
    already = _reset_since(locked, key.issued_at if key else None)
    if already:
        raise ResetRefused([(next(a for a in accounts if a.pk == done.pk), reason) for done, reason in already])
    refused = [(account, locked[account.pk]) for account in accounts if not can_reset_password(locked[account.pk])[0]]
    if refused:
        raise ResetRefused(_refusals(actor, establishment, refused))

    now = timezone.now()
    results = []
    for account in accounts:
        fresh = locked[account.pk]
        password = issue_provisional_password(fresh, now=now)
        for name in PROVISIONAL_FIELDS:
            setattr(account, name, getattr(fresh, name))
        results.append(ResetResult(account, password))
    write_provisional_passwords(list(locked.values()), now=now)

    audit.record_many(
        [
            audit.build(
                action=AuditAction.PASSWORD_RESET,
                actor=actor,
                establishment=establishment,
                target=result.account,
                target_label=_owner_label(result.account),
                request=request,
                details={"state": result.account.state, "bulk": True, "batch_size": len(results)},
            )
            for result in results
        ]
    )
    if claim is not None:
        idempotency.remember(claim, {"accounts": sorted(set(ids))})
    return results
