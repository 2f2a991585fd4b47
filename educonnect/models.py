"""The kernel's models: the append-only audit journal, the background workers' heartbeats, the outbox
of mails, the idempotency keys of forms."""

import uuid

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    """Labels of audit actions. The field stores the code without `choices`, so that adding an
    action never needs a migration."""

    STAFF_LOGIN = "staff_login", "Connexion d'un agent"
    STAFF_LOGIN_FAILED = "staff_login_failed", "Échec de connexion d'un agent"
    STAFF_LOGOUT = "staff_logout", "Déconnexion d'un agent"
    ACCESS_REFUSED = "access_refused", "Accès refusé"
    OTP_ENROLLED = "otp_enrolled", "Second facteur enrôlé"
    OTP_VERIFIED = "otp_verified", "Second facteur vérifié"
    OTP_FAILED = "otp_failed", "Échec du second facteur"
    OTP_ENROLMENT_STARTED = "otp_enrolment_started", "Enrôlement du second facteur commencé"
    OTP_REMOVED = "otp_removed", "Second facteur retiré"
    OTP_BACKUP_CODE_USED = "otp_backup_code_used", "Code de secours utilisé"
    OTP_ENROLMENT_CODE_ISSUED = "otp_enrolment_code_issued", "Code d'activation OTP délivré"
    OTP_ENROLMENT_CODE_USED = "otp_enrolment_code_used", "Code d'activation OTP utilisé"
    DELEGATION_GRANTED = "delegation_granted", "Délégation accordée"
    DELEGATION_REVOKED = "delegation_revoked", "Délégation retirée"
    SIECLE_IMPORTED = "siecle_imported", "Import SIECLE"
    PASSWORD_RESET = "password_reset", "Mot de passe réinitialisé"
    IDENTIFIER_RESET = "identifier_reset", "Identifiant réinitialisé"
    ACCOUNT_NOTIFIED = "account_notified", "Compte notifié"
    ACCOUNTS_LISTED = "accounts_listed", "Comptes listés"
    LETTERS_DOWNLOADED = "letters_downloaded", "Courrier d'une notification téléchargé"
    ACTIVATION_MAIL_SENT = "activation_mail_sent", "Mail d'activation envoyé"
    PARAMETER_CHANGED = "parameter_changed", "Paramètre modifié"
    ACCOUNT_LOGIN = "account_login", "Connexion d'un usager"
    ACCOUNT_LOGIN_FAILED = "account_login_failed", "Échec de connexion d'un usager"
    ACCOUNT_ACTIVATION_STARTED = "account_activation_started", "Première connexion (activation en cours)"
    ACCOUNT_ACTIVATED = "account_activated", "Compte activé"
    ACCOUNT_PASSWORD_CHANGED = "account_password_changed", "Mot de passe changé par l'usager"
    ACCOUNT_EMAIL_CHANGED = "account_email_changed", "Adresse mail changée par l'usager"
    ACCOUNT_RESET_REQUESTED = "account_reset_requested", "Demande de réinitialisation par l'usager"
    ACCOUNT_LOGOUT = "account_logout", "Déconnexion d'un usager"
    ACCOUNT_BIRTH_DATE_FAILED = "account_birth_date_failed", "Date de naissance erronée (première connexion)"
    ACCOUNT_EMAIL_CONFIRMED = "account_email_confirmed", "Adresse mail confirmée par l'usager"
    ACCOUNT_IDENTIFIER_REMINDED = "account_identifier_reminded", "Identifiant renvoyé par mail à l'usager"
    ACCOUNT_SERVICE_LOGIN = "account_service_login", "Connexion d'un usager à un service"
    ACCOUNT_SERVICE_REFUSED = "account_service_refused", "Connexion d'un usager à un service refusée"
    ACCOUNT_SERVICES_LOGOUT = "account_services_logout", "Déconnexion d'un usager de tous les services"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("the audit journal is append-only")

    def delete(self):
        raise TypeError("the audit journal is append-only")


class AuditEvent(models.Model):
    """Who did what, on which account, in which establishment, when. Never updated, never deleted
    (model guard here, and a trigger on PostgreSQL)."""

    occurred_at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="agent",
    )
    # The actor as text, kept when no staff member acted (end user, command line, system).
    actor_label = models.CharField("auteur", max_length=200, blank=True)
    action = models.CharField("action", max_length=64, db_index=True)
    establishment = models.ForeignKey(
        "delegations.Establishment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="établissement",
    )
    target_type = models.CharField("type de cible", max_length=40, blank=True)
    target_id = models.CharField("identifiant de la cible", max_length=64, blank=True)
    target_label = models.CharField("cible", max_length=200, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["establishment", "-occurred_at"])]

    def __str__(self):
        return f"{self.occurred_at:%d/%m/%Y %H:%M} {self.action_label} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("the audit journal is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("the audit journal is append-only")

    @property
    def action_label(self) -> str:
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action


class WorkerHeartbeat(models.Model):
    """One row per background worker (`manage.py worker`), rewritten every
    EDUCONNECT_WORKER_HEARTBEAT_SECONDS while it runs and after each task; `/sante/` reports the age
    of the most recent one. Rows of stopped workers stay (with their last beat) until pruned at the
    next worker start."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    last_beat_at = models.DateTimeField(db_index=True)
    tasks_run = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "battement d'un processus de tâches de fond"

    def __str__(self):
        return f"{self.worker_id} {self.last_beat_at:%d/%m/%Y %H:%M:%S}"


class OutgoingMailStatus(models.TextChoices):
    QUEUED = "queued", "En attente d'envoi"
    SENDING = "sending", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Abandonné"


class OutgoingMail(models.Model):
    """The outbox: every mail of the product is written here inside the transaction of the action
    that sends it, and leaves afterwards from the task worker (`educonnect.mail`). A refused or lost
    SMTP conversation leaves the mail queued; it is retried later, under the same Message-ID. Its
    content is forgotten once sent."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # Message-ID, idempotency
    establishment = models.ForeignKey(
        "delegations.Establishment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)  # notification, activation, reset, identifier, email_changed…
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=OutgoingMailStatus, default=OutgoingMailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "mail sortant"
        verbose_name_plural = "mails sortants"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["establishment", "status"]),
        ]

    def __str__(self):
        return f"{self.kind} {self.key} ({self.get_status_display()})"


class IdempotencyKey(models.Model):
    """One use of a form's idempotency key (`educonnect.idempotency`): written in the transaction of
    the action it guards, so a second submission of the same form finds it and replays `result`."""

    key = models.UUIDField(primary_key=True)
    scope = models.CharField(max_length=60)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "clé d'idempotence"
        verbose_name_plural = "clés d'idempotence"

    def __str__(self):
        return f"{self.scope} {self.key}"
