"""Who works where with which rights: académies, establishments, staff, the DELEG-CE catalogue."""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin

from educonnect.validators import validate_uai


class User(AbstractUser):
    """A staff member (agent). Signs in on the staff portal (the ARENA stand-in)."""

    class Civility(models.TextChoices):
        MR = "M.", "M."
        MRS = "Mme", "Mme"

    civility = models.CharField("civilité", max_length=4, choices=Civility, blank=True)

    class Meta:
        verbose_name = "agent"
        verbose_name_plural = "agents"

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name.upper()}".strip() or self.username
        return f"{self.civility} {name}".strip()


class Academie(models.Model):
    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100, unique=True)

    class Meta:
        verbose_name = "académie"
        ordering = ["name"]

    def __str__(self):
        return f"Académie de {self.name}" if not self.name.startswith("Académie") else self.name


class Establishment(models.Model):
    class Kind(models.TextChoices):
        COLLEGE = "college", "Collège"
        LYCEE = "lycee", "Lycée"
        LP = "lp", "Lycée professionnel"
        ECOLE = "ecole", "École"

    class Sector(models.TextChoices):
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Privé sous contrat"

    uai = models.CharField("UAI", max_length=8, unique=True, validators=[validate_uai])
    name = models.CharField("nom", max_length=200, blank=True)
    kind = models.CharField("type", max_length=10, choices=Kind, default=Kind.COLLEGE)
    sector = models.CharField("secteur", max_length=10, choices=Sector, default=Sector.PUBLIC)
    academie = models.ForeignKey(
        Academie, null=True, blank=True, on_delete=models.PROTECT, related_name="establishments"
    )
    address = models.TextField("adresse", blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    # « données fournies par SIECLE le … »: DATE_EXPORT of the last successful import.
    siecle_export_date = models.DateField("date d'export SIECLE", null=True, blank=True)
    siecle_imported_at = models.DateTimeField("dernier import SIECLE", null=True, blank=True)
    siecle_school_year = models.PositiveSmallIntegerField("année scolaire SIECLE", null=True, blank=True)

    class Meta:
        verbose_name = "établissement"
        ordering = ["name", "uai"]
        constraints = [
            models.CheckConstraint(condition=Q(uai__regex=r"^[0-9]{7}[A-Z]$"), name="establishment_uai_format"),
        ]

    def __str__(self):
        return f"{self.name} ({self.uai})" if self.name else self.uai

    @property
    def is_private(self) -> bool:
        return self.sector == self.Sector.PRIVATE


class Assignment(models.Model):
    """A staff member attached to an establishment, with a function."""

    class Function(models.TextChoices):
        DIR = "DIR", "Personnel de direction"
        ADM = "ADM", "Personnel administratif"
        EDU = "EDU", "Vie scolaire"
        ENS = "ENS", "Enseignant"
        OTHER = "AUT", "Autre"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="assignments")
    function = models.CharField("fonction", max_length=3, choices=Function)
    title = models.CharField("intitulé", max_length=100, blank=True)  # « Principale », « Secrétaire »…
    staff_code = models.CharField("code agent", max_length=20, blank=True)  # e.g. L1000 in DELEG-CE

    class Meta:
        verbose_name = "affectation"
        constraints = [
            models.UniqueConstraint(fields=["user", "establishment"], name="assignment_unique_per_establishment")
        ]

    def __str__(self):
        return f"{self.user} — {self.establishment.uai} ({self.get_function_display()})"


class Domain(models.Model):
    """One of the 9 DELEG-CE domains. Services may be grouped under a sub-heading (`group`)."""

    name = models.CharField("domaine", max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "domaine"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Service(models.Model):
    # Codes of the two services this product implements.
    EDUCONNECT_ADMINISTRATION = "educonnect-administration"
    EDUCONNECT_DEPANNAGE = "educonnect-depannage"

    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="services")
    group = models.CharField("rubrique", max_length=100, blank=True)
    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("service", max_length=150)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "service"
        ordering = ["domain__position", "group", "position", "name"]

    def __str__(self):
        return self.name


def end_of_school_year(today: datetime.date) -> datetime.date:
    """The next 31 August (the default end of a delegation)."""
    candidate = datetime.date(today.year, 8, 31)
    return candidate if today <= candidate else datetime.date(today.year + 1, 8, 31)


class DelegationQuerySet(models.QuerySet):
    """The two rules on a delegation's dates, written once (every reader goes through these)."""

    def open(self, at: datetime.date | None = None):
        """Not revoked and not past its end date on `at` (current, or starting later): what DELEG-CE
        lists as held."""
        at = at or datetime.date.today()
        return self.filter(revoked_at__isnull=True).filter(Q(end_date__isnull=True) | Q(end_date__gte=at))

    def active(self, at: datetime.date | None = None):
        """Open and already started on `at`: the delegations that give a right."""
        at = at or datetime.date.today()
        return self.open(at).filter(start_date__lte=at)


class Delegation(models.Model):
    """A right on a service of an establishment, granted by the head. History is never deleted."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="delegations")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="delegations")
    grantee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="delegations")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="granted_delegations")
    granted_at = models.DateTimeField(auto_now_add=True)
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="revoked_delegations"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = "délégation"
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="delegation_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="delegation_revoked_by_and_at_together",
            ),
            # At most one unrevoked delegation per person, service and establishment.
            models.UniqueConstraint(
                fields=["establishment", "service", "grantee"],
                condition=Q(revoked_at__isnull=True),
                name="delegation_one_open_per_service",
            ),
        ]
        indexes = [models.Index(fields=["grantee", "establishment"])]

    def __str__(self):
        return f"{self.service} → {self.grantee} ({self.establishment.uai})"


class BackupCodeDevice(ThrottlingMixin, Device):
    """Single-use backup codes (« codes de secours ») for the second factor.

    django-otp's StaticToken keeps its codes in clear; here each code is stored as a salted password
    hash (ASVS 6.5.2), found through a short selector (its first characters) so that a verification
    costs one hash, not ten. Verification is throttled like the TOTP device."""

    class Meta(Device.Meta):
        verbose_name = "codes de secours"
        verbose_name_plural = "codes de secours"

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token):
        from .otp_codes import normalise_backup_code, selector_of

        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        code = normalise_backup_code(token)
        candidates = list(
            self.codes.select_for_update().filter(used_at__isnull=True, selector=selector_of(code)) if code else []
        )
        match = next((c for c in candidates if check_password(code, c.code_hash)), None)
        if not candidates:
            make_password(code)  # same cost whether or not the selector matched
        if match is None:
            self.throttle_increment(commit=True)
            return False
        match.used_at = timezone.now()
        match.save(update_fields=["used_at"])
        self.throttle_reset(commit=True)
        return True


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    selector = models.CharField(max_length=4)
    code_hash = models.CharField(max_length=200)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "code de secours"
        indexes = [models.Index(fields=["device", "selector"])]

    def __str__(self):
        return f"{self.selector}… ({'utilisé' if self.used_at else 'disponible'})"


class EnrolmentCode(models.Model):
    """A single-use, expiring code that lets a staff member enrol a second factor from outside the
    intranet (PRODUCT.md, « Second factor »). Issued by the head in DELEG-CE or by the operator
    command; only a salted hash is stored. A code dies when used, when it expires, when a newer one is
    issued to the same person, or after `MAX_FAILURES` wrong attempts by that person."""

    MAX_FAILURES = 5

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    establishment = models.ForeignKey(Establishment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "code d'activation OTP"
        verbose_name_plural = "codes d'activation OTP"
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self):
        return f"{self.user} — {self.created_at:%d/%m/%Y %H:%M}"
