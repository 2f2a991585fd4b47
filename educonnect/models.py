"""The kernel's one model: the append-only audit journal."""

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
    DELEGATION_GRANTED = "delegation_granted", "Délégation accordée"
    DELEGATION_REVOKED = "delegation_revoked", "Délégation retirée"
    SIECLE_IMPORTED = "siecle_imported", "Import SIECLE"
    PASSWORD_RESET = "password_reset", "Mot de passe réinitialisé"
    IDENTIFIER_RESET = "identifier_reset", "Identifiant réinitialisé"
    ACCOUNT_NOTIFIED = "account_notified", "Compte notifié"
    ACCOUNTS_LISTED = "accounts_listed", "Comptes listés"
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

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The actor as text, kept when no staff member acted (end user, command line, system).
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    establishment = models.ForeignKey(
        "delegations.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
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
