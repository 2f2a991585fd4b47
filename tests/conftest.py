"""Shared fixtures: named personas (STYLE.md) on two establishments."""

import pytest
from django.core.cache import caches
from pytest_django.fixtures import validate_django_db

from delegations.models import Assignment, Service
from tests.factories import (
    AssignmentFactory,
    DelegationFactory,
    EstablishmentFactory,
    UserFactory,
    catalogue_service,
)

# Fixture modules shared by several folders (tests/accounts, notifications, stats, browser):
# registered here, so a test asks for a fixture by its name and never imports it.
pytest_plugins = [
    "tests.accounts.administration_support",
    "tests.accounts.enduser_support",
    "tests.notifications.site_support",
    "tests.stats.school_support",
]


def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated rows (`serialized_rollback=True`). The flush
    after a transactional test without it runs post_migrate again, which re-creates the content types
    and permissions under new ids; the next test with serialized rollback then re-inserts them under
    their migrated ids and fails (IntegrityError on django_content_type), far from the culprit."""
    unserialized = [item.nodeid for item in items if _is_transactional(item) and not _has_serialized_rollback(item)]
    if unserialized:
        raise pytest.UsageError(
            "Transactional tests without serialized_rollback=True (add it to their django_db mark): "
            + ", ".join(unserialized)
        )


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    fixtures = getattr(item, "fixturenames", ())
    return (
        transaction
        or reset_sequences
        or any(name in fixtures for name in ("transactional_db", "live_server", "django_db_reset_sequences"))
    )


def _has_serialized_rollback(item) -> bool:
    marker = item.get_closest_marker("django_db")
    serialized_rollback = validate_django_db(marker)[3] if marker else False
    return serialized_rollback or "django_db_serialized_rollback" in getattr(item, "fixturenames", ())


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EDUCONNECT_INTRANET_NETWORKS = []
    settings.EDUCONNECT_TRUSTED_PROXIES = []
    # Tasks (the outbox's mails among them) run at once; on_commit callbacks still decide when.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Per-process caches (brute-force counters, the services' origins of the CSP, the structure of
    # an establishment) start empty: no test sees what an earlier one left.
    caches["default"].clear()


@pytest.fixture
def establishment(db):
    return EstablishmentFactory(uai="0380111P", name="CLG PRE BENIT BOURGOIN-JALLIEU")


@pytest.fixture
def other_establishment(db):
    return EstablishmentFactory(uai="0450750W", name="LP LYC METIER Auguste Rodin")


@pytest.fixture
def head(establishment):
    user = UserFactory(username="monique.jamier", first_name="Monique", last_name="JAMIER", civility="Mme")
    AssignmentFactory(user=user, establishment=establishment, function=Assignment.Function.DIR, title="Principale")
    return user


@pytest.fixture
def deputy(establishment):
    user = UserFactory(username="adjoint", first_name="Alain", last_name="ADJOINT", civility="M.")
    AssignmentFactory(
        user=user, establishment=establishment, function=Assignment.Function.DIR, title="Principal adjoint"
    )
    return user


@pytest.fixture
def staff(establishment):
    """M. Bruno MORAND, secretary, without any delegation."""
    user = UserFactory(username="bruno.morand", first_name="Bruno", last_name="MORAND", civility="M.")
    AssignmentFactory(user=user, establishment=establishment, function=Assignment.Function.ADM, title="Secrétaire")
    return user


@pytest.fixture
def delegate_depannage(staff, establishment, head):
    DelegationFactory(establishment=establishment, grantee=staff, granted_by=head)
    return staff


@pytest.fixture
def delegate_admin(establishment, head):
    user = UserFactory(username="cpe.admin", first_name="Claire", last_name="VIESCOLAIRE", civility="Mme")
    AssignmentFactory(user=user, establishment=establishment, function=Assignment.Function.EDU, title="CPE")
    DelegationFactory(
        establishment=establishment,
        grantee=user,
        granted_by=head,
        service=catalogue_service(Service.EDUCONNECT_ADMINISTRATION),
    )
    return user


@pytest.fixture
def stranger_from_other_establishment(other_establishment):
    """Head of another establishment: every right there, none here."""
    user = UserFactory(username="chef.autre", first_name="Paul", last_name="AILLEURS", civility="M.")
    AssignmentFactory(user=user, establishment=other_establishment, function=Assignment.Function.DIR, title="Proviseur")
    return user
