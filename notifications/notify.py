"""One account's (re)notification, shared by the synchronous path (services) and the background jobs
(jobs): the action matrix applied to the account, its audit row, the reason an account is skipped.
Neither services nor jobs import each other for this: both import this module."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, F, Value, When

from accounts.matrix import notify_issues_new_password
from accounts.models import Account, AccountState
from accounts.passwords import (
    issue_provisional_password,
    provisional_password,
    write_provisional_passwords,
)
from educonnect import audit
from educonnect.models import AuditAction

from .letters import WITH_PASSWORD, letter_for

NO_ADDRESS = "sans adresse mail"
ALREADY_NOTIFIED = "déjà notifié entre-temps par une autre demande"


@dataclass
class NotifyResult:
    channel: str
    with_reset: bool
    notified: int = 0
    letters: Counter = field(default_factory=Counter)
    skipped: list[dict] = field(default_factory=list)  # [{"identifier", "name", "reason"}]
    pdf: bytes | None = None  # channel « sheet », synchronous run
    job: object = None  # NotificationJob when the notification runs in the background
    replayed: bool = False  # the same form was already submitted: nothing was done again

    @property
    def skipped_message(self) -> str:
        if not self.skipped:
            return ""
        reasons = Counter(item["reason"] for item in self.skipped)
        parts = [
            f"{n} compte{'s' if n > 1 else ''} non notifiable{'s' if n > 1 else ''} : {r}" for r, n in reasons.items()
        ]
        return " ; ".join(parts)


def skip_entry(account: Account, reason: str) -> dict:
    owner = account.owner
    return {"identifier": account.identifier, "name": str(owner) if owner else "", "reason": reason}


def notified_since(account: Account, since) -> bool:
    """Notified by another request after `since` (when the form was shown): « déjà fait »."""
    return since is not None and account.last_notified_at is not None and account.last_notified_at > since


def notify_one(account: Account, *, channel: str, with_reset: bool, now) -> tuple[str, str]:
    """Apply the action matrix to `account` (not saved): returns (letter code, password to print or "").
    « Avec réinitialisation »: a new provisional password, except for a never-informed account whose
    pre-created one is still unused. A letter that prints a password when the account has none left
    (expired after 3 months) gets a new one: a letter with a dead password would be useless."""
    code = letter_for(account.state, with_reset=with_reset, channel=channel)
    password = ""
    if notify_issues_new_password(account, with_reset=with_reset):
        password = issue_provisional_password(account, now=now)
    elif code in WITH_PASSWORD:
        password = provisional_password(account, now=now) or issue_provisional_password(account, now=now)
    account.last_notified_at = now
    if account.state == AccountState.NOT_INFORMED:
        account.state = AccountState.INFORMED
    account.updated_at = now
    return str(code), password


def save_notified(accounts: list[Account], *, renewed: list[Account], now) -> None:
    """Write what `notify_one(now=now)` changed on these locked accounts: the new provisional
    passwords of `renewed` in one batched UPDATE (accounts.passwords), and for all of them the date of
    last information and « non informé » → « informé » in one UPDATE (a bulk_update of 9 fields over
    a chunk of accounts cost most of a notification job)."""
    write_provisional_passwords(renewed, now=now)
    Account.objects.filter(pk__in=[account.pk for account in accounts]).update(
        last_notified_at=now,
        updated_at=now,
        state=Case(When(state=AccountState.NOT_INFORMED, then=Value(AccountState.INFORMED.value)), default=F("state")),
    )


def notified_event(*, actor, establishment, account, channel, with_reset, code, renewed, request=None, job=None):
    """The audit event of one account's notification, to be written with `audit.record_many` (one
    INSERT for a whole batch of accounts)."""
    details = {"channel": channel, "with_reset": with_reset, "letter": code, "password_renewed": renewed}
    if job is not None:
        details["job"] = str(job.public_id)
    return audit.build(
        action=AuditAction.ACCOUNT_NOTIFIED,
        actor=actor,
        establishment=establishment,
        target=account,
        request=request,
        details=details,
    )
