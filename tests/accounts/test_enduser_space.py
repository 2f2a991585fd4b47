"""The signed-in space /compte/: identifier, children, e-mail change, password change."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.enduser.credentials import check_credentials
from accounts.models import AccountState
from educonnect.models import AuditAction, AuditEvent
from tests.accounts.enduser_support import link_in, sign_in
from tests.factories import CHOSEN_PASSWORD, AccountFactory, ResponsibilityFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("enduser_env")

HOME = reverse("enduser:home")


@pytest.fixture
def parent_account(establishment):
    first = ResponsibilityFactory(
        student=StudentFactory(establishment=establishment, first_name="Léa", last_name="DUPONT")
    )
    ResponsibilityFactory(
        student=StudentFactory(establishment=establishment, first_name="Enzo", last_name="DUPONT"),
        representative=first.representative,
    )
    ResponsibilityFactory(  # a mere contact: not listed
        student=StudentFactory(establishment=establishment, first_name="Autre", last_name="ENFANT"),
        representative=first.representative,
        level=3,
    )
    return AccountFactory(for_representative=True, activated=True, representative=first.representative)


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    for name in ["home", "email", "password"]:
        response = client.get(reverse(f"enduser:{name}"))
        assert response.url == reverse("enduser:login")


@pytest.mark.django_db
def test_home_shows_identifier_children_and_address(client, parent_account):
    sign_in(client, parent_account.identifier, CHOSEN_PASSWORD)
    page = client.get(HOME).content.decode()
    assert parent_account.identifier in page
    assert "Léa DUPONT" in page and "Enzo DUPONT" in page
    assert "Autre ENFANT" not in page
    assert "usager@example.org" in page
    assert "Activé" in page
    assert "Se déconnecter" in page


@pytest.mark.django_db
def test_activating_account_sees_the_resend_offer(client):
    account = AccountFactory(activating=True)
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    page = client.get(HOME).content.decode()
    assert "Votre compte est en cours d'activation" in page
    assert reverse("enduser:resend_activation") in page


@pytest.mark.django_db
def test_email_change_goes_back_to_unconfirmed_and_is_confirmed_by_its_link(
    client, parent_account, django_capture_on_commit_callbacks
):
    sign_in(client, parent_account.identifier, CHOSEN_PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enduser:email"), {"email": "nouvelle@example.org", "current_password": CHOSEN_PASSWORD}
        )
    assert response.url == HOME
    parent_account.refresh_from_db()
    assert parent_account.email == "nouvelle@example.org"
    assert not parent_account.email_confirmed
    assert parent_account.state == AccountState.ACTIVATED  # an address change never un-activates
    message = next(m for m in mail.outbox if m.to == ["nouvelle@example.org"])
    assert "confirmation de votre adresse mail" in message.subject
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_EMAIL_CHANGED).count() == 1

    client.get(link_in(message.body, "/compte/activer/"))
    parent_account.refresh_from_db()
    assert parent_account.email_confirmed
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_EMAIL_CONFIRMED).count() == 1


@pytest.mark.django_db
def test_email_change_needs_the_current_password(client, parent_account, django_capture_on_commit_callbacks):
    sign_in(client, parent_account.identifier, CHOSEN_PASSWORD)
    for typed in ("", "pas le bon mot de passe"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("enduser:email"), {"email": "pirate@example.org", "current_password": typed})
        assert response.status_code == 200
        assert "current_password" in response.context["form"].errors
    assert "Le mot de passe actuel est incorrect." in response.content.decode()
    parent_account.refresh_from_db()
    assert parent_account.email == "usager@example.org" and parent_account.email_confirmed
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_EMAIL_CHANGED).exists()


@pytest.mark.django_db
def test_the_previous_address_is_told_of_the_change_and_how_to_react(
    client, parent_account, django_capture_on_commit_callbacks
):
    sign_in(client, parent_account.identifier, CHOSEN_PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enduser:email"), {"email": "nouvelle@example.org", "current_password": CHOSEN_PASSWORD})
    assert sorted(m.to[0] for m in mail.outbox) == ["nouvelle@example.org", "usager@example.org"]
    notice = next(m for m in mail.outbox if m.to == ["usager@example.org"])
    assert notice.subject == "Services en ligne de l'éducation nationale - changement de votre adresse mail"
    html = notice.alternatives[0].content
    for body in (notice.body, html):
        assert parent_account.identifier in body
        assert "n***@example.org" in body and "nouvelle@example.org" not in body  # recognisable, not handed out
        assert "Si vous n'êtes pas à l'origine de ce changement" in body
        assert "contactez votre établissement" in body and parent_account.establishment.name in body
        assert reverse("enduser:login") in body
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_EMAIL_CHANGED)
    assert event.details["previous_told"] is True


@pytest.mark.django_db
def test_an_unconfirmed_previous_address_is_not_written_to(client, parent_account, django_capture_on_commit_callbacks):
    parent_account.email_confirmed = False
    parent_account.save()
    sign_in(client, parent_account.identifier, CHOSEN_PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enduser:email"), {"email": "nouvelle@example.org", "current_password": CHOSEN_PASSWORD})
    assert [m.to for m in mail.outbox] == [["nouvelle@example.org"]]  # maybe a typo: never confirmed as theirs


@pytest.mark.django_db
def test_invalid_email_is_refused(client, parent_account):
    sign_in(client, parent_account.identifier, CHOSEN_PASSWORD)
    response = client.post(reverse("enduser:email"), {"email": "pas-une-adresse", "current_password": CHOSEN_PASSWORD})
    assert response.status_code == 200
    parent_account.refresh_from_db()
    assert parent_account.email == "usager@example.org"


@pytest.mark.django_db
def test_password_change_needs_the_current_password(client, parent_account):
    sign_in(client, parent_account.identifier, CHOSEN_PASSWORD)
    data = {"current_password": "faux", "new_password1": "Nouveau-secret-2027", "new_password2": "Nouveau-secret-2027"}
    response = client.post(reverse("enduser:password"), data)
    assert "Le mot de passe actuel est incorrect" in response.content.decode()
    assert check_credentials(parent_account.identifier, CHOSEN_PASSWORD).account is not None


@pytest.mark.django_db
def test_password_change_keeps_this_session_and_ends_the_others(client, parent_account):
    other_device = client.__class__()
    sign_in(client, parent_account.identifier, CHOSEN_PASSWORD)
    sign_in(other_device, parent_account.identifier, CHOSEN_PASSWORD)
    data = {
        "current_password": CHOSEN_PASSWORD,
        "new_password1": "Nouveau-secret-2027",
        "new_password2": "Nouveau-secret-2027",
    }
    assert client.post(reverse("enduser:password"), data).url == HOME
    assert client.get(HOME).status_code == 200
    assert other_device.get(HOME).url == reverse("enduser:login")
    assert check_credentials(parent_account.identifier, "Nouveau-secret-2027").account is not None
    assert check_credentials(parent_account.identifier, CHOSEN_PASSWORD).account is None


@pytest.mark.django_db
def test_student_space_shows_their_class(client, establishment):
    account = AccountFactory(activated=True, student=StudentFactory(establishment=establishment, first_name="Paul"))
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    page = client.get(HOME).content.decode()
    assert "Ma scolarité" in page and "3EME1" in page
