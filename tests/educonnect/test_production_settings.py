"""Production settings: required secrets, and `manage.py check --deploy` without warnings."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "EDUCONNECT_ENCRYPTION_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_its_secrets():
    result = _manage("check", EDUCONNECT_ENV="production", ALLOWED_HOSTS="educonnect.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when EDUCONNECT_ENV=production" in result.stderr


def test_check_deploy_passes_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        EDUCONNECT_ENV="production",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        EDUCONNECT_ENCRYPTION_KEY="cHJvZHVjdGlvbi1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=",
        ALLOWED_HOSTS="educonnect.example.org",
        EDUCONNECT_OIDC_SUBJECT_SALT="un-sel-de-production-stable",
        EDUCONNECT_OIDC_PRIVATE_KEY=settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"],  # a valid RSA key
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_redis_url_gives_a_shared_cache_for_the_counters():
    """With REDIS_URL the brute-force counters live in Redis (shared by every web process)."""
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from django.core.cache import cache;"
        "print(settings.CACHES['default']['BACKEND']);"
        "cache.set('educonnect-test-key', 7, 5); print(cache.get('educonnect-test-key'))"
    )
    environment = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "DJANGO_SETTINGS_MODULE": "educonnect.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    if "ConnectionError" in result.stderr:
        import pytest

        pytest.skip("no Redis server on 127.0.0.1:6379")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "7"]
