"""The family side of the provider: sign-in with `next`, first sign-in steps, consent, logout,
« Services utilisés » and « Se déconnecter de tous les services »."""

import datetime
from urllib.parse import quote, urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enduser.session import ACCOUNT_KEY
from accounts.passwords import provisional_password
from educonnect.models import AuditAction, AuditEvent
from oidc.models import AccessToken, RefreshToken, ServiceUse
from tests.factories import AccountFactory, StudentFactory

from .conftest import (
    LOGOUT_URI,
    REDIRECT_URI,
    authorize_params,
    code_from,
    exchange,
    get_code,
    make_service,
    pkce_pair,
    sign_in,
)

AUTHORIZE = reverse("oauth2_provider:authorize")
LOGIN = reverse("enduser:login")


def authorize_url(service, challenge) -> str:
    return f"{AUTHORIZE}?{urlencode(authorize_params(service, challenge))}"


@pytest.mark.django_db
def test_not_signed_in_goes_to_the_family_sign_in_then_back_with_a_code(client, service, pupil):
    target = authorize_url(service, pkce_pair()[1])
    response = client.get(target)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={quote(target, safe='/')}"
    page = client.get(response.url)
    assert f'name="next" value="{target.replace("&", "&amp;")}"' in page.content.decode()
    signed = sign_in(client, pupil, next_url=target)
    assert signed.url == target
    code_from(client.get(signed.url))


@pytest.mark.django_db
def test_next_outside_the_site_is_ignored(client, pupil):
    response = sign_in(client, pupil, next_url="https://evil.example.net/")
    assert response.url == reverse("enduser:home")
    response = sign_in(client, pupil, next_url="//evil.example.net/o/authorize/")
    assert response.url == reverse("enduser:home")


@pytest.mark.django_db
def test_wrong_password_keeps_next_and_the_same_message(client, service, pupil):
    target = authorize_url(service, pkce_pair()[1])
    response = sign_in(client, pupil, password="mauvais", next_url=target)
    assert response.status_code == 200
    body = response.content.decode()
    assert "L&#x27;identifiant ou le mot de passe est incorrect" in body
    assert 'name="next"' in body


@pytest.mark.django_db
def test_provisional_password_goes_through_both_first_steps_then_back_to_the_service(client, service, establishment):
    student = StudentFactory(establishment=establishment, birth_date=datetime.date(2012, 3, 14))
    account = AccountFactory(student=student, informed=True)
    target = authorize_url(service, pkce_pair()[1])
    response = sign_in(client, account, password=provisional_password(account), next_url=target)
    assert response.url == reverse("enduser:first_password")
    assert client.get(target).url == reverse("enduser:first_password")  # no code before the steps
    new = "Vacances-a-la-mer-2026"
    response = client.post(response.url, {"new_password1": new, "new_password2": new})
    assert response.url == reverse("enduser:first_activation")
    response = client.post(response.url, {"email": "eleve@example.org", "birth_date": "2012-03-14"})
    assert response.url == target
    code_from(client.get(target))
    assert ServiceUse.objects.filter(account=account, service=service).exists()


@pytest.mark.django_db
def test_untrusted_service_shows_the_french_consent_screen(client, pupil):
    service = make_service(skip_authorization=False, name="Vie scolaire du collège")
    sign_in(client, pupil)
    params = authorize_params(service, pkce_pair()[1])
    response = client.get(AUTHORIZE, params)
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Se connecter à Vie scolaire du collège" in body
    assert "vos prénom et nom" in body
    assert "la liste de ses enfants avec leur établissement et leur classe" in body
    assert ">Autoriser</button>" in body and ">Refuser</button>" in body
    assert not ServiceUse.objects.exists()
    response = client.post(AUTHORIZE, {**params, "allow": "on"})
    code_from(response)
    assert ServiceUse.objects.filter(service=service).count() == 1


@pytest.mark.django_db
def test_consent_screen_lists_only_the_requested_scopes(client, pupil):
    service = make_service(skip_authorization=False)
    sign_in(client, pupil)
    body = client.get(AUTHORIZE, authorize_params(service, pkce_pair()[1], scope="openid profile")).content.decode()
    assert "vos prénom et nom" in body
    assert "la liste de ses enfants" not in body


@pytest.mark.django_db
def test_trusted_service_gets_no_consent_screen(client, service, pupil):
    sign_in(client, pupil)
    code_from(client.get(AUTHORIZE, authorize_params(service, pkce_pair()[1])))


@pytest.mark.django_db
def test_form_action_lets_the_sign_in_form_end_at_a_registered_service(client, service):
    csp = client.get(LOGIN)["Content-Security-Policy"]
    assert "form-action 'self' https://ent.example.org" in csp
    assert "https://ent.example.org" not in client.get("/connexion/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_rp_initiated_logout_ends_the_session_revokes_tokens_and_returns(client, service, pupil):
    verifier, challenge = pkce_pair()
    body = exchange(client, get_code(client, service, pupil, challenge), verifier).json()
    response = client.get(
        reverse("oauth2_provider:rp-initiated-logout"),
        {"id_token_hint": body["id_token"], "post_logout_redirect_uri": LOGOUT_URI, "state": "s1"},
    )
    assert response.status_code == 302
    assert response.url == LOGOUT_URI + "?state=s1"
    assert ACCOUNT_KEY not in client.session
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_LOGOUT, target_id=str(pupil.pk)).exists()


@pytest.mark.django_db
def test_logout_to_an_unregistered_uri_is_refused(client, service, pupil):
    verifier, challenge = pkce_pair()
    body = exchange(client, get_code(client, service, pupil, challenge), verifier).json()
    response = client.get(
        reverse("oauth2_provider:rp-initiated-logout"),
        {"id_token_hint": body["id_token"], "post_logout_redirect_uri": "https://evil.example.net/"},
    )
    assert response.status_code == 400
    assert ACCOUNT_KEY in client.session


@pytest.mark.django_db
def test_prompt_login_signs_the_family_in_again(client, service, pupil):
    sign_in(client, pupil)
    response = client.get(AUTHORIZE, authorize_params(service, pkce_pair()[1], prompt="login"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN + "?next=")
    assert "prompt" not in response.url
    assert ACCOUNT_KEY not in client.session


@pytest.mark.django_db
def test_compte_lists_services_and_signs_out_of_all(client, service, pupil):
    other = make_service(client_id="vie-scolaire", name="Vie scolaire", redirect_uris=REDIRECT_URI)
    for target in (service, other):
        verifier, challenge = pkce_pair()
        response = exchange(client, get_code(client, target, pupil, challenge), verifier, client_id=target.client_id)
        assert response.status_code == 200
    home = client.get(reverse("enduser:home")).content.decode()
    assert "Services utilisés" in home
    assert "ENT des collèges" in home and "Vie scolaire" in home
    assert "Se déconnecter de tous les services" in home

    response = client.post(reverse("oauth2_provider:sign_out_everywhere"), follow=True)
    assert "Vous êtes déconnecté de 2 services" in response.content.decode()
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_SERVICES_LOGOUT)
    assert event.target_id == str(pupil.pk) and event.details == {"services": 2}
    assert client.session[ACCOUNT_KEY] == pupil.pk  # /compte/ stays signed in


@pytest.mark.django_db
def test_sign_out_everywhere_needs_a_signed_in_family(client, pupil):
    response = client.post(reverse("oauth2_provider:sign_out_everywhere"))
    assert response.status_code == 302 and response.url == LOGIN
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_SERVICES_LOGOUT).exists()


@pytest.mark.django_db
def test_compte_without_services_says_so(client, pupil):
    sign_in(client, pupil)
    body = client.get(reverse("enduser:home")).content.decode()
    assert "Vous ne vous êtes encore connecté à aucun service avec ce compte." in body
    assert "Se déconnecter de tous les services" not in body


@pytest.mark.django_db
def test_administration_account_page_shows_services_used(client, head, establishment, service, settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    account = AccountFactory(student=StudentFactory(establishment=establishment), activated=True)
    get_code(client, service, account, pkce_pair()[1])
    use = ServiceUse.objects.get(account=account)
    client.logout()
    client.force_login(head)
    url = reverse("administration:student", kwargs={"uai": establishment.uai, "account_id": account.pk})
    body = client.get(url).content.decode()
    assert "Services utilisés" in body
    assert "<td>ENT des collèges</td>" in body
    assert timezone.localtime(use.last_signed_in_at).strftime("%d/%m/%Y à %H:%M") in body


@pytest.mark.django_db
def test_prompt_none_answers_login_required_without_a_session_or_with_steps_pending(client, service, establishment):
    params = authorize_params(service, pkce_pair()[1], prompt="none")
    response = client.get(AUTHORIZE, params)
    assert response.status_code == 302
    assert response.url.startswith(REDIRECT_URI) and "error=login_required" in response.url
    account = AccountFactory(student=StudentFactory(establishment=establishment), informed=True)
    sign_in(client, account, password=provisional_password(account))
    response = client.get(AUTHORIZE, params)
    assert response.url.startswith(REDIRECT_URI) and "error=login_required" in response.url
    assert not ServiceUse.objects.exists()


@pytest.mark.django_db
def test_prompt_none_with_a_session_returns_a_code_silently(client, service, pupil):
    sign_in(client, pupil)
    code_from(client.get(AUTHORIZE, authorize_params(service, pkce_pair()[1], prompt="none")))


@pytest.mark.django_db
def test_prompt_none_at_an_untrusted_service_answers_consent_required(client, pupil):
    service = make_service(skip_authorization=False)
    sign_in(client, pupil)
    response = client.get(AUTHORIZE, authorize_params(service, pkce_pair()[1], prompt="none"))
    assert response.status_code == 302
    assert response.url.startswith(REDIRECT_URI) and "error=consent_required" in response.url
