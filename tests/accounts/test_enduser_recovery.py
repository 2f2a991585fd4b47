"""/compte/oubli/ and /compte/reinitialiser/<token>/: forgotten password and identifier."""

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from accounts.enduser import recovery
from accounts.enduser.credentials import check_credentials
from accounts.models import Account
from accounts.passwords import PROVISIONAL_FIELDS, issue_provisional_password
from educonnect.models import AuditAction, AuditEvent
from tests.accounts.enduser_support import link_in, normalised
from tests.factories import CHOSEN_PASSWORD, AccountFactory

pytestmark = pytest.mark.usefixtures("enduser_env")

FORGOTTEN = reverse("enduser:forgotten")
NEW = "Nouveau-secret-2027"


def ask_password(client, login):
    return client.post(FORGOTTEN, {"kind": "password", "login": login})


def ask_identifier(client, email):
    return client.post(FORGOTTEN, {"kind": "identifier", "email": email})


@pytest.fixture
def mails(client, django_capture_on_commit_callbacks):
    """The outbox, with the test client's POSTs running their on-commit callbacks (as in production)."""
    original = client.post

    def post(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(*args, **kwargs)

    client.post = post
    return mail.outbox


@pytest.mark.django_db
def test_reset_request_by_identifier_marks_the_account_and_mails_a_link(client, mails):
    account = AccountFactory(activated=True)
    ask_password(client, account.identifier.upper())
    account.refresh_from_db()
    assert account.reset_requested
    assert mails[0].to == ["usager@example.org"]
    assert account.identifier in mails[0].body
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_RESET_REQUESTED).count() == 1


@pytest.mark.django_db
def test_reset_request_by_confirmed_address(client, mails):
    account = AccountFactory(activated=True)
    ask_password(client, "USAGER@example.org")
    account.refresh_from_db()
    assert account.reset_requested
    assert len(mails) == 1


@pytest.mark.django_db
def test_unconfirmed_address_finds_nothing(client, mails):
    account = AccountFactory(activating=True)  # address given, not confirmed
    ask_password(client, account.email)
    account.refresh_from_db()
    assert not account.reset_requested
    assert mails == []


@pytest.mark.django_db
def test_account_without_confirmed_address_is_marked_but_gets_no_mail(client, mails):
    account = AccountFactory(informed=True)
    ask_password(client, account.identifier)
    account.refresh_from_db()
    assert account.reset_requested  # « Demande de réinitialisation : Oui » for the staff
    assert mails == []


@pytest.mark.django_db
def test_the_answer_is_the_same_whether_the_account_exists(client):
    account = AccountFactory(activated=True)
    pages = {
        normalised(ask_password(client, account.identifier)),
        normalised(ask_password(client, "personne.inconnue")),
        normalised(ask_password(client, "inconnue@example.org")),
    }
    assert len(pages) == 1
    pages = {
        normalised(ask_identifier(client, "usager@example.org")),
        normalised(ask_identifier(client, "inconnue@example.org")),
    }
    assert len(pages) == 1


@pytest.mark.django_db
def test_reset_link_sets_the_password_once(client, mails):
    account = AccountFactory(activated=True)
    ask_password(client, account.identifier)
    path = link_in(mails[0].body, "/compte/reinitialiser/")
    assert account.identifier in client.get(path).content.decode()
    response = client.post(path, {"new_password1": NEW, "new_password2": NEW})
    assert response.url == reverse("enduser:login")
    account.refresh_from_db()
    assert not account.reset_requested
    assert account.password_hash.startswith("argon2")
    assert check_credentials(account.identifier, NEW).account == account
    assert check_credentials(account.identifier, CHOSEN_PASSWORD).account is None
    # Single use.
    assert "pas valide" in client.get(path).content.decode()
    client.post(path, {"new_password1": "Encore-autre-2028", "new_password2": "Encore-autre-2028"})
    assert check_credentials(account.identifier, NEW).account == account


@pytest.mark.django_db
def test_reset_link_follows_the_password_policy(client, mails):
    account = AccountFactory(activated=True)
    ask_password(client, account.identifier)
    path = link_in(mails[0].body, "/compte/reinitialiser/")
    response = client.post(path, {"new_password1": "court", "new_password2": "court"})
    assert response.status_code == 200
    assert check_credentials(account.identifier, CHOSEN_PASSWORD).account == account


@pytest.mark.django_db
def test_reset_link_expires():
    account = AccountFactory(activated=True, reset_requested=True)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 25 * 3600):
        token = recovery.make_token(account)
    assert recovery.account_for_token(token) is None
    assert recovery.account_for_token(recovery.make_token(account)) == account


@pytest.mark.django_db
def test_staff_reset_clears_the_request_and_kills_the_link(client, mails):
    account = AccountFactory(activated=True)
    ask_password(client, account.identifier)
    path = link_in(mails[0].body, "/compte/reinitialiser/")
    account.refresh_from_db()
    issue_provisional_password(account)
    account.save(update_fields=PROVISIONAL_FIELDS)
    account.refresh_from_db()
    assert not account.reset_requested
    assert "pas valide" in client.get(path).content.decode()


@pytest.mark.django_db
def test_altered_reset_link_is_refused(client):
    account = AccountFactory(activated=True, reset_requested=True)
    token = recovery.make_token(account)
    assert recovery.account_for_token(token[:-2] + "xx") is None
    assert "pas valide" in client.get(reverse("enduser:reset", kwargs={"token": "abc"})).content.decode()


@pytest.mark.django_db
def test_forgotten_identifier_mails_every_identifier_of_the_confirmed_address(client, mails):
    first = AccountFactory(activated=True, identifier="celine.dupont114")
    second = AccountFactory(activated=True, identifier="celine.dupont7", email="USAGER@example.org")
    AccountFactory(activating=True, identifier="autre.compte")  # same address, unconfirmed
    ask_identifier(client, "usager@example.org")
    assert len(mails) == 1
    assert first.identifier in mails[0].body and second.identifier in mails[0].body
    assert "autre.compte" not in mails[0].body
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_IDENTIFIER_REMINDED).count() == 2


@pytest.mark.django_db
def test_forgotten_identifier_for_unknown_address_sends_nothing(client, mails):
    ask_identifier(client, "inconnue@example.org")
    assert mails == []


@pytest.mark.django_db
def test_recovery_requests_are_throttled(client, mails):
    account = AccountFactory(activated=True)
    for _ in range(5):
        ask_password(client, account.identifier)
    assert len(mails) == 3  # past the limit, the same answer but nothing sent
    assert Account.objects.get(pk=account.pk).reset_requested


@pytest.mark.django_db
def test_staff_account_page_shows_the_request_until_completed(client, head, establishment, settings, mails):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]  # no OTP from the intranet
    account = AccountFactory(for_representative=True, activated=True, representative__establishment=establishment)
    staff = client.__class__()
    staff.force_login(head)
    page_url = reverse("administration:representative", kwargs={"uai": establishment.uai, "account_id": account.pk})

    def shown() -> str:
        html = staff.get(page_url).content.decode()
        return re.search(r"Demande de réinitialisation de mot de passe</dt><dd>(\w+)</dd>", html).group(1)

    assert shown() == "Non"
    ask_password(client, account.identifier)
    assert shown() == "Oui"
    path = link_in(mails[0].body, "/compte/reinitialiser/")
    client.post(path, {"new_password1": NEW, "new_password2": NEW})
    assert shown() == "Non"


def _request_footprint(client, data) -> tuple[list[str], list]:
    """The SQL a forgotten-password POST runs (values blanked) and the tasks it enqueues."""
    from django.db import connection
    from django.tasks import default_task_backend
    from django.test.utils import CaptureQueriesContext

    default_task_backend.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(FORGOTTEN, data)
    assert response.status_code == 200
    statements = [re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in queries.captured_queries]
    return statements, [(r.task.name, len(r.args)) for r in default_task_backend.results]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "field", "known", "unknown"),
    [
        ("password", "login", "usager.connu", "usager.inconnu"),
        ("password", "login", "usager@example.org", "personne@example.org"),
        ("identifier", "email", "usager@example.org", "personne@example.org"),
    ],
)
def test_known_and_unknown_take_the_same_code_path_and_no_mail_leaves_in_the_request(
    client, settings, django_capture_on_commit_callbacks, kind, field, known, unknown
):
    """The request only enqueues one task, the same for every input: no lookup of the account, no
    journal, no mail in the request (the worker does them) — so its time cannot tell them apart."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    account = AccountFactory(activated=True, identifier="usager.connu")
    client.get(FORGOTTEN)  # per-process caches warm (the services' origins of the family pages' CSP)
    with django_capture_on_commit_callbacks(execute=True):
        known_sql, known_tasks = _request_footprint(client, {"kind": kind, field: known})
        unknown_sql, unknown_tasks = _request_footprint(client, {"kind": kind, field: unknown})
    assert known_sql == unknown_sql
    assert not [q for q in known_sql if Account._meta.db_table in q or "educonnect_auditevent" in q]
    assert known_tasks == unknown_tasks == [("process_recovery_request", 4)]
    assert mail.outbox == []
    account.refresh_from_db()
    assert not account.reset_requested  # nothing done yet: the worker does it

    from django.tasks import default_task_backend

    (queued,) = default_task_backend.results  # the unknown one; the worker runs the known one:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        queued.task.call(*queued.args)  # unknown: nothing to do
        assert mail.outbox == []
        queued.task.call(kind, known, *queued.args[2:])
    assert [m.to for m in mail.outbox] == [["usager@example.org"]]
    event = AuditEvent.objects.get(target_id=str(account.pk))  # journaled by the worker, for the request's IP
    assert event.ip_address == "127.0.0.1"
