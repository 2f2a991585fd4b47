"""/plateforme/: the operator registers a service (« Services connectés »)."""

import pytest
from django.contrib.auth.hashers import check_password

from oidc.middleware import service_origins
from oidc.models import Service
from tests.factories import EstablishmentFactory, UserFactory

ADD = "/plateforme/oidc/service/add/"


@pytest.fixture(autouse=True)
def _on_intranet(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]  # /plateforme/ asks no second factor there


@pytest.fixture
def operator(db):
    return UserFactory(username="operateur", is_staff=True, is_superuser=True)


def form(**overrides):
    data = {
        "name": "ENT Auvergne-Rhône-Alpes",
        "client_id": "ent-aura",
        "client_type": "confidential",
        "client_secret": "un-secret-tres-long-" + "z" * 40,
        "redirect_uris": "https://ent.example.org/oidc/callback/",
        "post_logout_redirect_uris": "https://ent.example.org/",
        "allowed_scopes": ["openid", "profile", "educonnect"],
        "skip_authorization": "on",
    }
    data.update(overrides)
    return data


def test_operator_registers_a_service_limited_to_an_establishment(client, operator):
    establishment = EstablishmentFactory()
    client.force_login(operator)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, form(establishments=[establishment.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get(client_id="ent-aura")
    assert service.authorization_grant_type == Service.GRANT_AUTHORIZATION_CODE
    assert service.algorithm == Service.RS256_ALGORITHM
    assert service.skip_authorization
    assert service.allowed_scopes == "openid profile educonnect"
    assert list(service.establishments.all()) == [establishment]
    assert check_password("un-secret-tres-long-" + "z" * 40, service.client_secret)
    assert "https://ent.example.org" in service_origins()  # the form-action cache was dropped


def test_openid_scope_is_mandatory(client, operator):
    client.force_login(operator)
    response = client.post(ADD, form(allowed_scopes=["profile"]))
    assert response.status_code == 200
    assert "« openid » est obligatoire" in response.content.decode()
    assert not Service.objects.exists()


def test_a_name_is_mandatory(client, operator):
    client.force_login(operator)
    response = client.post(ADD, form(name="  "))
    assert response.status_code == 200
    assert "Donnez le nom du service" in response.content.decode()
    assert not Service.objects.exists()


def test_an_http_redirect_uri_is_refused_in_production(client, operator, settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https"]}
    client.force_login(operator)
    response = client.post(ADD, form(redirect_uris="http://ent.example.org/cb/"))
    assert response.status_code == 200
    assert "invalid_scheme: http://ent.example.org/cb/" in response.content.decode()
    assert not Service.objects.exists()
