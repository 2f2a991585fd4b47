"""seed_demo registers the « ENT de démonstration » (idempotently), through the accounts.demo hook."""

import pytest
from django.contrib.auth.hashers import check_password

from accounts.demo import _extra_seeders
from oidc.demo import seed_demo_ent
from oidc.demo_ent import CLIENT_ID, CLIENT_SECRET
from oidc.models import Service


@pytest.mark.django_db
def test_seed_demo_registers_the_demo_ent_once():
    assert seed_demo_ent in _extra_seeders
    lines = seed_demo_ent()
    seed_demo_ent()
    service = Service.objects.get(client_id=CLIENT_ID)
    assert Service.objects.count() == 1
    assert service.name == "ENT de démonstration"
    assert check_password(CLIENT_SECRET, service.client_secret)
    assert service.client_secret.startswith("oidc_client_secret_sha256$")
    assert service.redirect_uri_allowed("http://127.0.0.1:8000/ent-demo/retour/")
    assert not service.skip_authorization
    assert service.scope_list == ["openid", "profile", "educonnect"]
    assert any("http://127.0.0.1:8000/ent-demo/" in line for line in lines)


@pytest.mark.django_db
def test_no_demo_ent_when_switched_off(settings):
    settings.EDUCONNECT_DEMO_ENT = False
    assert seed_demo_ent() == []
    assert not Service.objects.exists()
