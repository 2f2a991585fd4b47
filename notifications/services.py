"""Writes of the notifications app: (re)notify accounts, Paramètres. Called by views, commands and by
the administration module (through its notifications URLs).

Imports go one way: services → jobs, tasks → jobs → notify (no cycle)."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from educonnect import audit, idempotency, mail, safefetch
from educonnect.models import AuditAction

from . import emails, jobs
from .letters import letter_for_account, make_head, render_letters_pdf
from .letters.content import audience_of
from .models import Audience, Channel, NotificationAddress, NotificationJob
from .notify import (
    ALREADY_NOTIFIED,
    NO_ADDRESS,
    NotifyResult,
    notified_event,
    notified_since,
    notify_one,
    save_notified,
    skip_entry,
)
from .selectors import accounts_for_letters, active_addresses
from .tasks import run_notification_job

logger = logging.getLogger(__name__)


def sync_max() -> int:
    return int(getattr(settings, "EDUCONNECT_NOTIFY_SYNC_MAX", 40))


def accounts_notify(
    *, actor, establishment, accounts, channel: str, with_reset: bool, request=None, since=None
) -> NotifyResult:
    """(Re)notify `accounts` (Account objects or ids, all of `establishment`) by printable sheets
    (`channel="sheet"`: C01/C03/C05, one PDF) or e-mail (`channel="email"`: C02/C04/C06).

    Signature for callers (the administration module posts to `notifications:notify`, or calls this):
        accounts_notify(*, actor: User, establishment: Establishment, accounts: Iterable[Account | int],
                        channel: "sheet" | "email", with_reset: bool, request=None, since=None) -> NotifyResult

    Up to EDUCONNECT_NOTIFY_SYNC_MAX accounts: done now, all or nothing, in one transaction holding
    the accounts' row locks: state « Non activé - non informé » → « Non activé - informé », « Dernière
    information » set, new provisional passwords per the action matrix, one ACCOUNT_NOTIFIED audit
    row per account (never the password), e-mails kept in the outbox and sent after commit by the
    task worker; `result.pdf` holds the letters (sheet). Accounts without an address (e-mail), and
    accounts notified by another request after `since` (when the form was shown: « déjà fait »), are
    skipped and listed in `result.skipped`. Above the threshold: a background job is created and
    `result.job` is set (see notifications.jobs). Raises ValueError when an account is not one of
    the establishment's."""
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    ids = sorted({a.pk if isinstance(a, Account) else int(a) for a in accounts})
    if len(ids) > sync_max():
        job = jobs.job_create(
            actor=actor,
            establishment=establishment,
            account_ids=ids,
            channel=channel,
            with_reset=with_reset,
            since=since,
        )
        transaction.on_commit(lambda: enqueue(job))
        return NotifyResult(channel=channel, with_reset=with_reset, job=job, skipped=list(job.skipped))
    return _notify_now(
        actor=actor,
        establishment=establishment,
        ids=ids,
        channel=channel,
        with_reset=with_reset,
        request=request,
        since=since,
    )


@transaction.atomic
def _notify_now(*, actor, establishment, ids, channel, with_reset, request, since=None) -> NotifyResult:
    accounts = list(accounts_for_letters(establishment).filter(pk__in=ids).select_for_update(of=("self",)))
    if len(accounts) != len(ids):
        raise ValueError("some accounts are not accounts of this establishment")
    result = NotifyResult(channel=channel, with_reset=with_reset)
    urls = active_addresses(establishment)
    now = timezone.now()
    pages, changed, renewed, events = [], [], [], []
    for account in accounts:
        if notified_since(account, since):
            result.skipped.append(skip_entry(account, ALREADY_NOTIFIED))
            continue
        if channel == Channel.EMAIL and not emails.recipient_address(account):
            result.skipped.append(skip_entry(account, NO_ADDRESS))
            continue
        renewed_before = account.session_version
        code, password = notify_one(account, channel=channel, with_reset=with_reset, now=now)
        changed.append(account)
        if account.session_version != renewed_before:
            renewed.append(account)
        letter = letter_for_account(account, code=code, password=password)
        head = make_head(
            establishment, code=code, audience=audience_of(account), urls=urls, date=timezone.localdate(now)
        )
        if channel == Channel.EMAIL:
            emails.queue_letter_email(account, head, letter, establishment=establishment)
        else:
            pages.append((head, letter))
        events.append(
            notified_event(
                actor=actor,
                establishment=establishment,
                account=account,
                channel=channel,
                with_reset=with_reset,
                code=code,
                renewed=account.session_version != renewed_before,
                request=request,
            )
        )
        result.letters[code] += 1
    save_notified(changed, renewed=renewed, now=now)
    audit.record_many(events)
    result.notified = len(changed)
    if pages:
        pages.sort(key=lambda page: page[1].sort_key)
        result.pdf = render_letters_pdf(pages)  # inside the transaction: a failure undoes everything
    return result


@transaction.atomic
def notification_request(
    *, actor, establishment, accounts, channel: str, with_reset: bool, key=None, request=None
) -> tuple[NotificationJob, bool]:
    """« Informer » / « (Re)notifier » submitted from a form carrying an idempotency key: acts once.
    Returns (the notification's job, replayed). The same form submitted again (double click, resent
    tab) waits for the first submission and gets its job back with `replayed=True`; another form on
    the same accounts (second tab, second staff member) skips what was notified since it was shown.
    A small notification is recorded as a finished job (its page, its PDF)."""
    claim = idempotency.claim(key, scope="notify", actor=actor) if key is not None else None
    if claim is not None and claim.replay:
        job = NotificationJob.objects.filter(
            public_id=claim.result.get("job"), establishment=establishment, requested_by=actor
        ).first()
        if job is None:
            raise PermissionError("idempotency key of another establishment")
        logger.info("notification %s: same form submitted again, first result shown", job.public_id)
        return job, True
    result = accounts_notify(
        actor=actor,
        establishment=establishment,
        accounts=accounts,
        channel=channel,
        with_reset=with_reset,
        request=request,
        since=key.issued_at if key is not None else None,
    )
    job = result.job or jobs.job_record_done(actor=actor, establishment=establishment, result=result)
    if claim is not None:
        idempotency.remember(claim, {"job": str(job.public_id)})
    return job, False


def letters_downloaded(*, actor, job: NotificationJob, by_class: bool, request=None) -> None:
    """Journal a download of a job's letters: they hold provisional passwords."""
    audit.record(
        action=AuditAction.LETTERS_DOWNLOADED,
        actor=actor,
        establishment=job.establishment,
        target=job,
        request=request,
        details={"job": str(job.public_id), "form": "zip" if by_class else "pdf"},
    )


def enqueue(job: NotificationJob) -> None:
    run_notification_job.enqueue(job.pk)


def jobs_resume() -> tuple[int, int]:
    """At worker start: enqueue again every unfinished job (a worker was killed) and the mails left
    in the outbox. Returns (jobs, mails)."""
    pending = list(NotificationJob.objects.exclude(status__in=jobs.FINISHED))
    for job in pending:
        enqueue(job)
    return len(pending), mail.resume()


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


CHECK_FAILED = (
    "L'adresse n'a pas pu être vérifiée : elle doit être une adresse publique qui répond. "
    "Vérifiez-la ou réessayez plus tard."
)


def check_reachable(url: str) -> None:
    """« Vérifier »: the address answers (educonnect.safefetch: public addresses only, checked at every
    redirect). One neutral message for every failure; the reason goes to the log only."""
    try:
        safefetch.check_reachable(url)
    except safefetch.FetchFailed as failure:
        logger.info("parameters address check failed: %s", failure)
        raise ValidationError(CHECK_FAILED) from None


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


def parameters_verify_address(*, actor, establishment, audience: str, url: str, request=None) -> NotificationAddress:
    """« Vérifier »: a well-formed https address that answers (when
    EDUCONNECT_PARAMETERS_CHECK_REACHABLE, the default), then recorded as verified. The address is
    fetched before the transaction opens: no HTTP call while the row is locked."""
    if audience not in Audience.values:
        raise ValueError(f"unknown audience {audience!r}")
    url = _clean_url(url)
    current = NotificationAddress.objects.filter(establishment=establishment, audience=audience).first()
    if current is not None and current.is_active and url != current.url:
        raise ValidationError("Désactivez l'intégration de l'adresse dans les courriers et mails avant de la modifier.")
    if getattr(settings, "EDUCONNECT_PARAMETERS_CHECK_REACHABLE", True):
        check_reachable(url)
    return _record_verified(actor=actor, establishment=establishment, audience=audience, url=url, request=request)


@transaction.atomic
def _record_verified(*, actor, establishment, audience, url, request) -> NotificationAddress:
    row = _address(establishment, audience)
    if row.is_active and url != row.url:  # switched on meanwhile by someone else
        raise ValidationError("Désactivez l'intégration de l'adresse dans les courriers et mails avant de la modifier.")
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
