"""factory_boy factories with traits; personas live in conftest.py."""

import datetime

import factory
from django.utils import timezone

from accounts.models import (
    Account,
    AccountKind,
    AccountState,
    Division,
    LegalRepresentative,
    Mef,
    Responsibility,
    Student,
    name_search_text,
)
from delegations.models import Academie, Assignment, Delegation, Establishment, Service, User
from educonnect import crypto
from educonnect.validators import uai_check_letter


def catalogue_service(code: str) -> Service:
    """A service of the DELEG-CE catalogue. The catalogue is a data migration: the flush after a
    transactional test removes it (the next transactional test's serialized rollback restores it, a
    test reading the database after the last one does not), so it is loaded again (idempotently)
    when missing."""
    service = Service.objects.filter(code=code).first()
    if service is None:
        from delegations.catalogue import load_catalogue
        from delegations.models import Domain

        load_catalogue(Domain, Service)
        service = Service.objects.get(code=code)
    return service


def _uai(n: int) -> str:
    digits = f"{380000 + n:07d}"
    return digits + uai_check_letter(digits)


class AcademieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Academie
        django_get_or_create = ["code"]

    code = "08"
    name = "Grenoble"


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        django_get_or_create = ["uai"]

    uai = factory.Sequence(_uai)
    name = factory.Sequence(lambda n: f"CLG ÉTABLISSEMENT {n}")
    kind = Establishment.Kind.COLLEGE
    sector = Establishment.Sector.PUBLIC
    academie = factory.SubFactory(AcademieFactory)
    address = "1 rue de l'École"
    postal_code = "38300"
    city = "BOURGOIN-JALLIEU"
    siecle_export_date = datetime.date(2026, 9, 15)

    class Params:
        private = factory.Trait(sector=Establishment.Sector.PRIVATE)


DEMO_PASSWORD = "Demo-EduConnect-2026"
CHOSEN_PASSWORD = "Mon-mot-de-passe-choisi-2026"
_chosen_hashes: dict[tuple, str] = {}


def chosen_password_hash() -> str:
    """Hash of CHOSEN_PASSWORD with the hasher in force, computed once per hasher and parameters
    (Argon2 is slow on purpose; some tests switch to a faster hasher, whose hash must not be reused
    where the real one is expected: it would be upgraded at the next sign-in)."""
    from django.contrib.auth.hashers import get_hasher, make_password

    hasher = get_hasher()
    key = (type(hasher), *(getattr(hasher, name, None) for name in ("time_cost", "memory_cost", "parallelism")))
    if key not in _chosen_hashes:
        _chosen_hashes[key] = make_password(CHOSEN_PASSWORD)
    return _chosen_hashes[key]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"AGENT{n}")
    civility = User.Civility.MRS
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    user = factory.SubFactory(UserFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    function = Assignment.Function.ADM
    title = "Secrétaire"


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    establishment = factory.SubFactory(EstablishmentFactory)
    service = factory.LazyFunction(lambda: catalogue_service(Service.EDUCONNECT_DEPANNAGE))
    grantee = factory.SubFactory(UserFactory)
    granted_by = factory.SubFactory(UserFactory)
    start_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=1))
    end_date = None

    class Params:
        administration = factory.Trait(
            service=factory.LazyFunction(lambda: catalogue_service(Service.EDUCONNECT_ADMINISTRATION))
        )


class MefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mef
        django_get_or_create = ["establishment", "code"]

    establishment = factory.SubFactory(EstablishmentFactory)
    code = "10310019110"
    label = "3EME"
    short_label = "3EME"


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ["establishment", "code"]

    establishment = factory.SubFactory(EstablishmentFactory)
    code = "3EME1"
    label = "3EME1"
    mef = factory.SubFactory(MefFactory, establishment=factory.SelfAttribute("..establishment"))


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    establishment = factory.SubFactory(EstablishmentFactory)
    eleve_id = factory.Sequence(lambda n: f"{100000 + n}")
    ine = factory.Sequence(lambda n: f"{100000000 + n:09d}AB")
    last_name = "DUBOIS"
    first_name = "Paul"
    birth_date = datetime.date(2012, 3, 14)
    sex = "1"
    division = factory.SubFactory(DivisionFactory, establishment=factory.SelfAttribute("..establishment"))
    mef = factory.SelfAttribute("division.mef")
    search_text = factory.LazyAttribute(lambda o: name_search_text(o.last_name, o.first_name))


class LegalRepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalRepresentative

    establishment = factory.SubFactory(EstablishmentFactory)
    personne_id = factory.Sequence(lambda n: f"{500000 + n}")
    civility = "Mme"
    last_name = "DUBOIS"
    first_name = "Claire"
    email = factory.Sequence(lambda n: f"parent{n}@example.org")
    mobile = "06 12 34 56 78"
    search_text = factory.LazyAttribute(lambda o: name_search_text(o.last_name, o.first_name))


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    student = factory.SubFactory(StudentFactory)
    representative = factory.SubFactory(
        LegalRepresentativeFactory, establishment=factory.SelfAttribute("..student.establishment")
    )
    level = Responsibility.Level.LEGAL
    relationship = Responsibility.Relationship.MOTHER
    rank = 1


class AccountFactory(factory.django.DjangoModelFactory):
    """A student's account by default; `representative=...` or the trait `for_representative`."""

    class Meta:
        model = Account

    kind = AccountKind.STUDENT
    student = factory.SubFactory(StudentFactory)
    representative = None
    establishment = factory.LazyAttribute(lambda o: (o.student or o.representative).establishment)
    identifier = factory.Sequence(lambda n: f"compte.test{n}")
    state = AccountState.NOT_INFORMED
    provisional_password_encrypted = factory.LazyFunction(
        lambda: crypto.encrypt(crypto.generate_provisional_password())
    )
    provisional_password_expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=92))
    last_notified_at = None

    class Params:
        for_representative = factory.Trait(
            kind=AccountKind.REPRESENTATIVE,
            student=None,
            representative=factory.SubFactory(LegalRepresentativeFactory),
        )
        informed = factory.Trait(state=AccountState.INFORMED, last_notified_at=factory.LazyFunction(timezone.now))
        activating = factory.Trait(
            state=AccountState.ACTIVATING,
            last_notified_at=factory.LazyFunction(timezone.now),
            provisional_password_encrypted="",
            provisional_password_expires_at=None,
            password_hash=factory.LazyFunction(chosen_password_hash),
            email="usager@example.org",
        )
        activated = factory.Trait(
            state=AccountState.ACTIVATED,
            last_notified_at=factory.LazyFunction(timezone.now),
            provisional_password_encrypted="",
            provisional_password_expires_at=None,
            password_hash=factory.LazyFunction(chosen_password_hash),
            email="usager@example.org",
            email_confirmed=True,
        )
