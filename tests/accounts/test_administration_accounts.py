"""Account pages of the administration module and their single-account actions."""

import html

import pytest
from django.urls import reverse

from accounts.models import Account, AccountState
from accounts.passwords import provisional_password
from educonnect.models import AuditAction, AuditEvent
from tests.factories import AccountFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("on_intranet")


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def url(name, account, **extra):
    return reverse(
        f"administration:{name}", kwargs={"uai": account.establishment.uai, "account_id": account.pk, **extra}
    )


def test_representative_page_shows_every_field(client, head, family):
    goulan = family["goulan"]
    client.force_login(head)
    response = client.get(url("representative", goulan))
    assert response.status_code == 200
    body = page_text(response)
    for expected in [
        "Compte du représentant légal",
        "goulan.sabrier",
        "Activé",
        "Demande de réinitialisation de mot de passe",
        "Dernière information",
        "Dernière connexion",
        "Origine du compte",
        "Établissement",
        "Téléphone portable",
        "goulan.sabrier@example.org",
        "Seuls les mots de passe provisoires sont affichés",
        "Élèves liés au compte",
        "4EME7",
        "5EME7",
        "Identifiant responsable SIECLE",
        goulan.representative.personne_id,
        family["theo"].student.ine,
        "Sources de données",
        "Académie de Grenoble",
        "Identifiant AAF",
        "Identifiant ONDE / SIECLE",
        "Informer",
        "Réinitialiser l'identifiant",
        "Réinitialiser le mot de passe",
    ]:
        assert expected in body, expected
    assert "no-store" in response["Cache-Control"]
    assert 'hx-history="false"' in body


def test_only_a_provisional_password_is_shown(client, head, family):
    client.force_login(head)
    famer = family["famer"]
    body = page_text(client.get(url("representative", famer)))
    assert provisional_password(famer) in body
    body = page_text(client.get(url("representative", family["goulan"])))
    assert "••••••••" in body


def test_student_page_shows_representatives_and_four_actions(client, head, family):
    theo = family["theo"]
    client.force_login(head)
    body = page_text(client.get(url("student", theo)))
    for expected in [
        "Compte de l'élève",
        "theo.sabrier",
        "Date de naissance",
        "INE",
        theo.student.ine,
        "Représentants légaux liés au compte",
        "goulan.sabrier",
        "famer.sabrier",
        "Informer",
        "Renvoyer un mail d'activation",
        "Réinitialiser l'identifiant",
        "Réinitialiser le mot de passe",
        theo.student.eleve_id,
    ]:
        assert expected in body, expected


def test_account_of_another_establishment_is_404(client, head, other_establishment):
    foreign = AccountFactory(student=StudentFactory(establishment=other_establishment))
    client.force_login(head)
    response = client.get(reverse("administration:student", kwargs={"uai": "0380111P", "account_id": foreign.pk}))
    assert response.status_code == 404
    response = client.post(
        reverse("administration:student_reset_identifier", kwargs={"uai": "0380111P", "account_id": foreign.pk})
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.identifier.startswith("compte.test")


def test_student_account_under_representatives_url_is_404(client, head, family):
    client.force_login(head)
    theo = family["theo"]
    response = client.get(reverse("administration:representative", kwargs={"uai": "0380111P", "account_id": theo.pk}))
    assert response.status_code == 404


def test_reset_identifier_confirmation_then_new_identifier(client, head, family):
    famer = family["famer"]
    client.force_login(head)
    confirm = client.get(url("representative_reset_identifier", famer), headers={"HX-Request": "true"})
    assert confirm.status_code == 200
    assert "Êtes-vous sûr de vouloir réinitialiser l'identifiant" in page_text(confirm)
    assert "<html" not in page_text(confirm)
    response = client.post(url("representative_reset_identifier", famer), follow=True)
    assert response.status_code == 200
    famer.refresh_from_db()
    assert famer.identifier == "famer.sabrier1"
    assert "Le nouvel identifiant est famer.sabrier1" in page_text(response)
    assert not Account.objects.filter(identifier="famer.sabrier").exists()
    event = AuditEvent.objects.get(action=AuditAction.IDENTIFIER_RESET)
    assert event.actor == head
    assert event.details["old_identifier"] == "famer.sabrier"
    assert event.details["new_identifier"] == "famer.sabrier1"


def test_reset_password_not_informed_is_refused(client, head, family):
    famer = family["famer"]
    before = famer.provisional_password_encrypted
    client.force_login(head)
    response = client.post(url("representative_reset_password", famer))
    assert response.status_code == 409
    assert "pas encore été notifié" in page_text(response)
    famer.refresh_from_db()
    assert famer.provisional_password_encrypted == before
    body = page_text(client.get(url("representative", famer)))
    assert "disabled title=\"Ce compte n'a pas encore été notifié" in body


@pytest.mark.parametrize("trait", ["informed", "activating", "activated"])
def test_reset_password_allowed_states_show_new_password_once(client, head, establishment, trait):
    account = AccountFactory(student=StudentFactory(establishment=establishment), **{trait: True})
    state = account.state
    client.force_login(head)
    response = client.post(url("student_reset_password", account))
    assert response.status_code == 200
    account.refresh_from_db()
    password = provisional_password(account)
    body = page_text(response)
    assert f'Le nouveau mot de passe est <span class="ec-secret">{password}</span>' in body
    assert 'id="account-banner" tabindex="-1" autofocus' in body  # the result takes the focus
    assert "no-store" in response["Cache-Control"]
    assert account.state == state
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET)
    assert password not in str(event.details)


def test_resend_activation_only_when_activating(client, head, establishment):
    informed = AccountFactory(student=StudentFactory(establishment=establishment), informed=True)
    client.force_login(head)
    response = client.post(url("student_resend_activation", informed), {"email": "a@example.org"})
    assert response.status_code == 409
    assert not AuditEvent.objects.filter(action=AuditAction.ACTIVATION_MAIL_SENT).exists()


def test_resend_activation_with_corrected_address(
    client, head, establishment, mailoutbox, django_capture_on_commit_callbacks
):
    account = AccountFactory(student=StudentFactory(establishment=establishment), activating=True)
    client.force_login(head)
    confirm = page_text(client.get(url("student_resend_activation", account)))
    assert "usager@example.org" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("student_resend_activation", account), {"email": "corrige@example.org"}, follow=True)
    assert "Le mail a été renvoyé" in page_text(response)
    account.refresh_from_db()
    assert account.email == "corrige@example.org"
    assert account.state == AccountState.ACTIVATING
    assert [m.to for m in mailoutbox] == [["corrige@example.org"]]


def test_resend_activation_invalid_address_is_422(client, head, establishment):
    account = AccountFactory(student=StudentFactory(establishment=establishment), activating=True)
    client.force_login(head)
    response = client.post(url("student_resend_activation", account), {"email": "pas-une-adresse"})
    assert response.status_code == 422


@pytest.mark.parametrize("trait", [None, "informed", "activating", "activated"])
def test_reset_identifier_is_allowed_in_every_state_and_the_old_one_stops_at_once(client, head, establishment, trait):
    from accounts.enduser.credentials import check_credentials
    from tests.factories import CHOSEN_PASSWORD

    student = StudentFactory(establishment=establishment, first_name="Éloïse", last_name="D'Arc")
    account = AccountFactory(student=student, identifier="eloise.darc", **({trait: True} if trait else {}))
    password = provisional_password(account) or CHOSEN_PASSWORD
    assert check_credentials("eloise.darc", password).account == account
    state, version = account.state, account.session_version
    client.force_login(head)
    client.post(url("student_reset_identifier", account))
    account.refresh_from_db()
    assert account.identifier == "eloise.darc1"
    assert account.state == state
    assert account.session_version == version + 1  # open end-user sessions are ended
    assert check_credentials("eloise.darc", password).account is None
    assert check_credentials("eloise.darc1", password).account == account


def test_reset_identifier_skips_identifiers_taken_anywhere(head, establishment, other_establishment):
    from accounts.identifier_reset import account_reset_identifier

    AccountFactory(student=StudentFactory(establishment=other_establishment), identifier="paul.dubois1")
    account = AccountFactory(student=StudentFactory(establishment=establishment), identifier="paul.dubois")
    assert account_reset_identifier(actor=head, establishment=establishment, account=account) == "paul.dubois2"


def test_reset_identifier_refuses_an_account_of_another_establishment(head, establishment, other_establishment):
    from accounts.identifier_reset import account_reset_identifier

    foreign = AccountFactory(student=StudentFactory(establishment=other_establishment))
    with pytest.raises(Account.DoesNotExist):
        account_reset_identifier(actor=head, establishment=establishment, account=foreign)


@pytest.mark.parametrize(
    ("trait", "reset_enabled", "resend_enabled"),
    [(None, False, False), ("informed", True, False), ("activating", True, True), ("activated", True, False)],
)
def test_account_page_buttons_follow_the_action_matrix(
    client, head, establishment, trait, reset_enabled, resend_enabled
):
    account = AccountFactory(student=StudentFactory(establishment=establishment), **({trait: True} if trait else {}))
    client.force_login(head)
    body = page_text(client.get(url("student", account)))
    assert (f'href="{url("student_reset_password", account)}"' in body) is reset_enabled
    assert (f'href="{url("student_resend_activation", account)}"' in body) is resend_enabled
    assert f'href="{url("student_reset_identifier", account)}"' in body
    assert f'href="{url("student_inform", account)}"' in body


def test_account_page_query_count_does_not_grow_with_linked_students(client, head, establishment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.accounts.administration_support import representative_account

    children = [AccountFactory(student=StudentFactory(establishment=establishment)).student for _ in range(2)]
    parent = representative_account(establishment, "MOREAU", "Anne", children)
    client.force_login(head)
    client.get(url("representative", parent))
    with CaptureQueriesContext(connection) as two:
        client.get(url("representative", parent))
    for _ in range(5):
        child = AccountFactory(student=StudentFactory(establishment=establishment)).student
        parent.representative.responsibilities.create(student=child, level=1)
    with CaptureQueriesContext(connection) as seven:
        body = page_text(client.get(url("representative", parent)))
    assert len(seven.captured_queries) == len(two.captured_queries)
    assert body.count("14-03-2012") == 7  # the seven children's birth dates


def test_confirmation_panel_swap_equals_its_own_page(client, head, family):
    import re

    client.force_login(head)
    target = url("representative_reset_identifier", family["famer"])
    partial = page_text(client.get(target, headers={"HX-Request": "true"}))
    full = page_text(client.get(target))

    def normalise(text):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text).strip()

    assert normalise(partial) in normalise(full)
    assert '<div class="fr-callout fr-mb-3w" id="confirmation">' in partial
