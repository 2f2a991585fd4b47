"""Authorization code flow at the HTTP level: the code, the token, the ID token, userinfo."""

import json

import pytest
from django.urls import reverse
from jwcrypto import jwk, jwt

from educonnect.models import AuditAction, AuditEvent
from oidc.claims import subject
from oidc.models import Service, ServiceUse

from .conftest import authorize_params, exchange, get_code, make_service, pkce_pair, sign_in


def verified_claims(client, id_token: str) -> dict:
    keys = jwk.JWKSet.from_json(client.get(reverse("oauth2_provider:jwks-info")).content)
    token = jwt.JWT(jwt=id_token, key=keys, expected_type="JWS")
    return json.loads(token.claims)


@pytest.mark.django_db
def test_parent_gets_an_rs256_id_token_and_userinfo_with_children(client, service, parent):
    verifier, challenge = pkce_pair()
    code = get_code(client, service, parent, challenge)
    response = exchange(client, code, verifier)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert set(body) >= {"access_token", "refresh_token", "id_token", "expires_in"}

    claims = verified_claims(client, body["id_token"])
    assert claims["aud"] == "ent-colleges"
    assert claims["iss"] == "http://testserver"
    assert claims["nonce"] == "nonce-456"
    assert claims["sub"] == subject(parent.pk, service.pk)
    assert claims["FrEduCtPersonAffiliation"] == "resp2d"
    assert claims["civilite"] == "Mme"
    assert (claims["given_name"], claims["family_name"]) == ("Anne", "SABRIER")
    assert "birthdate" not in claims

    info = client.get(reverse("oauth2_provider:user-info"), headers={"Authorization": f"Bearer {body['access_token']}"})
    assert info.status_code == 200
    data = info.json()
    assert data["sub"] == claims["sub"]
    uai = parent.establishment.uai
    assert data["enfants"] == [
        {
            "given_name": "Hugo",
            "family_name": "SABRIER",
            "FrEduCtEleveUAI": uai,
            "FrEduCtEleveNiveau": "10110001110",
            "niveau_libelle": data["enfants"][0]["niveau_libelle"],
            "classe": "5EME7",
        },
        {
            "given_name": "Léa",
            "family_name": "SABRIER",
            "FrEduCtEleveUAI": uai,
            "FrEduCtEleveNiveau": data["enfants"][1]["FrEduCtEleveNiveau"],
            "niveau_libelle": data["enfants"][1]["niveau_libelle"],
            "classe": "4EME7",
        },
    ]


@pytest.mark.django_db
def test_pupil_claims_carry_uai_level_class_and_birth_date(client, service, pupil):
    verifier, challenge = pkce_pair()
    body = exchange(client, get_code(client, service, pupil, challenge), verifier).json()
    claims = verified_claims(client, body["id_token"])
    student = pupil.student
    assert claims["FrEduCtPersonAffiliation"] == "eleve2d"
    assert claims["FrEduCtEleveUAI"] == student.establishment.uai
    assert claims["FrEduCtEleveNiveau"] == student.mef.code
    assert claims["classe"] == "3EME1"
    assert claims["birthdate"] == "2012-03-14"
    assert claims["civilite"] == "M."
    assert claims["FrEduCtId"] == claims["sub"]


@pytest.mark.django_db
def test_only_the_granted_scopes_are_released(client, service, pupil):
    verifier, challenge = pkce_pair()
    code = get_code(client, service, pupil, challenge, scope="openid")
    body = exchange(client, code, verifier).json()
    claims = verified_claims(client, body["id_token"])
    assert not {"given_name", "family_name", "birthdate", "FrEduCtEleveUAI", "classe"} & set(claims)
    info = client.get(reverse("oauth2_provider:user-info"), headers={"Authorization": f"Bearer {body['access_token']}"})
    assert set(info.json()) == {"sub"}


@pytest.mark.django_db
def test_a_scope_the_operator_did_not_allow_is_refused(client, pupil):
    service = make_service(allowed_scopes="openid profile")
    sign_in(client, pupil)
    response = client.get(reverse("oauth2_provider:authorize"), authorize_params(service))
    assert response.status_code == 302
    assert "error=invalid_scope" in response.url
    assert not ServiceUse.objects.exists()


@pytest.mark.django_db
def test_sub_is_stable_per_service_and_differs_between_services(client, service, pupil):
    other = make_service(client_id="vie-scolaire", name="Vie scolaire")
    assert subject(pupil.pk, service.pk) == subject(pupil.pk, service.pk)
    assert subject(pupil.pk, service.pk) != subject(pupil.pk, other.pk)
    assert len(subject(pupil.pk, service.pk)) == 64


@pytest.mark.django_db
def test_sign_in_to_a_service_is_journaled_and_listed(client, service, pupil):
    get_code(client, service, pupil, pkce_pair()[1])
    get_code(client, service, pupil, pkce_pair()[1])
    events = AuditEvent.objects.filter(action=AuditAction.ACCOUNT_SERVICE_LOGIN, details__client_id="ent-colleges")
    assert events.count() == 2
    event = events.first()
    assert event.target_type == "account" and event.target_id == str(pupil.pk)
    assert event.ip_address == "127.0.0.1"
    assert event.details["service"] == "ENT des collèges"
    use = ServiceUse.objects.get(account=pupil, service=service)
    assert use.sign_in_count == 2


@pytest.mark.django_db
def test_public_client_without_secret_with_pkce(client, pupil):
    service = make_service(client_type=Service.CLIENT_PUBLIC, client_secret="")
    verifier, challenge = pkce_pair()
    response = exchange(client, get_code(client, service, pupil, challenge), verifier, secret=None)
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_discovery_and_jwks(client, settings):
    config = client.get("/.well-known/openid-configuration").json()
    assert config["issuer"] == "http://testserver"
    assert config["authorization_endpoint"] == "http://testserver/o/authorize/"
    assert config["end_session_endpoint"] == "http://testserver/o/logout/"
    assert config["subject_types_supported"] == ["pairwise"]
    assert "RS256" in config["id_token_signing_alg_values_supported"]
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert {"openid", "profile", "educonnect"} <= set(config["scopes_supported"])
    assert "FrEduCtPersonAffiliation" in config["claims_supported"]
    keys = client.get("/o/jwks/").json()["keys"]
    assert [k["kty"] for k in keys] == ["RSA"]
    assert "d" not in keys[0]  # public part only


@pytest.mark.django_db
def test_token_endpoint_needs_no_csrf_token(client, service, pupil):
    from django.test import Client

    verifier, challenge = pkce_pair()
    code = get_code(client, service, pupil, challenge)
    assert exchange(Client(enforce_csrf_checks=True), code, verifier).status_code == 200
