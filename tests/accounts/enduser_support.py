"""Helpers and fixtures of the end-user tests (registered for every test by tests/conftest.py;
the tests that sign end users in ask for `enduser_env`).

Argon2 with Django's default cost takes about a second per check on the CI box; the end-user tests
sign in dozens of times, so they use Argon2 with a tiny cost (still the Argon2 algorithm, still
`argon2$…` hashes, verified with the parameters stored in each hash).
"""

import re

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import cache
from django.urls import reverse


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1


@pytest.fixture
def enduser_env(settings):
    """Fast Argon2, the site URL of the e-mailed links, a clean cache (brute-force counters)."""
    settings.PASSWORD_HASHERS = ["tests.accounts.enduser_support.FastArgon2PasswordHasher"]
    settings.EDUCONNECT_SITE_URL = "http://testserver"
    cache.clear()
    yield
    cache.clear()


def sign_in(client, identifier, password, **extra):
    return client.post(reverse("enduser:login"), {"identifier": identifier, "password": password}, **extra)


def normalised(response) -> str:
    """The page without what changes on every response (CSRF token, CSP nonce)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def link_in(body: str, marker: str) -> str:
    """The first http URL in `body` containing `marker`, relative to the site."""
    match = re.search(r"http://testserver(" + re.escape(marker) + r"\S*/)", body)
    assert match, body
    return match.group(1)
