"""Production settings: required secrets, and `manage.py check --deploy --fail-level WARNING`
refusing every unsafe configuration (issue 12 item 11)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory

from educonnect.observability import RequestContextMiddleware

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/4"

SAFE = {
    "EDUCONNECT_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "EDUCONNECT_ENCRYPTION_KEY": "cHJvZHVjdGlvbi1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=",
    "ALLOWED_HOSTS": "educonnect.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/educonnect_prod",
    "REDIS_URL": REDIS_URL,
    "EDUCONNECT_SITE_URL": "https://educonnect.example.org",
    "EDUCONNECT_TRUSTED_PROXIES": "127.0.0.1/32,::1/128",
    "EDUCONNECT_OIDC_SUBJECT_SALT": "un-sel-de-production-stable",
    "EDUCONNECT_OIDC_PRIVATE_KEY": settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"],  # a valid RSA key
}
DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE="
OWN = {"SECRET_KEY", "EDUCONNECT_ENCRYPTION_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL"}
OWN |= {"EDUCONNECT_SITE_URL", "WEB_CONCURRENCY", "EDUCONNECT_TRUSTED_PROXIES", "EDUCONNECT_ENV"}
OWN |= {"EDUCONNECT_OIDC_SUBJECT_SALT", "EDUCONNECT_OIDC_PRIVATE_KEY", "EDUCONNECT_OIDC_PRIVATE_KEY_FILE"}


def _run(args, env):
    environment = {k: v for k, v in os.environ.items() if k not in OWN}
    environment.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


def _manage(*args, **env):
    return _run([sys.executable, "manage.py", *args], env)


def _check_deploy(**changes):
    return _manage("check", "--deploy", "--fail-level", "WARNING", **{**SAFE, **changes})


def test_production_refuses_to_start_without_its_secrets():
    result = _manage("check", EDUCONNECT_ENV="production", ALLOWED_HOSTS="educonnect.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when EDUCONNECT_ENV=production" in result.stderr


def test_check_deploy_passes_with_a_safe_production_configuration():
    result = _check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("changes", "check_id"),
    [
        ({"SECRET_KEY": DEV_SECRET_KEY}, "educonnect.W001"),
        ({"SECRET_KEY_FALLBACKS": DEV_SECRET_KEY}, "educonnect.W001"),
        ({"EDUCONNECT_ENCRYPTION_KEY": DEV_ENCRYPTION_KEY}, "educonnect.W002"),
        ({"DATABASE_URL": None}, "educonnect.W003"),
        ({"REDIS_URL": None}, "educonnect.W004"),
        ({"REDIS_URL": None, "WEB_CONCURRENCY": "4"}, "educonnect.W004"),
        ({"EDUCONNECT_SITE_URL": None}, "educonnect.W005"),
        ({"EDUCONNECT_SITE_URL": "http://educonnect.example.org"}, "educonnect.W006"),
        ({"EDUCONNECT_TRUSTED_PROXIES": None}, "educonnect.W008"),
    ],
    ids=[
        "dev-secret-key",
        "dev-secret-key-in-fallbacks",
        "dev-encryption-key",
        "no-database-url",
        "no-redis-url-default-two-processes",
        "no-redis-url-four-processes",
        "no-site-url",
        "site-url-not-https",
        "behind-a-proxy-not-listed",
    ],
)
def test_check_deploy_refuses_an_unsafe_configuration(changes, check_id):
    result = _check_deploy(**changes)
    assert result.returncode != 0
    assert check_id in result.stderr, result.stdout + result.stderr
    # Only that problem is reported.
    assert result.stderr.count("educonnect.W") == 1, result.stderr


def test_one_process_may_run_without_redis():
    result = _check_deploy(REDIS_URL=None, WEB_CONCURRENCY="1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_redis_url_shares_the_cache_and_puts_sessions_on_it():
    """With REDIS_URL the brute-force counters live in Redis (shared by every web process) and the
    sessions are read from it (cached_db)."""
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from django.core.cache import cache;"
        "print(settings.CACHES['default']['BACKEND']); print(settings.SESSION_ENGINE);"
        "cache.set('educonnect-test-key', 7, 5); print(cache.get('educonnect-test-key'))"
    )
    result = _run(
        [sys.executable, "-c", code], {"REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "educonnect.settings"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        "7",
    ]


def _is_secure(settings, remote_addr: str) -> bool:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        from django.http import HttpResponse

        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_PROTO="https")
    RequestContextMiddleware(view)(request)
    return seen["secure"]


def test_x_forwarded_proto_is_honoured_only_from_a_trusted_proxy(settings):
    settings.EDUCONNECT_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert _is_secure(settings, "10.0.0.5") is True
    assert _is_secure(settings, "203.0.113.9") is False


def test_the_proxy_ssl_header_is_set_only_with_trusted_proxies():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    base = {**SAFE, "EDUCONNECT_TRUSTED_PROXIES": None, "DJANGO_SETTINGS_MODULE": "educonnect.settings"}
    without = _run([sys.executable, "-c", code], base)
    with_proxies = _run([sys.executable, "-c", code], {**base, "EDUCONNECT_TRUSTED_PROXIES": "10.0.0.0/24"})
    assert without.stdout.strip() == "None", without.stderr
    assert with_proxies.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", with_proxies.stderr


def test_production_serves_hashed_compressed_static_files_cached_a_year():
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.STORAGES['staticfiles']['BACKEND']); print(settings.WHITENOISE_MAX_AGE);"
        "print('whitenoise.middleware.WhiteNoiseMiddleware' in settings.MIDDLEWARE)"
    )
    result = _run([sys.executable, "-c", code], {**SAFE, "DJANGO_SETTINGS_MODULE": "educonnect.settings"})
    assert result.stdout.split() == ["whitenoise.storage.CompressedManifestStaticFilesStorage", "31536000", "True"]
    development = _run([sys.executable, "-c", code], {"DJANGO_SETTINGS_MODULE": "educonnect.settings"})
    assert development.stdout.split()[0] == "django.contrib.staticfiles.storage.StaticFilesStorage"
