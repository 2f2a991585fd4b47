"""Students, legal representatives and their ÉduConnect accounts (PRODUCT.md §3–§4)."""

from django.db import models
from django.db.models import Q

from delegations.models import Establishment
from educonnect.text import fold, person_name


def name_search_text(last_name: str, first_name: str) -> str:
    """What a student's or representative's `search_text` holds: « DUBOIS Éloïse » → « dubois
    eloise ». Written by the SIECLE import (in its bulk writes) and the admin's edits; the lists'
    search looks for each folded term in it (`accounts.lists.filters`)."""
    return fold(f"{last_name} {first_name}")[:250]


class Mef(models.Model):
    """Module élémentaire de formation (level), from Nomenclature.xml."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="mefs")
    code = models.CharField("code MEF", max_length=11)
    label = models.CharField("libellé", max_length=100)  # LIBELLE_LONG
    short_label = models.CharField("formation", max_length=60, blank=True)  # FORMATION

    class Meta:
        verbose_name = "MEF"
        verbose_name_plural = "MEF"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["establishment", "code"], name="mef_unique_per_establishment")]

    def __str__(self):
        return self.short_label or self.label


class Division(models.Model):
    """A class (division, TYPE_STRUCTURE D), from Structures.xml."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="divisions")
    code = models.CharField("code", max_length=30)
    label = models.CharField("libellé", max_length=100, blank=True)
    mef = models.ForeignKey(Mef, null=True, blank=True, on_delete=models.SET_NULL, related_name="divisions")

    class Meta:
        verbose_name = "classe"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="division_unique_per_establishment")
        ]

    def __str__(self):
        return self.code


class Sex(models.TextChoices):
    MALE = "1", "Masculin"
    FEMALE = "2", "Féminin"


class Student(models.Model):
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="students")
    eleve_id = models.CharField("identifiant SIECLE (ELEVE_ID)", max_length=20)
    elenoet = models.CharField("ELENOET", max_length=20, blank=True)
    ine = models.CharField("INE", max_length=11, blank=True)
    ine_bea = models.CharField("INE BEA", max_length=11, blank=True)
    last_name = models.CharField("nom", max_length=100)
    birth_name = models.CharField("nom de famille", max_length=100, blank=True)
    first_name = models.CharField("prénom", max_length=100)
    other_first_names = models.CharField("autres prénoms", max_length=200, blank=True)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    sex = models.CharField("sexe", max_length=1, choices=Sex, blank=True)
    division = models.ForeignKey(Division, null=True, blank=True, on_delete=models.SET_NULL, related_name="students")
    mef = models.ForeignKey(Mef, null=True, blank=True, on_delete=models.SET_NULL, related_name="students")
    email = models.EmailField("adresse mail SIECLE", blank=True)
    mobile = models.CharField("téléphone portable", max_length=30, blank=True)
    entry_date = models.DateField("date d'entrée", null=True, blank=True)
    leave_date = models.DateField("date de sortie", null=True, blank=True)
    # Listed and notified only when active (not left, not only in « Inactifs »).
    is_active = models.BooleanField("actif", default=True)
    # name_search_text(last_name, first_name): accent- and case-insensitive search.
    search_text = models.CharField(max_length=250, blank=True, db_index=True)

    class Meta:
        verbose_name = "élève"
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "eleve_id"], name="student_unique_eleve_id"),
            models.UniqueConstraint(
                fields=["establishment", "ine"], condition=~Q(ine=""), name="student_unique_ine_per_establishment"
            ),
        ]
        indexes = [models.Index(fields=["establishment", "is_active", "last_name", "first_name"])]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return person_name(self.first_name, self.last_name)


class LegalRepresentative(models.Model):
    """A person responsible for a student (PERSONNE of ResponsablesAvecAdresses). Only legal
    representatives (NIVEAU_RESPONSABILITE 1, or RESP_LEGAL 1/2 in old files) are kept."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="representatives")
    personne_id = models.CharField("identifiant SIECLE (PERSONNE_ID)", max_length=20)
    civility = models.CharField("civilité", max_length=10, blank=True)
    last_name = models.CharField("nom", max_length=100)
    birth_name = models.CharField("nom de famille", max_length=100, blank=True)
    first_name = models.CharField("prénom", max_length=100)
    email = models.EmailField("adresse mail SIECLE", blank=True)
    mobile = models.CharField("téléphone portable", max_length=30, blank=True)
    phone_home = models.CharField("téléphone personnel", max_length=30, blank=True)
    phone_work = models.CharField("téléphone professionnel", max_length=30, blank=True)
    address_lines = models.TextField("adresse", blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    country = models.CharField("pays", max_length=60, blank=True)
    # Active while legal representative of at least one active student.
    is_active = models.BooleanField("actif", default=True)
    # name_search_text(last_name, first_name), as for students.
    search_text = models.CharField(max_length=250, blank=True, db_index=True)
    students = models.ManyToManyField(Student, through="Responsibility", related_name="representatives")

    class Meta:
        verbose_name = "représentant légal"
        verbose_name_plural = "représentants légaux"
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "personne_id"], name="representative_unique_personne_id")
        ]
        # The list: one establishment's active representatives by name (a name search filters these rows).
        indexes = [models.Index(fields=["establishment", "is_active", "last_name", "first_name"])]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return person_name(self.first_name, self.last_name, self.civility)


class Responsibility(models.Model):
    """The link student ↔ legal representative (RESPONSABLE_ELEVE)."""

    class Level(models.IntegerChoices):
        LEGAL = 1, "Représentant légal"
        IN_CHARGE = 2, "Personne en charge"
        CONTACT = 3, "Contact"

    class Relationship(models.TextChoices):
        MOTHER = "10", "Mère"
        FATHER = "20", "Père"
        SIBLING = "37", "Fratrie"
        ASCENDANT = "38", "Ascendant"
        FAMILY = "39", "Autre membre de la famille"
        EDUCATOR = "41", "Éducateur"
        FOSTER = "42", "Assistant familial"
        TUTOR = "50", "Tuteur"
        ASE = "51", "Aide sociale à l'enfance"
        SELF = "70", "Élève lui-même"
        OTHER = "90", "Autre cas"

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="responsibilities")
    representative = models.ForeignKey(LegalRepresentative, on_delete=models.CASCADE, related_name="responsibilities")
    level = models.PositiveSmallIntegerField("niveau de responsabilité", choices=Level, default=Level.LEGAL)
    relationship = models.CharField("lien de parenté", max_length=2, choices=Relationship, blank=True)
    # 1 or 2 for the first two legal representatives (RESP_LEGAL of old files), else null.
    rank = models.PositiveSmallIntegerField("rang", null=True, blank=True)

    class Meta:
        verbose_name = "responsabilité"
        constraints = [
            models.UniqueConstraint(fields=["student", "representative"], name="responsibility_unique_pair"),
            models.CheckConstraint(condition=Q(level__in=[1, 2, 3]), name="responsibility_level_valid"),
        ]

    def __str__(self):
        return f"{self.representative} → {self.student}"


class AccountState(models.TextChoices):
    NOT_INFORMED = "non_informe", "Non activé - non informé"
    INFORMED = "informe", "Non activé - informé"
    ACTIVATING = "en_cours", "En cours d'activation"
    ACTIVATED = "active", "Activé"


class AccountOrigin(models.TextChoices):
    ESTABLISHMENT = "etablissement", "Établissement"
    REPRESENTATIVE = "responsable", "Responsable"
    FRANCECONNECT = "franceconnect", "FranceConnect"
    ATEN = "aten", "ATEN"
    ENT = "ent", "ENT"
    UNKNOWN = "non_renseigne", "Non renseigné"


class AccountKind(models.TextChoices):
    STUDENT = "eleve", "Élève"
    REPRESENTATIVE = "responsable", "Représentant légal"


class Account(models.Model):
    """An ÉduConnect account: one per eligible student and per legal representative."""

    identifier = models.CharField("identifiant", max_length=64, unique=True)
    kind = models.CharField("type", max_length=12, choices=AccountKind)
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="accounts")
    student = models.OneToOneField(Student, null=True, blank=True, on_delete=models.PROTECT, related_name="account")
    representative = models.OneToOneField(
        LegalRepresentative, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    state = models.CharField("état", max_length=12, choices=AccountState, default=AccountState.NOT_INFORMED)
    origin = models.CharField("origine", max_length=15, choices=AccountOrigin, default=AccountOrigin.ESTABLISHMENT)
    # Fernet token of the provisional password (educonnect.crypto); empty once the user chose theirs.
    provisional_password_encrypted = models.TextField(blank=True)
    provisional_password_expires_at = models.DateTimeField(null=True, blank=True)
    # Argon2 hash of the password the user chose (django.contrib.auth.hashers).
    password_hash = models.CharField(max_length=256, blank=True)
    email = models.EmailField("adresse mail", blank=True)
    email_confirmed = models.BooleanField("adresse mail confirmée", default=False)
    mobile = models.CharField("téléphone portable", max_length=30, blank=True)
    last_notified_at = models.DateTimeField("dernière information", null=True, blank=True)
    last_login_at = models.DateTimeField("dernière connexion", null=True, blank=True)
    reset_requested = models.BooleanField("demande de réinitialisation de mot de passe", default=False)
    activation_started_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every staff reset: end-user sessions carrying an older value are ended.
    session_version = models.PositiveIntegerField(default=0)
    # End-user first sign-in: wrong birth dates in a row, and until when the step is locked.
    birth_date_failures = models.PositiveSmallIntegerField(default=0)
    birth_date_locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "compte ÉduConnect"
        verbose_name_plural = "comptes ÉduConnect"
        ordering = ["identifier"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="eleve", student__isnull=False, representative__isnull=True))
                | Q(kind="responsable", student__isnull=True, representative__isnull=False),
                name="account_owner_matches_kind",
            ),
            models.CheckConstraint(condition=Q(state__in=AccountState.values), name="account_state_valid"),
            models.CheckConstraint(condition=Q(origin__in=AccountOrigin.values), name="account_origin_valid"),
            models.CheckConstraint(
                condition=Q(identifier__regex=r"^[a-z0-9][a-z0-9.\-]*$"), name="account_identifier_format"
            ),
            # A provisional password always has its expiry, and never coexists with a chosen one.
            models.CheckConstraint(
                condition=Q(provisional_password_encrypted="", provisional_password_expires_at__isnull=True)
                | (~Q(provisional_password_encrypted="") & Q(provisional_password_expires_at__isnull=False)),
                name="account_provisional_has_expiry",
            ),
            models.CheckConstraint(
                condition=Q(provisional_password_encrypted="") | Q(password_hash=""),
                name="account_one_password_kind",
            ),
            # Never notified means never informed.
            models.CheckConstraint(
                condition=~Q(state="non_informe") | Q(last_notified_at__isnull=True),
                name="account_not_informed_never_notified",
            ),
        ]
        indexes = [models.Index(fields=["establishment", "kind", "state"])]

    def __str__(self):
        return self.identifier

    @property
    def owner(self):
        return self.student if self.kind == AccountKind.STUDENT else self.representative

    @property
    def has_provisional_password(self) -> bool:
        return bool(self.provisional_password_encrypted)


class SiecleImport(models.Model):
    """One SIECLE import and its report (issue 15): who, when, the files (export date, school
    year), the counts per kind, the accounts created, the anomalies. An import from the command
    line is recorded once done (a refused one writes nothing); one from the browser is also its
    background job: uploaded → checked (dry-run report shown) → confirmed → done, refused or failed."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Vérification en cours"
        CHECKED = "checked", "Vérifié, en attente de confirmation"
        PENDING = "pending", "En attente d'import"
        RUNNING = "running", "Import en cours"
        DONE = "done", "Importé"
        REFUSED = "refused", "Refusé"
        FAILED = "failed", "Échec"
        CANCELLED = "cancelled", "Annulé"

    class Source(models.TextChoices):
        COMMAND = "command", "Ligne de commande"
        WEB = "web", "Dépôt en ligne"

    public_id = models.UUIDField(unique=True, editable=False)
    establishment = models.ForeignKey(
        Establishment, null=True, blank=True, on_delete=models.CASCADE, related_name="siecle_imports"
    )
    uai = models.CharField("UAI", max_length=8, blank=True)
    source = models.CharField("origine", max_length=10, choices=Source, default=Source.COMMAND)
    status = models.CharField("état", max_length=10, choices=Status, default=Status.DONE)
    actor = models.ForeignKey(
        "delegations.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="siecle_imports"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    forced = models.BooleanField("forcé", default=False)
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    export_date = models.DateField("date d'export", null=True, blank=True)
    school_year = models.PositiveSmallIntegerField("année scolaire", null=True, blank=True)
    # The report (see accounts.siecle.importer.ImportReport.as_dict): files, ignored files, counts
    # per kind with examples, accounts, anomalies (at most ANOMALY_LIMIT kept), guards, errors.
    report = models.JSONField("rapport", default=dict, blank=True)
    anomaly_count = models.PositiveIntegerField("anomalies", default=0)
    accounts_created = models.PositiveIntegerField("comptes créés", default=0)
    # Background job of a browser import: progress (0–100) and the step shown.
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    upload_dir = models.CharField(max_length=100, blank=True)  # under MEDIA_ROOT, emptied when finished

    class Meta:
        verbose_name = "import SIECLE"
        verbose_name_plural = "imports SIECLE"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["checking", "checked", "pending", "running", "done", "refused", "failed", "cancelled"]
                ),
                name="siecle_import_status_valid",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="siecle_import_progress_percent"),
        ]
        indexes = [models.Index(fields=["establishment", "status", "-created_at"])]

    def __str__(self):
        return f"Import SIECLE {self.uai} du {self.created_at:%d/%m/%Y %H:%M}" if self.created_at else "Import SIECLE"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.PENDING, self.Status.RUNNING)


class Audience(models.TextChoices):
    STUDENTS = "eleves", "Élèves"
    REPRESENTATIVES = "responsables", "Représentants légaux"


class NotificationAddress(models.Model):
    """Paramètres: the internet address given to one audience of an establishment. Printed on the
    letters and e-mails C01–C06 (notifications) and in the activation e-mail C07 (accounts.activation)
    only once verified and switched on (« Intégrer dans les courriers et mails »). It lives here, on
    the floor both read; the notifications app writes it (« Paramètres »)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="notification_addresses")
    audience = models.CharField("public", max_length=12, choices=Audience)
    url = models.URLField("adresse internet", max_length=300, blank=True)
    verified_at = models.DateTimeField("vérifiée le", null=True, blank=True)
    is_active = models.BooleanField("intégrer dans les courriers et mails", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "notifications_notificationaddress"  # created by the notifications app, moved here
        verbose_name = "adresse internet des notifications"
        verbose_name_plural = "adresses internet des notifications"
        constraints = [
            models.UniqueConstraint(fields=["establishment", "audience"], name="notification_address_unique"),
            # Only a verified address can be switched on.
            models.CheckConstraint(
                condition=Q(is_active=False) | (Q(verified_at__isnull=False) & ~Q(url="")),
                name="notification_address_active_is_verified",
            ),
        ]

    def __str__(self):
        return f"{self.get_audience_display()} : {self.url or '—'}"
