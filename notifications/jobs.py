"""Notification jobs: more than EDUCONNECT_NOTIFY_SYNC_MAX accounts, run by the task worker.

Each account is one item, processed once. Items are processed by chunks, each in one transaction
that changes the accounts, writes the audit rows, keeps the provisional password to print
(encrypted) and puts the e-mails in the outbox (`educonnect.mail`), which sends them after that
commit and retries a failed one under the same Message-ID. A job killed half-way resumes at its
first pending item: a rolled-back chunk is redone (its e-mails were never queued), a committed one
is never redone, so no e-mail goes twice. The PDF is written at the end from the items — with, in
the same pass, the same letters as one PDF per class in a zip — then their passwords are forgotten:
the files (private, under MEDIA_ROOT) are the only copies, downloadable by the requester until
EDUCONNECT_LETTER_RETENTION_HOURS. The job records how many letters are written as it goes.
"""

import datetime
import logging
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Account
from educonnect import audit, crypto, locks

from . import emails
from .letters import letter_for_account, make_head
from .letters.byclass import LettersByClass
from .letters.content import audience_of
from .letters.render import Layouts, LetterWriter
from .models import Channel, EmailStatus, ItemStatus, JobStatus, NotificationJob, NotificationJobItem
from .notify import ALREADY_NOTIFIED, NO_ADDRESS, notified_event, notified_since, notify_one, save_notified, skip_entry
from .selectors import accounts_for_letters, active_addresses

logger = logging.getLogger(__name__)
LETTERS_DIR = "letters"
FINISHED = [JobStatus.DONE, JobStatus.FAILED]


def chunk_size() -> int:
    return int(getattr(settings, "EDUCONNECT_NOTIFY_CHUNK", 100))


def retention() -> datetime.timedelta:
    return datetime.timedelta(hours=float(getattr(settings, "EDUCONNECT_LETTER_RETENTION_HOURS", 24)))


def _letter_order(account: Account) -> tuple:
    letter = letter_for_account(account, code="C03", password="")
    return letter.sort_key


@transaction.atomic
def job_create(*, actor, establishment, account_ids, channel: str, with_reset: bool, since=None) -> NotificationJob:
    """A job over `account_ids` (all of `establishment`, else ValueError), items in letter order.
    Skipped at once: accounts without an address (e-mail), and — the accounts' rows locked — accounts
    notified after `since` or waiting in another unfinished job (another request got there first).
    The caller enqueues it after commit (services.accounts_notify)."""
    accounts = list(accounts_for_letters(establishment).filter(pk__in=account_ids).select_for_update(of=("self",)))
    if len(accounts) != len(set(account_ids)):
        raise ValueError("some accounts are not accounts of this establishment")
    accounts.sort(key=_letter_order)
    busy = set(
        NotificationJobItem.objects.filter(
            account_id__in=account_ids, status=ItemStatus.PENDING, job__establishment=establishment
        )
        .exclude(job__status__in=FINISHED)
        .values_list("account_id", flat=True)
    )
    job = NotificationJob.objects.create(
        establishment=establishment, requested_by=actor, channel=channel, with_reset=with_reset
    )
    items, skipped = [], []
    for account in accounts:
        if account.pk in busy or notified_since(account, since):
            skipped.append(skip_entry(account, ALREADY_NOTIFIED))
            continue
        if channel == Channel.EMAIL and not emails.recipient_address(account):
            skipped.append(skip_entry(account, NO_ADDRESS))
            continue
        items.append(NotificationJobItem(job=job, account=account, position=len(items)))
    NotificationJobItem.objects.bulk_create(items, batch_size=500)
    job.total, job.skipped = len(items), skipped
    job.save(update_fields=["total", "skipped"])
    logger.info("notification job %s created: %d accounts, %d skipped", job.public_id, job.total, len(skipped))
    return job


def job_run(job_id: int) -> NotificationJob:
    """Run the job in one worker at a time: a second task for the same job (a job resumed while
    its worker still runs) returns at once, the running worker finishes it (educonnect.locks)."""
    with locks.exclusive(locks.NOTIFICATION_JOB, job_id) as mine:
        if not mine:
            return NotificationJob.objects.get(pk=job_id)
        return _run(job_id)


def _run(job_id: int) -> NotificationJob:
    """Process the job's pending items, send its queued e-mails, write its PDF. Idempotent: run it
    again after a crash and it goes on where it stopped."""
    job = NotificationJob.objects.select_related("establishment", "requested_by").get(pk=job_id)
    if job.is_finished:
        return job
    NotificationJob.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(status=JobStatus.RUNNING)
    NotificationJob.objects.filter(pk=job.pk).exclude(error="").update(error="")  # resumed after an error
    while _process_chunk(job):
        pass
    if job.channel == Channel.SHEET:
        NotificationJob.objects.filter(pk=job.pk).update(status=JobStatus.RENDERING)
        _write_pdf(job)
    NotificationJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def _process_chunk(job: NotificationJob) -> bool:
    with transaction.atomic():
        items = list(
            NotificationJobItem.objects.select_for_update(skip_locked=True)
            .filter(job=job, status=ItemStatus.PENDING)
            .order_by("position")[: chunk_size()]
        )
        if not items:
            return False
        accounts = {
            a.pk: a
            for a in accounts_for_letters(job.establishment)
            .filter(pk__in=[i.account_id for i in items])
            .select_for_update(of=("self",))
        }
        now = timezone.now()
        urls = active_addresses(job.establishment)
        events, renewed = [], []
        for item in items:
            account = accounts[item.account_id]
            before = account.session_version
            code, password = notify_one(account, channel=job.channel, with_reset=job.with_reset, now=now)
            if account.session_version != before:
                renewed.append(account)
            item.status, item.letter, item.processed_at = ItemStatus.DONE, code, now
            item.password_encrypted = crypto.encrypt(password) if password and job.channel == Channel.SHEET else ""
            if job.channel == Channel.EMAIL:
                # Queued in the outbox in this transaction; the outbox tells whether it left.
                item.email_status = EmailStatus.QUEUED
                head = make_head(job.establishment, code=code, audience=audience_of(account), urls=urls)
                letter = letter_for_account(account, code=code, password="")
                emails.queue_letter_email(account, head, letter, establishment=job.establishment)
            events.append(
                notified_event(
                    actor=job.requested_by,
                    establishment=job.establishment,
                    account=account,
                    channel=job.channel,
                    with_reset=job.with_reset,
                    code=code,
                    renewed=account.session_version != before,
                    job=job,
                )
            )
        save_notified(list(accounts.values()), renewed=renewed, now=now)
        audit.record_many(events)
        NotificationJobItem.objects.bulk_update(
            items, ["status", "letter", "processed_at", "password_encrypted", "email_status"]
        )
        NotificationJob.objects.filter(pk=job.pk).update(processed=F("processed") + len(items))
    logger.info("notification job %s: %d accounts processed", job.public_id, len(items))
    return True


def pdf_file(job: NotificationJob) -> Path:
    return Path(settings.MEDIA_ROOT) / job.pdf_path


def zip_file(job: NotificationJob) -> Path:
    return Path(settings.MEDIA_ROOT) / job.zip_path


def _private_file(path: Path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def _pages(job: NotificationJob):
    """(head, letter) of each notified item, in letter order, its password decrypted: from the
    database by batches of 500, so memory stays flat."""
    urls = active_addresses(job.establishment)
    date = timezone.localdate()
    items = (
        NotificationJobItem.objects.filter(job=job, status=ItemStatus.DONE)
        .order_by("position")
        .values_list("account_id", "letter", "password_encrypted")
    )
    for start in range(0, job.total, 500):
        batch = list(items[start : start + 500])
        accounts = accounts_for_letters(job.establishment).in_bulk([b[0] for b in batch])
        for account_id, code, token in batch:
            account = accounts[account_id]
            password = crypto.decrypt(token) if token else ""
            head = make_head(job.establishment, code=code, audience=audience_of(account), urls=urls, date=date)
            yield head, letter_for_account(account, code=code, password=password)


def _write_pdf(job: NotificationJob) -> None:
    """Write the letters twice in one pass: the whole PDF, and one PDF per class gathered in a zip
    (`letters.byclass`), both private files under MEDIA_ROOT/letters. `written` is updated every
    `chunk_size()` letters (one UPDATE per chunk, not per letter): the job page shows it. Written
    under `.part` names, renamed once complete; a resumed job writes them again from the start."""
    job.refresh_from_db(fields=["processed"])
    if not job.processed:
        return  # every account was left out: no letter to print
    folder = Path(settings.MEDIA_ROOT) / LETTERS_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    pdf_relative, zip_relative = f"{LETTERS_DIR}/{job.public_id}.pdf", f"{LETTERS_DIR}/{job.public_id}-classes.zip"
    pdf_target, zip_target = Path(settings.MEDIA_ROOT) / pdf_relative, Path(settings.MEDIA_ROOT) / zip_relative
    NotificationJob.objects.filter(pk=job.pk).update(written=0)
    layouts, step, written = Layouts(), chunk_size(), 0
    with tempfile.TemporaryDirectory(prefix=f"{job.public_id}.", suffix=".part", dir=folder) as work:
        by_class = LettersByClass(Path(work), layouts)
        try:
            with _private_file(pdf_target.with_suffix(".part")) as handle:
                whole = LetterWriter(handle, layouts)
                for head, letter in _pages(job):
                    whole.add(head, letter)
                    by_class.add(head, letter)
                    written += 1
                    if written % step == 0:
                        NotificationJob.objects.filter(pk=job.pk).update(written=written)
                whole.close()
            with _private_file(zip_target.with_suffix(".part")) as handle:
                members = by_class.close_into(handle)
        except BaseException:
            by_class.discard()
            raise
    os.replace(pdf_target.with_suffix(".part"), pdf_target)
    os.replace(zip_target.with_suffix(".part"), zip_target)
    with transaction.atomic():
        NotificationJob.objects.filter(pk=job.pk).update(
            pdf_path=pdf_relative,
            zip_path=zip_relative,
            written=written,
            pdf_expires_at=timezone.now() + retention(),
        )
        # The files are now the only copies of the passwords printed: forget them in the items.
        NotificationJobItem.objects.filter(job=job).exclude(password_encrypted="").update(password_encrypted="")
    logger.info("notification job %s: %d letters written, %d classes", job.public_id, written, len(members))
    job.refresh_from_db()


@transaction.atomic
def job_record_done(*, actor, establishment, result) -> NotificationJob:
    """Keep a synchronous notification like a finished job: its page, and its PDF (private file,
    requester only, same retention) for « Télécharger le courrier au format PDF »."""
    job = NotificationJob.objects.create(
        establishment=establishment,
        requested_by=actor,
        channel=result.channel,
        with_reset=result.with_reset,
        status=JobStatus.DONE,
        total=result.notified,
        processed=result.notified,
        written=result.notified if result.pdf else 0,
        skipped=result.skipped,
        finished_at=timezone.now(),
    )
    if result.pdf:
        relative = f"{LETTERS_DIR}/{job.public_id}.pdf"
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(result.pdf)
        job.pdf_path, job.pdf_expires_at = relative, timezone.now() + retention()
        job.save(update_fields=["pdf_path", "pdf_expires_at"])
    return job


def job_delete_pdf(job: NotificationJob) -> None:
    """Delete the job's letters (PDF and per-class zip). `pdf_expires_at` stays (« supprimé le … »),
    brought forward to now when they go before their delay."""
    if job.pdf_path or job.zip_path:
        for path in (job.pdf_path, job.zip_path):
            if path:
                (Path(settings.MEDIA_ROOT) / path).unlink(missing_ok=True)
        deleted_at = min(job.pdf_expires_at or timezone.now(), timezone.now())
        NotificationJob.objects.filter(pk=job.pk).update(pdf_path="", zip_path="", pdf_expires_at=deleted_at)
        job.pdf_path, job.zip_path, job.pdf_expires_at = "", "", deleted_at


def purge_letters(*, now=None) -> int:
    """Delete the letters PDFs past their retention delay; returns how many were deleted."""
    now = now or timezone.now()
    expired = list(NotificationJob.objects.filter(pdf_expires_at__lte=now).exclude(pdf_path="", zip_path=""))
    for job in expired:
        job_delete_pdf(job)
    # Leftovers of interrupted writes.
    folder = Path(settings.MEDIA_ROOT) / LETTERS_DIR
    if folder.is_dir():
        limit = (now - retention()).timestamp()
        for path in folder.glob("*.part"):
            if path.stat().st_mtime < limit:
                if path.is_dir():  # the per-class work folder of a killed worker
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
    return len(expired)
