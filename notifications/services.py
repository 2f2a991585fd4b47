"""Writes of the notifications app: (re)notify accounts, Paramètres. Called by views, commands, jobs
and by the administration module (through its notifications URLs)."""

import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from accounts.matrix import notify_issues_new_password
from accounts.models import Account, AccountState
from accounts.passwords import PROVISIONAL_FIELDS, issue_provisional_password, provisional_password
from educonnect import audit
from educonnect.models import AuditAction

from . import emails
from .letters import WITH_PASSWORD, letter_for, letter_for_account, make_head, render_letters_pdf
from .letters.content import audience_of
from .models import Audience, Channel, NotificationAddress
from .selectors import active_addresses

NO_ADDRESS = "sans adresse mail"
NOTIFY_FIELDS = sorted({*PROVISIONAL_FIELDS, "state", "last_notified_at", "updated_at"})


def sync_max() -> int:
    return int(getattr(settings, "EDUCONNECT_NOTIFY_SYNC_MAX", 40))


@dataclass
class NotifyResult:
    channel: str
    with_reset: bool
    notified: int = 0
    letters: Counter = field(default_factory=Counter)
    skipped: list[dict] = field(default_factory=list)  # [{"identifier", "name", "reason"}]
    pdf: bytes | None = None  # channel « sheet », synchronous run
    job: object = None  # NotificationJob when the notification runs in the background

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


def audit_notified(*, actor, establishment, account, channel, with_reset, code, renewed, request=None, job=None):
    details = {"channel": channel, "with_reset": with_reset, "letter": code, "password_renewed": renewed}
    if job is not None:
        details["job"] = str(job.public_id)
    audit.record(
        action=AuditAction.ACCOUNT_NOTIFIED,
        actor=actor,
        establishment=establishment,
        target=account,
        request=request,
        details=details,
    )


def accounts_notify(*, actor, establishment, accounts, channel: str, with_reset: bool, request=None) -> NotifyResult:
    """(Re)notify `accounts` (Account objects or ids, all of `establishment`) by printable sheets
    (`channel="sheet"`: C01/C03/C05, one PDF) or e-mail (`channel="email"`: C02/C04/C06).

    Signature for callers (the administration module posts to `notifications:notify`, or calls this):
        accounts_notify(*, actor: User, establishment: Establishment, accounts: Iterable[Account | int],
                        channel: "sheet" | "email", with_reset: bool, request=None) -> NotifyResult

    Up to EDUCONNECT_NOTIFY_SYNC_MAX accounts: done now, all or nothing, in one transaction: state
    « Non activé - non informé » → « Non activé - informé », « Dernière information » set, new
    provisional passwords per the action matrix, one ACCOUNT_NOTIFIED audit row per account (never
    the password), e-mails sent after commit; `result.pdf` holds the letters (sheet). Accounts
    without an address (e-mail) are skipped and listed in `result.skipped`. Above the threshold:
    a background job is created and `result.job` is set (see notifications.jobs).
    Raises ValueError when an account is not one of the establishment's."""
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    ids = sorted({a.pk if isinstance(a, Account) else int(a) for a in accounts})
    if len(ids) > sync_max():
        from .jobs import job_create

        job = job_create(
            actor=actor, establishment=establishment, account_ids=ids, channel=channel, with_reset=with_reset
        )
        return NotifyResult(channel=channel, with_reset=with_reset, job=job, skipped=list(job.skipped))
    return _notify_now(
        actor=actor, establishment=establishment, ids=ids, channel=channel, with_reset=with_reset, request=request
    )


@transaction.atomic
def _notify_now(*, actor, establishment, ids, channel, with_reset, request) -> NotifyResult:
    from .selectors import accounts_for_letters

    accounts = list(accounts_for_letters(establishment).filter(pk__in=ids).select_for_update(of=("self",)))
    if len(accounts) != len(ids):
        raise ValueError("some accounts are not accounts of this establishment")
    result = NotifyResult(channel=channel, with_reset=with_reset)
    urls = active_addresses(establishment)
    now = timezone.now()
    pages, messages, changed = [], [], []
    for account in accounts:
        address = emails.recipient_address(account) if channel == Channel.EMAIL else ""
        if channel == Channel.EMAIL and not address:
            result.skipped.append(skip_entry(account, NO_ADDRESS))
            continue
        renewed_before = account.session_version
        code, password = notify_one(account, channel=channel, with_reset=with_reset, now=now)
        changed.append(account)
        letter = letter_for_account(account, code=code, password=password)
        head = make_head(
            establishment, code=code, audience=audience_of(account), urls=urls, date=timezone.localdate(now)
        )
        if channel == Channel.EMAIL:
            messages.append(emails.build_email(head, letter, to=address, key=uuid.uuid4()))
        else:
            pages.append((head, letter))
        audit_notified(
            actor=actor,
            establishment=establishment,
            account=account,
            channel=channel,
            with_reset=with_reset,
            code=code,
            renewed=account.session_version != renewed_before,
            request=request,
        )
        result.letters[code] += 1
    Account.objects.bulk_update(changed, NOTIFY_FIELDS)
    result.notified = len(changed)
    if pages:
        pages.sort(key=lambda page: page[1].sort_key)
        result.pdf = render_letters_pdf(pages)  # inside the transaction: a failure undoes everything
    if messages:
        transaction.on_commit(lambda: emails.send_emails(messages))
    return result


# Paramètres ---------------------------------------------------------------------------------------


def _address(establishment, audience) -> NotificationAddress:
    if audience not in Audience.values:
        raise ValueError(f"unknown audience {audience!r}")
    row, _ = NotificationAddress.objects.select_for_update().get_or_create(
        establishment=establishment, audience=audience
    )
    return row


def _audit_parameter(actor, establishment, row: NotificationAddress, change: str, request=None) -> None:
    audit.record(
        action=AuditAction.PARAMETER_CHANGED,
        actor=actor,
        establishment=establishment,
        target=row,
        request=request,
        details={"audience": row.audience, "change": change, "url": row.url, "active": row.is_active},
    )


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    schemes = getattr(settings, "EDUCONNECT_PARAMETERS_URL_SCHEMES", ["https"])
    try:
        URLValidator(schemes=schemes)(url)
    except ValidationError:
        raise ValidationError("Saisissez une adresse internet valide commençant par https://.") from None
    return url


def check_reachable(url: str) -> None:
    """HEAD (then GET when HEAD is refused) with a short timeout; ValidationError when it fails."""
    timeout = float(getattr(settings, "EDUCONNECT_PARAMETERS_CHECK_TIMEOUT", 5))
    headers = {"User-Agent": "EduConnect-verification/1.0"}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310 (scheme validated)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                if response.status < 400:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in (403, 405, 501) and method == "HEAD":
                continue
            raise ValidationError(f"L'adresse a répondu par une erreur ({exc.code}).") from None
        except (urllib.error.URLError, TimeoutError, OSError):
            raise ValidationError("L'adresse ne répond pas : vérifiez-la ou réessayez plus tard.") from None
    raise ValidationError("L'adresse ne répond pas : vérifiez-la ou réessayez plus tard.")


@transaction.atomic
def parameters_set_address(*, actor, establishment, audience: str, url: str, request=None) -> NotificationAddress:
    """Record a new address (not verified yet). An address switched on must be switched off first."""
    row = _address(establishment, audience)
    if row.is_active:
        raise ValidationError("Désactivez l'intégration de l'adresse dans les courriers et mails avant de la modifier.")
    url = (url or "").strip()
    if url:
        url = _clean_url(url)
    row.url, row.verified_at = url, None
    row.save(update_fields=["url", "verified_at", "updated_at"])
    _audit_parameter(actor, establishment, row, "set", request)
    return row


@transaction.atomic
def parameters_verify_address(*, actor, establishment, audience: str, url: str, request=None) -> NotificationAddress:
    """« Vérifier »: a well-formed https address that answers (when
    EDUCONNECT_PARAMETERS_CHECK_REACHABLE, the default), then recorded as verified."""
    row = _address(establishment, audience)
    url = _clean_url(url)
    if row.is_active and url != row.url:
        raise ValidationError("Désactivez l'intégration de l'adresse dans les courriers et mails avant de la modifier.")
    if getattr(settings, "EDUCONNECT_PARAMETERS_CHECK_REACHABLE", True):
        check_reachable(url)
    row.url, row.verified_at = url, timezone.now()
    row.save(update_fields=["url", "verified_at", "updated_at"])
    _audit_parameter(actor, establishment, row, "verified", request)
    return row


@transaction.atomic
def parameters_switch(*, actor, establishment, audience: str, on: bool, request=None) -> NotificationAddress:
    """« Intégrer dans les courriers et mails »: only a verified address can be switched on."""
    row = _address(establishment, audience)
    if on and (not row.url or row.verified_at is None):
        raise ValidationError("Vérifiez l'adresse avant de l'intégrer dans les courriers et mails.")
    if row.is_active != on:
        row.is_active = on
        row.save(update_fields=["is_active", "updated_at"])
        _audit_parameter(actor, establishment, row, "on" if on else "off", request)
    return row
