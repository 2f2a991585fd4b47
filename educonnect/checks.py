"""Deployment checks: `manage.py check --deploy` refuses an unsafe production configuration.

Each problem is a Warning tagged `security` and registered for `--deploy` only (apps.py), so the demo and the
tests (SQLite, development keys, one process) keep running, while the production start
(`bin/serve`, deploy/systemd/educonnect-web@.service: `check --deploy --fail-level WARNING`)
stops on any of them.
"""

from django.conf import settings
from django.core.checks import Warning

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE="


def production_configuration(app_configs, **kwargs):
    problems = []
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if DEV_SECRET_KEY in keys:
        problems.append(
            Warning(
                "SECRET_KEY (or one of SECRET_KEY_FALLBACKS) is the development key.",
                hint="Generate one: python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                id="educonnect.W001",
            )
        )
    encryption_keys = [settings.EDUCONNECT_ENCRYPTION_KEY, *settings.EDUCONNECT_ENCRYPTION_KEY_FALLBACKS]
    if DEV_ENCRYPTION_KEY in encryption_keys:
        problems.append(
            Warning(
                "EDUCONNECT_ENCRYPTION_KEY (or one of its fallbacks) is the development key.",
                hint="python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'",
                id="educonnect.W002",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append(
            Warning(
                "The database is not PostgreSQL: DATABASE_URL is missing or names another engine.",
                hint="SQLite serves the demo only. Set DATABASE_URL=postgres://user:password@host:5432/educonnect.",
                id="educonnect.W003",
            )
        )
    if settings.WEB_CONCURRENCY > 1 and "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        problems.append(
            Warning(
                "Several web processes serve (WEB_CONCURRENCY > 1) without a shared cache: each process "
                "would keep its own brute-force counters.",
                hint="Set REDIS_URL=redis://host:6379/0 (or WEB_CONCURRENCY=1 for a single process).",
                id="educonnect.W004",
            )
        )
    if settings.EDUCONNECT_SITE_URL == settings.EDUCONNECT_SITE_URL_DEFAULT or not settings.EDUCONNECT_SITE_URL:
        problems.append(
            Warning(
                "EDUCONNECT_SITE_URL is not set: e-mailed links would point at 127.0.0.1.",
                hint="Set EDUCONNECT_SITE_URL=https://educonnect.example.org (the public address).",
                id="educonnect.W005",
            )
        )
    elif not settings.EDUCONNECT_SITE_URL.startswith("https://"):
        problems.append(
            Warning(
                "EDUCONNECT_SITE_URL is not an https:// address.",
                id="educonnect.W006",
            )
        )
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.EDUCONNECT_TRUSTED_PROXIES:
        problems.append(
            Warning(
                "SECURE_PROXY_SSL_HEADER is set but EDUCONNECT_TRUSTED_PROXIES is empty: any client could "
                "claim an https connection.",
                hint="List the reverse proxies' addresses in EDUCONNECT_TRUSTED_PROXIES.",
                id="educonnect.W007",
            )
        )
    if settings.SECURE_SSL_REDIRECT and not settings.EDUCONNECT_TRUSTED_PROXIES:
        problems.append(
            Warning(
                "SECURE_SSL_REDIRECT is on but EDUCONNECT_TRUSTED_PROXIES is empty: behind the TLS reverse "
                "proxy every request would look like plain http (redirect loop), and every client would "
                "share the proxy's address in the brute-force counters.",
                hint="List the reverse proxies (e.g. 127.0.0.1/32,::1/128 for nginx on the same machine).",
                id="educonnect.W008",
            )
        )
    return problems
