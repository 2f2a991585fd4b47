"""The outbox: how every mail of the product leaves.

`queue(message, kind=…, establishment=…)` writes the message in `OutgoingMail` inside the caller's
transaction (so it exists exactly when the action that sends it was committed) and, after the commit,
enqueues the task `send_outgoing_mail`. The task claims the row (one UPDATE, no lock held), talks to
the SMTP server outside any transaction, and marks it sent — its content is then forgotten. A
refused, dropped or timed-out conversation is logged, the row goes back to « en attente » and a
retry is enqueued later (backoff), under the same Message-ID. Nothing is sent from inside a request's
transaction, and an SMTP failure never turns into a 500 for the person who acted.

`resume()` (run at worker start by `manage.py resume_notification_jobs`) enqueues again what a killed
worker left queued or half-sent. `pending_count(establishment)` feeds « N mails en attente d'envoi ».
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.tasks import default_task_backend, task
from django.utils import timezone

from .models import OutgoingMail, OutgoingMailStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A row « en cours d'envoi » for longer than this was left by a killed worker.
STALE_SENDING = datetime.timedelta(minutes=10)


def message_id(key) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "educonnect.invalid"
    return f"<{key}@{domain}>"


def queue(message: EmailMultiAlternatives, *, kind: str, establishment=None) -> OutgoingMail:
    """Keep `message` (one recipient) in the outbox; it leaves after the current transaction commits."""
    if len(message.to) != 1:
        raise ValueError("one outgoing mail has one recipient")
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    row = OutgoingMail.objects.create(
        establishment=establishment,
        kind=kind,
        to=message.to[0],
        subject=message.subject,
        body=message.body,
        html=html,
        headers={k: v for k, v in (message.extra_headers or {}).items() if k.lower() != "message-id"},
    )
    transaction.on_commit(lambda: enqueue(row.pk))
    return row


def enqueue(pk: int, *, run_after: datetime.datetime | None = None) -> None:
    """Hand the mail to the task worker. If even that fails, the row stays queued for resume()."""
    task = send_outgoing_mail
    if run_after is not None:
        if not default_task_backend.supports_defer:  # no deferred run: resume() picks it up when due
            return
        task = task.using(run_after=run_after)
    try:
        task.enqueue(pk)
    except Exception:
        logger.exception("mail %s: could not be handed to the task worker, left queued", pk)


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8… minutes, at most 2 hours."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def _message(row: OutgoingMail) -> EmailMultiAlternatives:
    headers = {**row.headers, "Message-ID": message_id(row.key), "Auto-Submitted": "auto-generated"}
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.to], headers=headers
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def deliver(pk: int) -> bool:
    """Send one queued mail (the task's body). True when it left now."""
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(pk=pk, status=OutgoingMailStatus.QUEUED).update(
        status=OutgoingMailStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + STALE_SENDING
    )
    if not claimed:  # already sent, being sent, or abandoned
        return False
    row = OutgoingMail.objects.select_related("establishment").get(pk=pk)
    where = row.establishment.uai if row.establishment_id else "-"
    try:
        _message(row).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
        if row.attempts >= MAX_ATTEMPTS:
            OutgoingMail.objects.filter(pk=pk).update(status=OutgoingMailStatus.FAILED, last_error=error)
            logger.error(
                "mail %s (%s, establishment %s) abandoned after %d attempts: %s",
                row.key,
                row.kind,
                where,
                row.attempts,
                error,
            )
            return False
        retry_at = timezone.now() + backoff(row.attempts)
        OutgoingMail.objects.filter(pk=pk).update(
            status=OutgoingMailStatus.QUEUED, last_error=error, next_attempt_at=retry_at
        )
        logger.warning(
            "mail %s (%s, establishment %s) failed, attempt %d, retry at %s: %s",
            row.key,
            row.kind,
            where,
            row.attempts,
            retry_at.isoformat(timespec="seconds"),
            error,
        )
        enqueue(pk, run_after=retry_at)
        return False
    OutgoingMail.objects.filter(pk=pk).update(
        status=OutgoingMailStatus.SENT, sent_at=timezone.now(), body="", html="", last_error="", next_attempt_at=None
    )
    logger.info("mail %s (%s, establishment %s) sent, attempt %d", row.key, row.kind, where, row.attempts)
    return True


@task
def send_outgoing_mail(pk: int) -> bool:
    """The task: send one mail of the outbox (a failure is logged and retried later)."""
    return deliver(pk)


def resume(*, now=None) -> int:
    """Enqueue again the mails left queued (their retry is due) or half-sent by a killed worker."""
    now = now or timezone.now()
    OutgoingMail.objects.filter(status=OutgoingMailStatus.SENDING, next_attempt_at__lte=now).update(
        status=OutgoingMailStatus.QUEUED
    )
    due = list(
        OutgoingMail.objects.filter(status=OutgoingMailStatus.QUEUED)
        .exclude(next_attempt_at__gt=now)
        .values_list("pk", flat=True)
    )
    for pk in due:
        enqueue(pk)
    if due:
        logger.info("%d queued mails handed again to the task worker", len(due))
    return len(due)


def pending_count(establishment) -> int:
    """« N mails en attente d'envoi » for the staff of `establishment`."""
    return (
        OutgoingMail.objects.filter(establishment=establishment)
        .exclude(status__in=[OutgoingMailStatus.SENT, OutgoingMailStatus.FAILED])
        .count()
    )


def failed_count(establishment) -> int:
    return OutgoingMail.objects.filter(establishment=establishment, status=OutgoingMailStatus.FAILED).count()
