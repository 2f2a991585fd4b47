import pytest
from django.core.cache import cache

from tests.factories import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Brute-force counters live in the cache: each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def intranet(settings):
    """Requests of the test client (127.0.0.1) come from the administrative network: no OTP."""
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]


@pytest.fixture
def fast_hashing(settings):
    """For tests that never type a password: personas are created without Argon2's cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
