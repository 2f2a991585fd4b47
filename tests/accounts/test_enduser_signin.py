"""/compte/connexion/: credentials, identical refusals, same code path, brute force, sessions."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.enduser import credentials
from accounts.enduser.session import ACCOUNT_KEY, VERSION_KEY
from accounts.enduser.views import SIGN_IN_REFUSED
from accounts.models import Account
from accounts.passwords import PROVISIONAL_FIELDS, issue_provisional_password, provisional_password
from educonnect.models import AuditAction, AuditEvent
from tests.accounts.enduser_support import normalised, sign_in
from tests.factories import CHOSEN_PASSWORD, AccountFactory

pytestmark = pytest.mark.usefixtures("enduser_env")

LOGIN = reverse("enduser:login")
REFUSED = escape(SIGN_IN_REFUSED)


@pytest.mark.django_db
def test_sign_in_with_provisional_password_leads_to_the_password_step(client):
    account = AccountFactory(informed=True)
    response = sign_in(client, account.identifier, provisional_password(account))
    assert response.status_code == 302
    assert response.url == reverse("enduser:first_password")
    assert client.session[ACCOUNT_KEY] == account.pk
    account.refresh_from_db()
    assert account.last_login_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_LOGIN, target_id=str(account.pk)).exists()


@pytest.mark.django_db
def test_sign_in_with_chosen_password_leads_to_the_space(client):
    account = AccountFactory(activated=True)
    response = sign_in(client, account.identifier.upper() + " ", CHOSEN_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("enduser:home")


@pytest.mark.django_db
def test_sign_in_never_creates_a_staff_login(client):
    account = AccountFactory(activated=True)
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("enduser:home")).status_code == 200


@pytest.mark.django_db
def test_unknown_wrong_locked_and_expired_get_the_identical_answer(client):
    wrong = AccountFactory(activated=True, identifier="celine.dupont114")
    expired = AccountFactory(informed=True, identifier="celine.dupont115")
    password = provisional_password(expired)
    Account.objects.filter(pk=expired.pk).update(provisional_password_expires_at=timezone.now())
    locked = AccountFactory(activated=True, identifier="celine.dupont116")
    for _ in range(5):
        sign_in(client, locked.identifier, "mauvais")

    answers = [
        sign_in(client, "celine.dupont999", CHOSEN_PASSWORD),
        sign_in(client, wrong.identifier, "Pas-le-bon-mot-de-passe-1"),
        sign_in(client, locked.identifier, CHOSEN_PASSWORD),  # right password, but locked
        sign_in(client, expired.identifier, password),
    ]
    assert {r.status_code for r in answers} == {200}
    for response in answers:
        assert REFUSED in response.content.decode()
        assert ACCOUNT_KEY not in client.session
    # Same page once the typed identifier (echoed in the form) is set aside.
    typed = ["celine.dupont999", wrong.identifier, locked.identifier, expired.identifier]
    pages = {normalised(r).replace(ident, "X") for r, ident in zip(answers, typed, strict=True)}
    assert len(pages) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("known", [False, True], ids=["unknown", "known"])
def test_unknown_and_known_identifiers_run_the_same_password_checks(known):
    """Deterministic: both checks run once whatever the identifier (no timing measured here)."""
    if known:
        AccountFactory(informed=True, identifier="celine.dupont114")
    with (
        mock.patch.object(credentials, "check_password", wraps=credentials.check_password) as argon2,
        mock.patch.object(credentials.hmac, "compare_digest", wraps=credentials.hmac.compare_digest) as compare,
        mock.patch.object(credentials.crypto, "decrypt", wraps=credentials.crypto.decrypt) as decrypt,
    ):
        result = credentials.check_credentials("celine.dupont114", "Pas-le-bon-mot-de-passe-1")
    assert result.account is None
    assert argon2.call_count == 1
    assert argon2.call_args.args[1].startswith("argon2")  # a real Argon2 hash: the real or the dummy one
    assert compare.call_count == 1
    assert decrypt.call_count == 1


@pytest.mark.django_db
def test_account_with_chosen_password_also_runs_the_provisional_comparison():
    AccountFactory(activated=True, identifier="celine.dupont114")
    with (
        mock.patch.object(credentials, "check_password", wraps=credentials.check_password) as argon2,
        mock.patch.object(credentials.hmac, "compare_digest", wraps=credentials.hmac.compare_digest) as compare,
    ):
        assert credentials.check_credentials("celine.dupont114", CHOSEN_PASSWORD).account is not None
    assert argon2.call_count == compare.call_count == 1


@pytest.mark.django_db
def test_expired_provisional_password_is_refused():
    account = AccountFactory(informed=True)
    password = provisional_password(account)
    Account.objects.filter(pk=account.pk).update(
        provisional_password_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert credentials.check_credentials(account.identifier, password).account is None


@pytest.mark.django_db
def test_identifier_variants_feed_one_counter_and_lock_even_the_right_password(client):
    account = AccountFactory(activated=True, identifier="celine.dupont114")
    for variant in [
        "celine.dupont114",
        "CELINE.DUPONT114",
        " celine.dupont114 ",
        "Celine.Dupont114",
        "celine.dupont114",
    ]:
        sign_in(client, variant, "mauvais")
    response = sign_in(client, account.identifier, CHOSEN_PASSWORD)
    assert REFUSED in response.content.decode()
    assert ACCOUNT_KEY not in client.session


@pytest.mark.django_db
def test_many_identifiers_from_one_ip_lock_that_ip(client):
    account = AccountFactory(activated=True)
    for n in range(30):
        sign_in(client, f"inconnu.{n}", "mauvais", REMOTE_ADDR="203.0.113.7")
    assert REFUSED in sign_in(client, account.identifier, CHOSEN_PASSWORD, REMOTE_ADDR="203.0.113.7").content.decode()
    assert sign_in(client, account.identifier, CHOSEN_PASSWORD, REMOTE_ADDR="203.0.113.8").status_code == 302


@pytest.mark.django_db
def test_failed_sign_in_is_journaled_without_the_password(client):
    account = AccountFactory(activated=True)
    sign_in(client, account.identifier, "Secret-tape-par-erreur-1")
    sign_in(client, "Secret-dans-le-champ-identifiant", "x")
    events = AuditEvent.objects.filter(action=AuditAction.ACCOUNT_LOGIN_FAILED)
    assert events.count() == 2
    dump = str(list(events.values()))
    assert "Secret-tape-par-erreur-1" not in dump
    assert "secret-dans-le-champ-identifiant" not in dump.lower()


@pytest.mark.django_db
def test_staff_reset_ends_the_open_sessions_at_once(client, django_user_model):
    account = AccountFactory(activated=True)
    other_device = client.__class__()
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    sign_in(other_device, account.identifier, CHOSEN_PASSWORD)
    assert client.get(reverse("enduser:home")).status_code == 200

    new_password = issue_provisional_password(account)
    account.save(update_fields=PROVISIONAL_FIELDS)

    for device in (client, other_device):
        response = device.get(reverse("enduser:home"))
        assert response.status_code == 302
        assert response.url == LOGIN
        assert ACCOUNT_KEY not in device.session
    # The old chosen password no longer works; the new provisional one does.
    assert credentials.check_credentials(account.identifier, CHOSEN_PASSWORD).account is None
    assert credentials.check_credentials(account.identifier, new_password).with_provisional


@pytest.mark.django_db
def test_staff_reset_invalidates_the_previous_provisional_password():
    account = AccountFactory(informed=True)
    old = provisional_password(account)
    issue_provisional_password(account)
    account.save(update_fields=PROVISIONAL_FIELDS)
    assert credentials.check_credentials(account.identifier, old).account is None


@pytest.mark.django_db
def test_a_session_that_also_holds_a_staff_login_is_not_an_enduser_session(client, staff):
    account = AccountFactory(activated=True)
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    client.force_login(staff)  # staff signs in on the same browser afterwards
    response = client.get(reverse("enduser:home"))
    assert response.status_code == 302
    assert response.url == LOGIN
    assert ACCOUNT_KEY not in client.session
    assert client.session["_auth_user_id"] == str(staff.pk)  # the staff login itself is left alone


@pytest.mark.django_db
def test_enduser_sign_in_ends_a_staff_session(client, staff):
    client.force_login(staff)
    account = AccountFactory(activated=True)
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert client.session[VERSION_KEY] == account.session_version


@pytest.mark.django_db
def test_sign_out(client):
    account = AccountFactory(activated=True)
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    assert client.get(reverse("enduser:logout")).status_code == 405
    response = client.post(reverse("enduser:logout"))
    assert response.url == LOGIN
    assert client.get(reverse("enduser:home")).url == LOGIN
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_LOGOUT).count() == 1


@pytest.mark.django_db
def test_session_key_changes_at_sign_in(client):
    account = AccountFactory(activated=True)
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    assert client.session.session_key != before


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached(client):
    account = AccountFactory(activated=True)
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    assert (
        client.get(reverse("enduser:home")).headers["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    )
