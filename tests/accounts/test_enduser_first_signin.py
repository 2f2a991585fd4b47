"""First sign-in with a provisional password: new password, e-mail, birth date → « En cours d'activation »."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.enduser import forms
from accounts.enduser.credentials import check_credentials
from accounts.models import Account, AccountState
from accounts.passwords import provisional_password
from educonnect import crypto
from educonnect.models import AuditAction, AuditEvent
from tests.accounts.enduser_support import sign_in
from tests.factories import AccountFactory, ResponsibilityFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("enduser_env")

NEW_PASSWORD = "Vacances-a-la-mer-2026"
FIRST_PASSWORD = reverse("enduser:first_password")
FIRST_ACTIVATION = reverse("enduser:first_activation")
SIGNED_IN_URLS = [
    reverse("enduser:home"),
    reverse("enduser:email"),
    reverse("enduser:password"),
]


@pytest.fixture
def parent(establishment):
    """A legal representative with two children; the first with a birth date is the one asked."""
    older = StudentFactory(establishment=establishment, first_name="Léa", last_name="DUPONT", birth_date=None)
    child = StudentFactory(
        establishment=establishment, first_name="Enzo", last_name="DUPONT", birth_date=datetime.date(2013, 5, 2)
    )
    responsibility = ResponsibilityFactory(student=older, representative__establishment=establishment)
    ResponsibilityFactory(student=child, representative=responsibility.representative)
    account = AccountFactory(
        for_representative=True,
        informed=True,
        representative=responsibility.representative,
        identifier="celine.dupont114",
    )
    account.child = child
    return account


def signed_in(client, account):
    response = sign_in(client, account.identifier, provisional_password(account))
    assert response.status_code == 302
    return response


def choose_password(client, password=NEW_PASSWORD, confirm=None):
    return client.post(FIRST_PASSWORD, {"new_password1": password, "new_password2": confirm or password})


@pytest.mark.django_db
def test_nothing_else_is_reachable_before_the_new_password(client, parent):
    signed_in(client, parent)
    for url in [*SIGNED_IN_URLS, FIRST_ACTIVATION]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == FIRST_PASSWORD
    page = client.get(FIRST_PASSWORD)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    assert 'hx-history="false"' in page.content.decode()


@pytest.mark.django_db
def test_new_password_is_stored_as_argon2_and_the_provisional_one_forgotten(client, parent):
    old = provisional_password(parent)
    signed_in(client, parent)
    response = choose_password(client)
    assert response.url == FIRST_ACTIVATION
    parent.refresh_from_db()
    assert parent.password_hash.startswith("argon2")
    assert parent.provisional_password_encrypted == ""
    assert parent.provisional_password_expires_at is None
    assert check_credentials(parent.identifier, old).account is None
    assert check_credentials(parent.identifier, NEW_PASSWORD).account == parent
    # The session survives the password change (its version follows).
    assert client.get(FIRST_ACTIVATION).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_PASSWORD_CHANGED)
    assert NEW_PASSWORD not in str(event.details) and old not in str(event.details)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        "Court-1a",  # too short
        "toutenminuscules",  # 16 characters, one class
        "minuscules2026abc",  # two classes, under 20
        "123456789012345",  # numeric
    ],
)
def test_weak_passwords_are_refused(client, parent, password):
    signed_in(client, parent)
    response = choose_password(client, password)
    assert response.status_code == 200
    assert "fr-input-group--error" in response.content.decode()
    parent.refresh_from_db()
    assert parent.has_provisional_password


@pytest.mark.django_db
def test_a_long_passphrase_is_accepted(client, parent):
    signed_in(client, parent)
    assert choose_password(client, "le chat dort sur le canape").url == FIRST_ACTIVATION


@pytest.mark.django_db
def test_the_provisional_password_cannot_be_kept(parent):
    provisional = provisional_password(parent)
    form = forms.NewPasswordForm({"new_password1": provisional, "new_password2": provisional}, account=parent)
    assert not form.is_valid()
    # A provisional password that would pass the policy is still refused.
    Account.objects.filter(pk=parent.pk).update(provisional_password_encrypted=crypto.encrypt("Provisoire-2026"))
    parent.refresh_from_db()
    form = forms.NewPasswordForm(
        {"new_password1": "Provisoire-2026", "new_password2": "Provisoire-2026"}, account=parent
    )
    assert not form.is_valid()
    assert "différent du mot de passe provisoire" in str(form.errors)


@pytest.mark.django_db
def test_the_two_passwords_must_match(client, parent):
    signed_in(client, parent)
    response = choose_password(client, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert "ne sont pas identiques" in response.content.decode()


@pytest.mark.django_db
def test_activation_step_prefills_the_siecle_address_and_names_the_child(client, parent):
    signed_in(client, parent)
    choose_password(client)
    page = client.get(FIRST_ACTIVATION).content.decode()
    assert parent.representative.email in page  # pre-filled from SIECLE
    assert escape("Date de naissance d'Enzo DUPONT") in page  # elided
    for url in SIGNED_IN_URLS:
        assert client.get(url).url == FIRST_ACTIVATION


@pytest.mark.django_db
def test_right_birth_date_starts_activation_and_sends_c07_after_commit(
    client, parent, django_capture_on_commit_callbacks
):
    signed_in(client, parent)
    choose_password(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(FIRST_ACTIVATION, {"email": "celine@example.org", "birth_date": "2013-05-02"})
    assert response.url == reverse("enduser:home")
    assert mail.outbox == []  # not before the commit
    for callback in callbacks:
        callback()
    parent.refresh_from_db()
    assert parent.state == AccountState.ACTIVATING
    assert parent.activation_started_at is not None
    assert parent.email == "celine@example.org"
    assert not parent.email_confirmed
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["celine@example.org"]
    assert parent.identifier in mail.outbox[0].body
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_ACTIVATION_STARTED).count() == 1
    assert client.get(reverse("enduser:home")).status_code == 200


@pytest.mark.django_db
def test_birth_date_in_french_format_is_accepted(client, parent):
    signed_in(client, parent)
    choose_password(client)
    client.post(FIRST_ACTIVATION, {"email": "celine@example.org", "birth_date": "02/05/2013"})
    parent.refresh_from_db()
    assert parent.state == AccountState.ACTIVATING


@pytest.mark.django_db
def test_three_wrong_birth_dates_lock_the_step(client, parent):
    signed_in(client, parent)
    choose_password(client)
    first = client.post(FIRST_ACTIVATION, {"email": "celine@example.org", "birth_date": "2013-05-03"})
    assert escape("Il vous reste 2 essais") in first.content.decode()
    client.post(FIRST_ACTIVATION, {"email": "celine@example.org", "birth_date": "2013-05-04"})
    third = client.post(FIRST_ACTIVATION, {"email": "celine@example.org", "birth_date": "2013-05-05"})
    assert "Trop d'essais" in third.content.decode()
    parent.refresh_from_db()
    assert parent.birth_date_locked_until > timezone.now()
    # Even the right date is refused while locked, and nothing moves.
    client.post(FIRST_ACTIVATION, {"email": "celine@example.org", "birth_date": "2013-05-02"})
    parent.refresh_from_db()
    assert parent.state == AccountState.INFORMED
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_BIRTH_DATE_FAILED).count() == 3


@pytest.mark.django_db
def test_the_lock_ends_after_its_time(client, parent):
    signed_in(client, parent)
    choose_password(client)
    Account.objects.filter(pk=parent.pk).update(birth_date_locked_until=timezone.now() - datetime.timedelta(seconds=1))
    client.post(FIRST_ACTIVATION, {"email": "celine@example.org", "birth_date": "2013-05-02"})
    parent.refresh_from_db()
    assert parent.state == AccountState.ACTIVATING
    assert parent.birth_date_locked_until is None


@pytest.mark.django_db
def test_student_gives_their_own_birth_date(client, establishment):
    student = StudentFactory(establishment=establishment, birth_date=datetime.date(2011, 1, 31))
    account = AccountFactory(student=student, informed=True)
    signed_in(client, account)
    choose_password(client)
    page = client.get(FIRST_ACTIVATION).content.decode()
    assert "Votre date de naissance" in page
    client.post(FIRST_ACTIVATION, {"email": "eleve@example.org", "birth_date": "2011-01-31"})
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVATING


@pytest.mark.django_db
def test_never_informed_account_can_start_activation_too(client, establishment):
    student = StudentFactory(establishment=establishment, birth_date=datetime.date(2011, 1, 31))
    account = AccountFactory(student=student)
    assert account.state == AccountState.NOT_INFORMED
    signed_in(client, account)
    choose_password(client)
    client.post(FIRST_ACTIVATION, {"email": "eleve@example.org", "birth_date": "2011-01-31"})
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVATING


@pytest.mark.django_db
def test_without_a_known_birth_date_the_step_says_to_see_the_establishment(client, establishment):
    student = StudentFactory(establishment=establishment, birth_date=None)
    account = AccountFactory(student=student, informed=True)
    signed_in(client, account)
    choose_password(client)
    page = client.get(FIRST_ACTIVATION).content.decode()
    assert "Activation impossible pour le moment" in page
    client.post(FIRST_ACTIVATION, {"email": "eleve@example.org", "birth_date": "2011-01-31"})
    account.refresh_from_db()
    assert account.state == AccountState.INFORMED


@pytest.mark.django_db
def test_staff_reset_of_an_activated_account_asks_only_a_new_password(client):
    from accounts.passwords import PROVISIONAL_FIELDS, issue_provisional_password

    account = AccountFactory(activated=True)
    password = issue_provisional_password(account)
    account.save(update_fields=PROVISIONAL_FIELDS)
    response = sign_in(client, account.identifier, password)
    assert response.url == FIRST_PASSWORD
    assert choose_password(client).url == reverse("enduser:home")
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVATED
