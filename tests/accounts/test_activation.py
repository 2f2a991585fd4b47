"""C07 activation e-mail, its signed link, and « Renvoyer un mail d'activation »."""

import time
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts import activation
from accounts.models import AccountState
from educonnect.models import AuditAction, AuditEvent
from tests.accounts.enduser_support import link_in, sign_in
from tests.factories import CHOSEN_PASSWORD, AccountFactory

pytestmark = pytest.mark.usefixtures("enduser_env")


def activate_url(account) -> str:
    return reverse("enduser:activate", kwargs={"token": activation.make_token(account)})


@pytest.mark.django_db
def test_c07_content_link_and_identifier(establishment, django_capture_on_commit_callbacks):
    account = AccountFactory(activating=True, identifier="celine.dupont114", student__establishment=establishment)
    with django_capture_on_commit_callbacks(execute=True):
        activation.send_activation_email(account)
    message = mail.outbox[0]
    assert message.subject == "Services en ligne de l'éducation nationale - activation du compte"
    assert message.to == ["usager@example.org"]
    assert "avec l'identifiant\nceline.dupont114" in message.body
    assert "vous devez d'abord valider votre adresse mail" in message.body
    assert "valable 7 jours" in message.body
    path = link_in(message.body, "/compte/activer/")
    html = message.alternatives[0].content
    assert path in html and "celine.dupont114" in html
    assert establishment.name in message.body


@pytest.mark.django_db
def test_c07_never_holds_a_password(django_capture_on_commit_callbacks):
    account = AccountFactory(activating=True)
    with django_capture_on_commit_callbacks(execute=True):
        activation.send_activation_email(account)
    assert CHOSEN_PASSWORD not in mail.outbox[0].body
    assert "mot de passe provisoire" not in mail.outbox[0].body


@pytest.mark.django_db
def test_following_the_link_activates_the_account(client):
    account = AccountFactory(activating=True)
    response = client.get(activate_url(account))
    assert response.status_code == 200
    assert "Votre adresse mail est confirmée" in response.content.decode()
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVATED
    assert account.email_confirmed
    assert account.activated_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_ACTIVATED, target_id=str(account.pk)).exists()


@pytest.mark.django_db
def test_a_link_followed_again_after_activation_says_the_account_is_already_active(client):
    account = AccountFactory(activating=True)
    url = activate_url(account)
    client.get(url)
    response = client.get(url)
    page = response.content.decode()
    assert "Votre compte est déjà activé" in page
    assert account.identifier in page
    assert "déjà été utilisé" not in page
    assert 'name="identifier"' not in page  # nothing to resend
    assert reverse("enduser:login") in page


@pytest.mark.django_db
def test_a_superseded_link_says_so_and_offers_to_resend(client):
    account = AccountFactory(activating=True)
    url = activate_url(account)
    activation.account_send_activation_email(account=account, email="nouvelle@example.org")
    page = client.get(url).content.decode()
    assert "déjà été utilisé" in page
    assert reverse("enduser:resend_activation") in page
    assert 'name="identifier"' in page  # not signed in: asks the identifier


@pytest.mark.django_db
def test_an_expired_link_says_so(client):
    account = AccountFactory(activating=True)
    eight_days_ago = time.time() - 8 * 86400
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        url = activate_url(account)
    response = client.get(url)
    assert "expiré" in response.content.decode()
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVATING


@pytest.mark.django_db
def test_a_link_six_days_old_still_works(client):
    account = AccountFactory(activating=True)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 6 * 86400):
        url = activate_url(account)
    client.get(url)
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVATED


@pytest.mark.django_db
def test_an_altered_link_says_so(client):
    account = AccountFactory(activating=True)
    token = activation.make_token(account)
    altered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.get(reverse("enduser:activate", kwargs={"token": altered}))
    assert "pas valide" in response.content.decode()
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVATING


@pytest.mark.django_db
def test_a_changed_address_invalidates_the_previous_link(client):
    account = AccountFactory(activating=True)
    url = activate_url(account)
    activation.account_send_activation_email(account=account, email="nouvelle@example.org")
    response = client.get(url)
    assert "déjà été utilisé" in response.content.decode()
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVATING
    assert account.email == "nouvelle@example.org"


@pytest.mark.django_db
def test_signed_in_user_with_a_dead_link_gets_a_resend_button(client, django_capture_on_commit_callbacks):
    account = AccountFactory(activating=True)
    url = activate_url(account)
    account.email = "autre@example.org"
    account.save(update_fields=["email"])
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    page = client.get(url).content.decode()
    assert "autre@example.org" in page
    assert 'name="identifier"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enduser:resend_activation"))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["autre@example.org"]


@pytest.mark.django_db
def test_resend_by_identifier_answers_the_same_whether_the_account_exists(client, django_capture_on_commit_callbacks):
    account = AccountFactory(activating=True)
    other = AccountFactory(informed=True)
    url = reverse("enduser:resend_activation")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"identifier": account.identifier.upper()})
        unknown = client.post(url, {"identifier": "personne.inconnue"})
        not_activating = client.post(url, {"identifier": other.identifier})
    assert len(mail.outbox) == 1
    answers = {r.content.decode().count("Si un compte en cours d") for r in (known, unknown, not_activating)}
    assert answers == {1}


@pytest.mark.django_db
def test_staff_resend_with_address_correction_sends_after_commit(head, django_capture_on_commit_callbacks):
    account = AccountFactory(activating=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        activation.account_send_activation_email(actor=head, account=account, email="corrigee@example.org")
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert mail.outbox[0].to == ["corrigee@example.org"]
    event = AuditEvent.objects.get(action=AuditAction.ACTIVATION_MAIL_SENT)
    assert event.actor == head
    assert event.details == {"email_corrected": True}


@pytest.mark.django_db
@pytest.mark.parametrize("trait", ["informed", "activated"])
def test_staff_resend_is_refused_outside_en_cours_d_activation(trait):
    account = AccountFactory(**{trait: True})
    with pytest.raises(activation.ActivationError):
        activation.account_send_activation_email(account=account)
    assert mail.outbox == []


@pytest.mark.django_db
def test_no_c07_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    account = AccountFactory(activating=True)

    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom), transaction.atomic():
        activation.account_send_activation_email(account=account)
        raise Boom
    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_signed_in_resend_before_the_first_sign_in_is_done_leads_to_the_step(client):
    account = AccountFactory(informed=True)
    from accounts.passwords import provisional_password

    sign_in(client, account.identifier, provisional_password(account))
    response = client.post(reverse("enduser:resend_activation"))
    assert response.url == reverse("enduser:first_password")
    assert mail.outbox == []
