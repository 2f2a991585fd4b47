"""The identity provider's models: django-oauth-toolkit's, swapped so that the resource owner is a
family account (accounts.Account), never a staff user (docs/oidc.md, « Who is the user »).

DOT's models point at AUTH_USER_MODEL (the staff `delegations.User`). Every model that holds a
user is swapped here (OAUTH2_PROVIDER_*_MODEL settings) with `user` pointing at `FamilyUser`, a
proxy of Account that adds the few attributes DOT reads on a user. A staff member can therefore
never own a grant or a token: the column does not reference the staff table.
"""

from django.db import models, router, transaction
from django.utils import timezone
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractApplication,
    AbstractGrant,
    AbstractIDToken,
    AbstractRefreshToken,
)

from accounts.models import Account
from delegations.models import Establishment


class FamilyUser(Account):
    """A pupil's or a legal representative's account seen as an OAuth resource owner."""

    is_authenticated = True
    is_anonymous = False

    class Meta:
        proxy = True
        verbose_name = "usager (compte ÉduConnect)"
        verbose_name_plural = "usagers (comptes ÉduConnect)"

    @property
    def is_active(self) -> bool:
        return True  # whether the account may use services is decided by oidc.permissions

    @property
    def last_login(self):
        """DOT puts it in the ID token's auth_time."""
        return self.last_login_at

    def get_username(self) -> str:
        return self.identifier


class Scope(models.TextChoices):
    OPENID = "openid", "Identifiant du compte (obligatoire)"
    PROFILE = "profile", "Prénom, nom et date de naissance de l'élève"
    EDUCONNECT = "educonnect", "Profil, établissement, niveau et classe ; enfants d'un représentant légal"


class Service(AbstractApplication):
    """A school service (ENT, vie scolaire…) registered by the operator in /plateforme/."""

    allowed_scopes = models.CharField(
        "données autorisées (scopes)",
        max_length=200,
        default="openid profile educonnect",
        help_text="Scopes séparés par des espaces, parmi : openid, profile, educonnect. « openid » est obligatoire.",
    )
    establishments = models.ManyToManyField(
        Establishment,
        blank=True,
        related_name="+",
        verbose_name="établissements autorisés",
        help_text="Vide : tous les établissements. Sinon, seuls les comptes de ces établissements s'y connectent.",
    )

    class Meta(AbstractApplication.Meta):
        verbose_name = "service connecté"
        verbose_name_plural = "services connectés"
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"

    @property
    def scope_list(self) -> list[str]:
        return self.allowed_scopes.split()


class AccountVersionField(models.PositiveIntegerField):
    """The account's session_version when the row was written. Every reset, identifier reset or
    password change bumps it, so a grant or token carrying an older value is refused."""

    def pre_save(self, model_instance, add):
        if add and model_instance.user_id is not None:
            setattr(model_instance, self.attname, model_instance.user.session_version)
        return super().pre_save(model_instance, add)


class Grant(AbstractGrant):
    user = models.ForeignKey(FamilyUser, on_delete=models.CASCADE, related_name="+", verbose_name="usager")
    account_version = AccountVersionField(default=0, editable=False)

    class Meta(AbstractGrant.Meta):
        swappable = "OAUTH2_PROVIDER_GRANT_MODEL"


class AccessToken(AbstractAccessToken):
    user = models.ForeignKey(
        FamilyUser, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="usager"
    )
    account_version = AccountVersionField(default=0, editable=False)

    class Meta(AbstractAccessToken.Meta):
        swappable = "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL"


class RefreshToken(AbstractRefreshToken):
    user = models.ForeignKey(FamilyUser, on_delete=models.CASCADE, related_name="+", verbose_name="usager")
    account_version = AccountVersionField(default=0, editable=False)

    class Meta(AbstractRefreshToken.Meta):
        swappable = "OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL"

    def revoke(self):
        """DOT's (mark revoked, delete its access token), without re-reading the row: the UPDATE
        only matches a live token and takes its lock, so of two concurrent revocations the
        second changes nothing, and the locks are taken in DOT's order (refresh, then access
        token). Four statements instead of DOT's seven on every refresh grant."""
        now = timezone.now()
        with transaction.atomic(using=router.db_for_write(AccessToken), savepoint=False):
            live = type(self).objects.filter(pk=self.pk, revoked__isnull=True)
            if not live.update(access_token=None, revoked=now, updated=now):
                return
            for access_token in AccessToken.objects.filter(pk=self.access_token_id):
                access_token.revoke()
        self.access_token, self.revoked, self.updated = None, now, now


class IDToken(AbstractIDToken):
    user = models.ForeignKey(
        FamilyUser, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="usager"
    )

    class Meta(AbstractIDToken.Meta):
        swappable = "OAUTH2_PROVIDER_ID_TOKEN_MODEL"


class ServiceUse(models.Model):
    """An account signed in to a service at least once: « Services utilisés » (last sign-in)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="uses")
    first_signed_in_at = models.DateTimeField("première connexion")
    last_signed_in_at = models.DateTimeField("dernière connexion")
    sign_in_count = models.PositiveIntegerField("connexions", default=0)

    class Meta:
        verbose_name = "connexion à un service"
        verbose_name_plural = "connexions aux services"
        ordering = ["-last_signed_in_at"]
        constraints = [models.UniqueConstraint(fields=["account", "service"], name="service_use_unique")]

    def __str__(self):
        return f"{self.account_id} → {self.service_id}"

    @property
    def name(self) -> str:
        return self.service.name
