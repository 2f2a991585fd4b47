"""Notification jobs. The Paramètres addresses (`NotificationAddress`) live in accounts.models, where
both the letters and the activation e-mail read them; they are re-exported here for this app."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account, Audience, NotificationAddress
from delegations.models import Establishment

__all__ = ["Audience", "Channel", "NotificationAddress", "NotificationJob", "NotificationJobItem"]


class Channel(models.TextChoices):
    SHEET = "sheet", "Feuilles individuelles (PDF)"
    EMAIL = "email", "Courrier électronique"


class JobStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    RENDERING = "rendering", "Préparation du courrier"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"


# DSFR badge of each state (« Envois » list, job page); an interrupted job (`error`) shows as failed.
STATUS_BADGES = {
    JobStatus.PENDING: "fr-badge--new",
    JobStatus.RUNNING: "fr-badge--info",
    JobStatus.RENDERING: "fr-badge--info",
    JobStatus.DONE: "fr-badge--success",
    JobStatus.FAILED: "fr-badge--error",
}


class NotificationJob(models.Model):
    """A (re)notification of many accounts, run in the background one chunk of items at a time.
    Sheets: `written` counts the letters already written into the PDF (updated by chunks while it is
    written); the PDF (`pdf_path`) and the same letters split per class (`zip_path`, one PDF per class)
    are kept until `pdf_expires_at`, which stays once they are deleted (« supprimé le … »). `error`
    on an unfinished job: its last run stopped on an error, it resumes with the worker."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="notification_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("canal", max_length=5, choices=Channel)
    with_reset = models.BooleanField("avec réinitialisation du mot de passe", default=False)
    status = models.CharField("état", max_length=10, choices=JobStatus, default=JobStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # Accounts left out (e-mail without address): [{"identifier": …, "name": …, "reason": …}].
    skipped = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    # Relative to MEDIA_ROOT, private (never served as static): holds provisional passwords.
    pdf_path = models.CharField(max_length=200, blank=True)
    zip_path = models.CharField(max_length=200, blank=True)
    written = models.PositiveIntegerField("courriers écrits", default=0)
    pdf_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "notification en masse"
        verbose_name_plural = "notifications en masse"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="notification_job_channel_valid"),
            models.CheckConstraint(condition=Q(processed__lte=models.F("total")), name="notification_job_progress"),
            models.CheckConstraint(condition=Q(written__lte=models.F("total")), name="notification_job_written"),
        ]

    def __str__(self):
        return f"Notification {self.public_id} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 100

    @property
    def accounts_count(self) -> int:
        """The accounts asked for: those notified (or to be) and those left out."""
        return self.total + len(self.skipped or [])

    @property
    def pdf_percent(self) -> int:
        """Progress of the PDF step: letters written out of the accounts notified."""
        return int(100 * self.written / self.processed) if self.processed else 100

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}

    @property
    def is_interrupted(self) -> bool:
        return bool(self.error) and not self.is_finished

    @property
    def state_label(self) -> str:
        return "Interrompue" if self.is_interrupted else self.get_status_display()

    @property
    def state_badge(self) -> str:
        return STATUS_BADGES[JobStatus.FAILED] if self.is_interrupted else STATUS_BADGES.get(self.status, "")

    @property
    def letters_deleted(self) -> bool:
        """The letters existed and are deleted (retention over): « supprimé le <pdf_expires_at> »."""
        return not self.pdf_path and self.pdf_expires_at is not None


class ItemStatus(models.TextChoices):
    PENDING = "pending", "À traiter"
    DONE = "done", "Notifié"
    SKIPPED = "skipped", "Non notifiable"


class EmailStatus(models.TextChoices):
    NONE = "", "Sans mail"
    QUEUED = "queued", "À envoyer"
    SENT = "sent", "Envoyé"


class NotificationJobItem(models.Model):
    """One account of a job, processed exactly once. The state change, the new provisional password
    (encrypted, kept until the letter is printed) and the e-mail put in the outbox are written in one
    transaction; `email_status` « À envoyer » means handed to the outbox (educonnect.mail), which
    knows whether it has left."""

    job = models.ForeignKey(NotificationJob, on_delete=models.CASCADE, related_name="items")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()  # letter order: class, then name
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # idempotency key
    status = models.CharField(max_length=8, choices=ItemStatus, default=ItemStatus.PENDING)
    letter = models.CharField(max_length=3, blank=True)
    password_encrypted = models.TextField(blank=True)
    email_status = models.CharField(max_length=6, choices=EmailStatus, blank=True, default=EmailStatus.NONE)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "compte d'une notification en masse"
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "account"], name="notification_item_once_per_job"),
            models.UniqueConstraint(fields=["job", "position"], name="notification_item_position_unique"),
        ]
        indexes = [models.Index(fields=["job", "status", "position"])]

    def __str__(self):
        return f"{self.job_id}/{self.position}"
