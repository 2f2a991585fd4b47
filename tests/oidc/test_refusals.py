"""What the provider refuses: each negative case of issue 17 §6, resets, staff, establishments."""

import base64
import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from jwcrypto import jwk, jws

from accounts.passwords import issue_provisional_password
from educonnect.models import AuditAction, AuditEvent
from oidc.models import AccessToken, Grant, RefreshToken, Service, ServiceUse
from tests.factories import CHOSEN_PASSWORD, EstablishmentFactory, UserFactory

from .conftest import (
    REDIRECT_URI,
    SECRET,
    authorize_params,
    exchange,
    get_code,
    make_service,
    pkce_pair,
    sign_in,
)

AUTHORIZE = reverse("oauth2_provider:authorize")


@pytest.mark.django_db
def test_wrong_redirect_uri_is_refused_on_our_page_never_redirected(client, service, pupil):
    sign_in(client, pupil)
    response = client.get(
        AUTHORIZE, authorize_params(service, pkce_pair()[1], redirect_uri="https://evil.example.net/cb")
    )
    assert response.status_code == 400
    assert "La demande du service n'est pas valable" in response.content.decode()
    assert "evil.example.net" not in response.get("Location", "")
    assert not Grant.objects.exists()


@pytest.mark.django_db
def test_token_with_a_redirect_uri_other_than_the_code_s_is_refused(client, service, pupil):
    verifier, challenge = pkce_pair()
    code = get_code(client, service, pupil, challenge)
    response = exchange(client, code, verifier, redirect_uri="https://ent.example.org/autre/")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.django_db
def test_public_client_without_pkce_challenge_gets_no_code(client, pupil):
    service = make_service(client_type=Service.CLIENT_PUBLIC, client_secret="")
    sign_in(client, pupil)
    response = client.get(AUTHORIZE, authorize_params(service))
    assert response.status_code == 302
    assert "error=invalid_request" in response.url
    assert "code=" not in response.url
    assert not Grant.objects.exists()


@pytest.mark.django_db
def test_missing_pkce_verifier_is_refused(client, service, pupil):
    code = get_code(client, service, pupil, pkce_pair()[1])
    response = exchange(client, code, verifier=None)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert not AccessToken.objects.exists()


@pytest.mark.django_db
def test_wrong_pkce_verifier_is_refused(client, service, pupil):
    code = get_code(client, service, pupil, pkce_pair()[1])
    response = exchange(client, code, verifier=pkce_pair()[0])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


@pytest.mark.django_db
def test_plain_pkce_method_is_refused(client, pupil):
    service = make_service(client_type=Service.CLIENT_PUBLIC, client_secret="")
    sign_in(client, pupil)
    params = authorize_params(service, code_challenge="a" * 50, code_challenge_method="plain")
    response = client.get(AUTHORIZE, params)
    assert response.status_code == 302
    assert "error=" in response.url and "code=" not in response.url


@pytest.mark.django_db
def test_a_code_is_used_once(client, service, pupil):
    verifier, challenge = pkce_pair()
    code = get_code(client, service, pupil, challenge)
    assert exchange(client, code, verifier).status_code == 200
    again = exchange(client, code, verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert AccessToken.objects.count() == 1


@pytest.mark.django_db
def test_an_expired_code_is_refused(client, service, pupil):
    verifier, challenge = pkce_pair()
    code = get_code(client, service, pupil, challenge)
    Grant.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    response = exchange(client, code, verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.django_db
def test_another_client_cannot_redeem_the_code(client, service, pupil):
    make_service(client_id="autre-service", name="Autre", client_secret="autre-secret-" + "y" * 40)
    verifier, challenge = pkce_pair()
    code = get_code(client, service, pupil, challenge)
    response = exchange(client, code, verifier, client_id="autre-service", secret="autre-secret-" + "y" * 40)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.django_db
def test_wrong_client_secret_is_refused(client, service, pupil):
    verifier, challenge = pkce_pair()
    code = get_code(client, service, pupil, challenge)
    response = exchange(client, code, verifier, secret="pas-le-bon")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.django_db
def test_refresh_token_of_another_client_is_refused(client, service, pupil):
    other_secret = "autre-secret-" + "y" * 40
    make_service(client_id="autre-service", name="Autre", client_secret=other_secret)
    verifier, challenge = pkce_pair()
    body = exchange(client, get_code(client, service, pupil, challenge), verifier).json()
    response = client.post(
        reverse("oauth2_provider:token"),
        {
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": "autre-service",
            "client_secret": other_secret,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.django_db
def test_tampered_id_token_signature_is_refused_by_the_jwks_and_by_logout(client, service, pupil):
    verifier, challenge = pkce_pair()
    id_token = exchange(client, get_code(client, service, pupil, challenge), verifier).json()["id_token"]
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "quelqu-un-d-autre"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = f"{header}.{forged_payload}.{signature}"

    keys = jwk.JWKSet.from_json(client.get(reverse("oauth2_provider:jwks-info")).content)
    token = jws.JWS()
    token.deserialize(id_token)
    token.verify(keys.get_key(json.loads(base64.urlsafe_b64decode(header + "=="))["kid"]))  # the real one verifies
    token = jws.JWS()
    token.deserialize(forged)
    with pytest.raises(jws.InvalidJWSSignature):
        token.verify(keys.get_key(json.loads(base64.urlsafe_b64decode(header + "=="))["kid"]))

    response = client.get(
        reverse("oauth2_provider:rp-initiated-logout"),
        {"id_token_hint": forged, "post_logout_redirect_uri": "https://ent.example.org/au-revoir/"},
    )
    assert response.status_code == 400
    assert client.get(reverse("enduser:home")).status_code == 200  # still signed in


@pytest.mark.django_db
def test_staff_session_gets_the_family_sign_in_never_a_code(client, service, head):
    client.force_login(head)
    response = client.get(AUTHORIZE, authorize_params(service, pkce_pair()[1]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("enduser:login") + "?next=/o/authorize/")
    assert not Grant.objects.exists()


@pytest.mark.django_db
def test_staff_credentials_are_refused_by_the_family_sign_in(client, service):
    staff = UserFactory(username="monique.jamier")
    staff.set_password(CHOSEN_PASSWORD)
    staff.save()
    next_url = AUTHORIZE + "?client_id=ent-colleges"
    response = client.post(
        reverse("enduser:login"), {"identifier": "monique.jamier", "password": CHOSEN_PASSWORD, "next": next_url}
    )
    assert response.status_code == 200
    assert "L&#x27;identifiant ou le mot de passe est incorrect" in response.content.decode()
    assert not Grant.objects.exists()


@pytest.mark.django_db
def test_reset_mid_session_kills_refresh_and_userinfo(client, service, pupil):
    verifier, challenge = pkce_pair()
    body = exchange(client, get_code(client, service, pupil, challenge), verifier).json()
    issue_provisional_password(pupil, now=timezone.now())
    pupil.save()
    refresh = client.post(
        reverse("oauth2_provider:token"),
        {
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": "ent-colleges",
            "client_secret": SECRET,
        },
    )
    assert refresh.status_code == 400
    assert refresh.json()["error"] == "invalid_grant"
    info = client.get(reverse("oauth2_provider:user-info"), headers={"Authorization": f"Bearer {body['access_token']}"})
    assert info.status_code == 401


@pytest.mark.django_db
def test_refresh_works_while_nothing_changed(client, service, pupil):
    verifier, challenge = pkce_pair()
    body = exchange(client, get_code(client, service, pupil, challenge), verifier).json()
    refresh = client.post(
        reverse("oauth2_provider:token"),
        {
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": "ent-colleges",
            "client_secret": SECRET,
        },
    )
    assert refresh.status_code == 200, refresh.content
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 1


@pytest.mark.django_db
def test_code_issued_before_a_reset_cannot_be_redeemed(client, service, pupil):
    verifier, challenge = pkce_pair()
    code = get_code(client, service, pupil, challenge)
    issue_provisional_password(pupil, now=timezone.now())
    pupil.save()
    assert exchange(client, code, verifier).json()["error"] == "invalid_grant"


@pytest.mark.django_db
def test_service_limited_to_other_establishments_refuses_and_journals(client, pupil, caplog):
    service = make_service()
    service.establishments.add(EstablishmentFactory())
    sign_in(client, pupil)
    response = client.get(AUTHORIZE, authorize_params(service, pkce_pair()[1]))
    assert response.status_code == 403
    assert "n'est pas ouvert aux comptes de votre établissement" in response.content.decode()
    assert not Grant.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_SERVICE_REFUSED)
    assert event.details["reason"] == "establishment" and event.details["path"] == AUTHORIZE
    assert event.ip_address == "127.0.0.1"
    assert f"service sign-in refused (establishment): account {pupil.pk} to ent-colleges" in caplog.text


@pytest.mark.django_db
def test_service_limited_to_the_pupil_s_establishment_admits_them(client, pupil):
    service = make_service()
    service.establishments.add(pupil.establishment)
    assert get_code(client, service, pupil, pkce_pair()[1])


@pytest.mark.django_db
def test_pupil_who_left_is_refused(client, service, pupil):
    pupil.student.is_active = False
    pupil.student.save()
    sign_in(client, pupil)
    response = client.get(AUTHORIZE, authorize_params(service, pkce_pair()[1]))
    assert response.status_code == 403
    assert not ServiceUse.objects.exists()


@pytest.mark.django_db
def test_deny_on_the_consent_screen_returns_access_denied(client, pupil):
    service = make_service(skip_authorization=False)
    sign_in(client, pupil)
    params = authorize_params(service, pkce_pair()[1])
    page = client.get(AUTHORIZE, params)
    assert page.status_code == 200
    form = {k: v for k, v in params.items() if k != "response_type"} | {"response_type": "code"}
    response = client.post(AUTHORIZE, form)
    assert response.status_code == 302
    assert response.url.startswith(REDIRECT_URI) and "error=access_denied" in response.url
    assert not Grant.objects.exists()
