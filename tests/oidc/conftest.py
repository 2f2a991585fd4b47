"""Fixtures of the identity-provider tests: services, families, the authorization-code flow."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Responsibility
from oidc.models import Service
from tests.factories import CHOSEN_PASSWORD, AccountFactory, ResponsibilityFactory, StudentFactory

REDIRECT_URI = "https://ent.example.org/oidc/callback/"
LOGOUT_URI = "https://ent.example.org/au-revoir/"
SECRET = "secret-du-service-" + "x" * 40


@pytest.fixture(autouse=True)
def oidc_env(settings):
    settings.PASSWORD_HASHERS = [
        "tests.accounts.enduser_support.FastArgon2PasswordHasher",
        "oidc.hashers.ClientSecretHasher",
    ]
    cache.clear()
    yield
    cache.clear()


def make_service(**kwargs) -> Service:
    values = {
        "name": "ENT des collèges",
        "client_id": "ent-colleges",
        "client_secret": SECRET,
        "client_type": Service.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": Service.GRANT_AUTHORIZATION_CODE,
        "algorithm": Service.RS256_ALGORITHM,
        "redirect_uris": REDIRECT_URI,
        "post_logout_redirect_uris": LOGOUT_URI,
        "skip_authorization": True,
        "allowed_scopes": "openid profile educonnect",
    }
    values.update(kwargs)
    return Service.objects.create(**values)


@pytest.fixture
def service(db):
    return make_service()


@pytest.fixture
def parent(db):
    """A legal representative with an activated account and two children in 4EME7 and 5EME7."""
    first = StudentFactory(first_name="Léa", last_name="SABRIER", division__code="4EME7")
    ResponsibilityFactory(student=first, representative__last_name="SABRIER", representative__first_name="Anne")
    representative = first.responsibilities.get().representative
    second = StudentFactory(
        first_name="Hugo",
        last_name="SABRIER",
        establishment=first.establishment,
        division__code="5EME7",
        division__mef__code="10110001110",
    )
    ResponsibilityFactory(student=second, representative=representative, level=Responsibility.Level.LEGAL)
    return AccountFactory(
        for_representative=True, representative=representative, activated=True, establishment=first.establishment
    )


@pytest.fixture
def pupil(db):
    return AccountFactory(activated=True)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def sign_in(client, account, password=CHOSEN_PASSWORD, next_url=None):
    data = {"identifier": account.identifier, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("enduser:login"), data)


def authorize_params(service, challenge=None, **extra):
    params = {
        "response_type": "code",
        "client_id": service.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile educonnect",
        "state": "etat-123",
        "nonce": "nonce-456",
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra)
    return params


def code_from(response) -> str:
    assert response.status_code == 302, response.content[:2000]
    assert response.url.startswith(REDIRECT_URI), response.url
    query = parse_qs(urlsplit(response.url).query)
    assert query["state"] == ["etat-123"]
    return query["code"][0]


def get_code(client, service, account, challenge=None, **extra) -> str:
    sign_in(client, account)
    return code_from(client.get(reverse("oauth2_provider:authorize"), authorize_params(service, challenge, **extra)))


def exchange(client, code, verifier=None, client_id="ent-colleges", secret=SECRET, redirect_uri=REDIRECT_URI):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "client_id": client_id}
    if secret is not None:
        data["client_secret"] = secret
    if verifier is not None:
        data["code_verifier"] = verifier
    return client.post(reverse("oauth2_provider:token"), data)
