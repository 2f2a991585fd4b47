"""Demo data: establishments imported through the real SIECLE importer from the generated exports
kept in fixtures/demo/, the staff of the seeds, and account states spread as a few weeks into the
school year would leave them. Idempotent: running it again changes nothing."""

import datetime
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from delegations.models import Academie, Assignment, Delegation, Establishment, Service, User

from .models import Account, AccountKind, AccountOrigin, AccountState

DEMO_PASSWORD = "Demo-EduConnect-2026"
# Families that activated their account in the demo all chose this password.
DEMO_FAMILY_PASSWORD = "Famille-Demo-2026!"
FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "demo"


@dataclass(frozen=True)
class DemoEstablishment:
    uai: str
    name: str
    kind: str
    academie: tuple[str, str]
    address: str
    postal_code: str
    city: str


ESTABLISHMENTS = [
    DemoEstablishment(
        "0380111P",
        "CLG PRE BENIT BOURGOIN-JALLIEU",
        Establishment.Kind.COLLEGE,
        ("08", "Grenoble"),
        "Rue du Pré Bénit",
        "38300",
        "BOURGOIN-JALLIEU",
    ),
    DemoEstablishment(
        "0450750W",
        "LP LYC METIER Auguste Rodin",
        Establishment.Kind.LP,
        ("18", "Orléans-Tours"),
        "10 rue Auguste Rodin",
        "45000",
        "ORLÉANS",
    ),
]


@dataclass(frozen=True)
class DemoStaff:
    username: str
    civility: str
    first_name: str
    last_name: str
    uai: str
    function: str
    title: str
    staff_code: str
    delegations: tuple[str, ...] = ()


STAFF = [
    DemoStaff("monique.jamier", "Mme", "Monique", "JAMIER", "0380111P", Assignment.Function.DIR, "Principale", "L0900"),
    DemoStaff(
        "bruno.morand",
        "M.",
        "Bruno",
        "MORAND",
        "0380111P",
        Assignment.Function.ADM,
        "Secrétaire",
        "L1000",
        (Service.EDUCONNECT_DEPANNAGE,),
    ),
    DemoStaff(
        "sophie.carron",
        "Mme",
        "Sophie",
        "CARRON",
        "0380111P",
        Assignment.Function.EDU,
        "Conseillère principale d'éducation",
        "L1100",
        (Service.EDUCONNECT_ADMINISTRATION,),
    ),
    DemoStaff(
        "luc.ferrand",
        "M.",
        "Luc",
        "FERRAND",
        "0380111P",
        Assignment.Function.ENS,
        "Professeur de mathématiques",
        "L1200",
    ),
    DemoStaff(
        "jeanmarc.provost", "M.", "Jean-Marc", "PROVOST", "0450750W", Assignment.Function.DIR, "Proviseur", "L2000"
    ),
    DemoStaff(
        "nadia.benali", "Mme", "Nadia", "BENALI", "0450750W", Assignment.Function.DIR, "Proviseure adjointe", "L2100"
    ),
]
HEADS = [s for s in STAFF if s.function == Assignment.Function.DIR]
# Deterministic TOTP secrets, so the README can list them (demo only!).
DEMO_TOTP_SECRETS = {
    "monique.jamier": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    "jeanmarc.provost": "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA",
    "nadia.benali": "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U",
}

# Named people of the seeds, with the states the seeds show them in.
NAMED_STATES = {
    # (uai, last name, first name, kind) -> state
    ("0380111P", "DUBOIS", "Paul", AccountKind.STUDENT): AccountState.INFORMED,
    ("0380111P", "SABRIER", "Goulan", AccountKind.REPRESENTATIVE): AccountState.ACTIVATED,
    ("0380111P", "SABRIER", "Famer", AccountKind.REPRESENTATIVE): AccountState.NOT_INFORMED,
}
SCHOOL_YEAR_START = datetime.date(2026, 9, 1)


# Extension point: apps above accounts add their demo data (oidc registers the « ENT de
# démonstration » in its AppConfig.ready()). A seeder returns the lines `seed_demo` prints.
_extra_seeders: list = []


def register_demo_seeder(seeder) -> None:
    if seeder not in _extra_seeders:
        _extra_seeders.append(seeder)


def seed_demo(*, stdout=None) -> dict:
    """Load everything; returns what to print (credentials)."""
    for spec in ESTABLISHMENTS:
        _import_establishment(spec)
    with transaction.atomic():
        for spec in ESTABLISHMENTS:
            _complete_establishment(spec)
        users = {spec.username: _staff_member(spec) for spec in STAFF}
        for spec in STAFF:
            _delegations(spec, users)
        _operator()
        secrets = {username: _enrol_totp(users[username], secret) for username, secret in DEMO_TOTP_SECRETS.items()}
        for spec in ESTABLISHMENTS:
            _spread_states(Establishment.objects.get(uai=spec.uai))
        extra = [line for seeder in _extra_seeders for line in seeder()]
    return {"staff": STAFF, "totp": secrets, "extra": extra}


def demo_exports(uai: str) -> list[Path]:
    return sorted((FIXTURES / uai).glob("*.zip"))


def _import_establishment(spec: DemoEstablishment) -> None:
    files = demo_exports(spec.uai)
    if not files:
        raise RuntimeError(f"no demo export in {FIXTURES / spec.uai}: run bin/generate-demo-exports")
    call_command("import_siecle", *map(str, files), uai=spec.uai, name=spec.name, verbosity=0)


def _complete_establishment(spec: DemoEstablishment) -> None:
    academie, _ = Academie.objects.get_or_create(code=spec.academie[0], defaults={"name": spec.academie[1]})
    wanted = {
        "name": spec.name,
        "kind": spec.kind,
        "academie": academie,
        "address": spec.address,
        "postal_code": spec.postal_code,
        "city": spec.city,
    }
    establishment = Establishment.objects.get(uai=spec.uai)
    changed = [field for field, value in wanted.items() if getattr(establishment, field) != value]
    for field in changed:
        setattr(establishment, field, wanted[field])
    if changed:
        establishment.save(update_fields=changed)


def _staff_member(spec: DemoStaff) -> User:
    user, created = User.objects.get_or_create(
        username=spec.username,
        defaults={
            "civility": spec.civility,
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@ac-demo.invalid",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    establishment = Establishment.objects.get(uai=spec.uai)
    Assignment.objects.get_or_create(
        user=user,
        establishment=establishment,
        defaults={"function": spec.function, "title": spec.title, "staff_code": spec.staff_code},
    )
    return user


def _delegations(spec: DemoStaff, users: dict[str, User]) -> None:
    if not spec.delegations:
        return
    establishment = Establishment.objects.get(uai=spec.uai)
    head = next(users[h.username] for h in HEADS if h.uai == spec.uai)
    for code in spec.delegations:
        service = Service.objects.get(code=code)
        exists = Delegation.objects.filter(
            establishment=establishment, service=service, grantee=users[spec.username], revoked_at__isnull=True
        ).exists()
        if not exists:
            delegation_grant_for_demo(
                establishment=establishment, service=service, grantee=users[spec.username], head=head
            )


def delegation_grant_for_demo(*, establishment, service, grantee, head) -> None:
    from delegations.models import end_of_school_year
    from delegations.services import delegation_grant

    delegation_grant(
        actor=head,
        establishment=establishment,
        grantee=grantee,
        service=service,
        start_date=SCHOOL_YEAR_START,
        end_date=end_of_school_year(SCHOOL_YEAR_START),
    )


def _operator() -> None:
    if not User.objects.filter(username="operateur").exists():
        User.objects.create_superuser(
            "operateur", "operateur@ac-demo.invalid", DEMO_PASSWORD, first_name="Opérateur", last_name="ACADÉMIQUE"
        )


def _enrol_totp(user: User, secret: str) -> str:
    from delegations.otp_services import otp_enrol_totp

    return otp_enrol_totp(user, secret=secret, actor_label="seed_demo")


def _spread_states(establishment: Establishment) -> None:
    """Most accounts informed, some activating or activated, a few FranceConnect or
    self-registered; done once (an establishment already spread is left alone)."""
    accounts = list(
        Account.objects.filter(establishment=establishment)
        .select_related("student", "representative")
        .order_by("identifier")
    )
    if any(a.state != AccountState.NOT_INFORMED or a.last_notified_at for a in accounts):
        return
    from django.contrib.auth.hashers import make_password

    chosen_hash = make_password(DEMO_FAMILY_PASSWORD)
    rng = random.Random(establishment.uai)
    tz = timezone.get_current_timezone()

    def moment(start_day: int, end_day: int) -> datetime.datetime:
        day = SCHOOL_YEAR_START + datetime.timedelta(days=rng.randint(start_day, end_day))
        return datetime.datetime.combine(day, datetime.time(rng.randint(8, 18), rng.randint(0, 59)), tz)

    for account in accounts:
        owner = account.owner
        named = NAMED_STATES.get((establishment.uai, owner.last_name, owner.first_name, account.kind))
        draw = rng.random()
        origin = AccountOrigin.ESTABLISHMENT
        if named is not None:
            state = named
        elif account.kind == AccountKind.REPRESENTATIVE and draw < 0.05:
            state, origin = AccountState.ACTIVATED, AccountOrigin.FRANCECONNECT
        elif account.kind == AccountKind.REPRESENTATIVE and draw < 0.08:
            state, origin = AccountState.ACTIVATED, AccountOrigin.REPRESENTATIVE
        elif draw < 0.10:
            state = AccountState.NOT_INFORMED
        elif draw < 0.22:
            state = AccountState.ACTIVATED
        elif draw < 0.30:
            state = AccountState.ACTIVATING
        else:
            state = AccountState.INFORMED
        account.state, account.origin = state, origin
        if state == AccountState.NOT_INFORMED:
            continue
        if origin == AccountOrigin.ESTABLISHMENT:
            account.last_notified_at = moment(6, 20)
        if state in (AccountState.ACTIVATING, AccountState.ACTIVATED):
            account.provisional_password_encrypted = ""
            account.provisional_password_expires_at = None
            account.password_hash = chosen_hash
            if not account.email:
                account.email = f"{account.identifier}@example.org"
            account.activation_started_at = (account.last_notified_at or moment(6, 20)) + datetime.timedelta(days=2)
            account.last_login_at = account.activation_started_at + datetime.timedelta(days=rng.randint(0, 40))
        if state == AccountState.ACTIVATED:
            account.email_confirmed = True
            account.activated_at = account.activation_started_at + datetime.timedelta(hours=rng.randint(1, 48))
    Account.objects.bulk_update(
        accounts,
        [
            "state",
            "origin",
            "last_notified_at",
            "provisional_password_encrypted",
            "provisional_password_expires_at",
            "password_hash",
            "email",
            "email_confirmed",
            "activation_started_at",
            "last_login_at",
            "activated_at",
        ],
        batch_size=500,
    )
