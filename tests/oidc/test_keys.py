"""The signing keys: from configuration, generated for the demo, refused when missing or bad,
two published during a rotation."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from jwcrypto import jwk, jwt

from oidc import keys
from oidc.checks import signing_key_check
from tests.educonnect.test_production_settings import SAFE

from .conftest import exchange, get_code, pkce_pair

ROOT = Path(__file__).resolve().parents[2]
# A safe production configuration (the deploy checks' own), without its signing key.
PRODUCTION = {k: v for k, v in SAFE.items() if not k.startswith("EDUCONNECT_OIDC_PRIVATE_KEY")}


@pytest.fixture(scope="module")
def two_keys():
    return keys.generate_private_key_pem(), keys.generate_private_key_pem()


def _manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("EDUCONNECT_OIDC") and k not in {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_signing_key():
    result = _manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "EDUCONNECT_OIDC_PRIVATE_KEY_FILE must be set when EDUCONNECT_ENV=production" in result.stderr


def test_production_starts_with_a_key_file(tmp_path, two_keys):
    path = tmp_path / "oidc.pem"
    path.write_text(two_keys[0])
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", EDUCONNECT_OIDC_PRIVATE_KEY_FILE=str(path), **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_a_key_that_is_not_an_rsa_key(tmp_path):
    path = tmp_path / "oidc.pem"
    path.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    result = _manage("check", EDUCONNECT_OIDC_PRIVATE_KEY_FILE=str(path), **PRODUCTION)
    assert result.returncode != 0
    assert "oidc.E002" in result.stderr


def test_the_demo_key_is_generated_once_into_var(tmp_path):
    first = keys.development_key(tmp_path)
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert (tmp_path / keys.DEV_KEY_NAME).stat().st_mode & 0o777 == 0o600
    assert keys.development_key(tmp_path) == first


def test_key_from_the_environment_wins_over_the_file(tmp_path, two_keys):
    (tmp_path / "a.pem").write_text(two_keys[1])
    env = {"EDUCONNECT_OIDC_PRIVATE_KEY": two_keys[0], "EDUCONNECT_OIDC_PRIVATE_KEY_FILE": str(tmp_path / "a.pem")}
    assert keys.active_key(env, var_dir=tmp_path, production=True) == two_keys[0]
    assert keys.active_key({}, var_dir=tmp_path, production=True) == ""


def test_check_reports_a_missing_key(settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": ""}
    assert [e.id for e in signing_key_check(None)] == ["oidc.E001"]


def test_check_accepts_the_configured_key():
    assert signing_key_check(None) == []


@pytest.mark.django_db
def test_rotation_publishes_both_keys_and_old_id_tokens_still_verify(client, settings, service, pupil, two_keys):
    old, new = two_keys
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": old}
    verifier, challenge = pkce_pair()
    old_token = exchange(client, get_code(client, service, pupil, challenge), verifier).json()["id_token"]

    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": new,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [old],
    }
    document = client.get(reverse("oauth2_provider:jwks-info")).content
    kids = [key["kid"] for key in json.loads(document)["keys"]]  # active first, then the previous one
    assert kids == [jwk.JWK.from_pem(new.encode()).thumbprint(), jwk.JWK.from_pem(old.encode()).thumbprint()]
    published = jwk.JWKSet.from_json(document)
    verifier, challenge = pkce_pair()
    new_token = exchange(client, get_code(client, service, pupil, challenge), verifier).json()["id_token"]
    for token in (old_token, new_token):
        assert json.loads(jwt.JWT(jwt=token, key=published, expected_type="JWS").claims)["aud"] == "ent-colleges"
    headers = [
        json.loads(jwt.JWT(jwt=t, key=published, expected_type="JWS").header)["kid"] for t in (old_token, new_token)
    ]
    assert headers == [kids[1], kids[0]]
