"""Settings, all from environment variables with safe development defaults.

EDUCONNECT_ENV=production turns on the production settings: SECRET_KEY and EDUCONNECT_ENCRYPTION_KEY
must be given, cookies are secure, DEBUG is off, static files are hashed and compressed, logs are JSON
lines. `manage.py check --deploy` (educonnect/checks.py) refuses the rest of an unsafe configuration:
development keys, no DATABASE_URL, no REDIS_URL with several processes, no EDUCONNECT_SITE_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from oidc import keys as oidc_keys  # the identity provider's signing keys (no Django import)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("EDUCONNECT_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env("EDUCONNECT_ENV", "development") == "production"


def required(name: str, dev_default: str) -> str:
    value = env(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when EDUCONNECT_ENV=production")
    return dev_default


DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = required("SECRET_KEY", "dev-only-insecure-secret-key-change-me-in-production-0123456789")
# Rotation (docs/operations.md): the previous key goes here for as long as its sessions and signed
# links (activation: 7 days) should stay valid.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
# Fernet key (urlsafe base64, 32 bytes) encrypting provisional passwords at rest.
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`
EDUCONNECT_ENCRYPTION_KEY = required("EDUCONNECT_ENCRYPTION_KEY", "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE=")
# Rotation: previous keys still decrypt; `manage.py rotate_encryption_key` re-encrypts with the new one.
EDUCONNECT_ENCRYPTION_KEY_FALLBACKS = env_list("EDUCONNECT_ENCRYPTION_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "dsfr",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "educonnect",
    "delegations",
    "accounts",
    "notifications",
    "stats",
    "oauth2_provider",
    "oidc",
]

MIDDLEWARE = [
    # First: X-Forwarded-Proto is dropped unless it comes from a trusted proxy; request id and JSON
    # access log line (educonnect/observability.py).
    "educonnect.observability.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "oidc.middleware.ServicesInFormActionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "educonnect.middleware.HtmxSessionExpiredMiddleware",
]
CSRF_FAILURE_VIEW = "educonnect.views.csrf_failure"

ROOT_URLCONF = "educonnect.urls"
WSGI_APPLICATION = "educonnect.wsgi.application"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The embedded database (demo, tests): writers take the write lock at BEGIN (IMMEDIATE) and wait
    # up to 20 s for it, so two concurrent writers queue instead of failing with « database is locked ».
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "delegations.User"

# Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane: educonnect/hashers.py).
PASSWORD_HASHERS = [
    "educonnect.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sign in with Django's ModelBackend; their rights are read by delegations.permissions.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "/connexion/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Static files are served by WhiteNoise. In production they are collected (`collectstatic`, part of
# the start: bin/serve, deploy/systemd) with hashed names, gzip and brotli copies, and served with
# a one-year immutable cache. The demo and the tests keep the plain storage (no manifest needed).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION or env_bool("EDUCONNECT_MANIFEST_STATIC")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Hashed names never change content: cached a year, and WhiteNoise marks them immutable.
WHITENOISE_MAX_AGE = 365 * 24 * 3600 if PRODUCTION else 0
if PRODUCTION or STATIC_ROOT.is_dir():
    # Out of production (a non-production gunicorn after collectstatic), files are also found in
    # the apps; the demo's runserver serves them itself and the tests need none.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
    WHITENOISE_USE_FINDERS = not PRODUCTION

# Sessions: staff sessions expire after 8 hours of work, and on browser close.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # HSTS preload is the domain owner's decision (it binds every subdomain for years).
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# E-mail (Django 6.1 MAILERS): console in development, SMTP in production.
# EMAIL_BACKEND=smtp|console|file|locmem picks the backend; EMAIL_HOST etc. configure SMTP.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_email_kind = env("EMAIL_BACKEND", "smtp" if PRODUCTION else "console")
if _email_kind == "smtp":
    _email_options = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": int(env("EMAIL_PORT", "25")),
        "username": env("EMAIL_HOST_USER", ""),
        "password": env("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "use_ssl": env_bool("EMAIL_USE_SSL"),
        "timeout": 30,
    }
elif _email_kind == "file":
    _email_options = {"file_path": env("EMAIL_FILE_PATH", str(VAR_DIR / "outbox"))}
else:
    _email_options = {}
MAILERS = {"default": {"BACKEND": _EMAIL_BACKENDS.get(_email_kind, _email_kind), "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ÉduConnect <ne-pas-repondre@educonnect.invalid>")

# Background tasks (Django's tasks framework, database backend; `manage.py db_worker` runs them).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}
    # Sessions are read from Redis and written through to the database (a Redis restart signs
    # nobody out); measured in docs/performance.md.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Web processes serving at once (gunicorn reads WEB_CONCURRENCY; deploy/gunicorn.conf.py). Above
# one, the brute-force counters and the sessions' cache must be shared: REDIS_URL (checks.py).
WEB_CONCURRENCY = int(env("WEB_CONCURRENCY", "2" if PRODUCTION else "1"))

# Intranet: clients from these networks need no second factor for administration and DELEG-CE.
EDUCONNECT_INTRANET_NETWORKS = env_list("EDUCONNECT_INTRANET_NETWORKS")
# X-Forwarded-For, X-Forwarded-Proto and X-Request-ID are read only when the direct peer is one of
# these proxies (educonnect/network.py, educonnect/observability.py).
EDUCONNECT_TRUSTED_PROXIES = env_list("EDUCONNECT_TRUSTED_PROXIES")
if EDUCONNECT_TRUSTED_PROXIES:
    # Honoured only from a trusted proxy: RequestContextMiddleware drops the header from anyone else.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Base URL of the site, used in e-mails (activation links). Required in production (checks.py).
EDUCONNECT_SITE_URL_DEFAULT = "http://127.0.0.1:8000"
EDUCONNECT_SITE_URL = env("EDUCONNECT_SITE_URL", EDUCONNECT_SITE_URL_DEFAULT)
# Provisional passwords live 3 months.
EDUCONNECT_PROVISIONAL_PASSWORD_DAYS = int(env("EDUCONNECT_PROVISIONAL_PASSWORD_DAYS", "92"))
# SIECLE import: biggest accepted (uncompressed) file.
EDUCONNECT_SIECLE_MAX_BYTES = int(env("EDUCONNECT_SIECLE_MAX_BYTES", str(200 * 1024 * 1024)))
# Safety guards (refused unless --force): the share of active pupils an import may mark as left,
# and how many days apart the export dates of the files of one import may be.
EDUCONNECT_SIECLE_MAX_LEFT_SHARE = float(env("EDUCONNECT_SIECLE_MAX_LEFT_SHARE", "0.20"))
EDUCONNECT_SIECLE_MAX_EXPORT_SPREAD_DAYS = int(env("EDUCONNECT_SIECLE_MAX_EXPORT_SPREAD_DAYS", "3"))
# Notifications: above this many accounts, a (re)notification runs as a background job.
EDUCONNECT_NOTIFY_SYNC_MAX = int(env("EDUCONNECT_NOTIFY_SYNC_MAX", "40"))
# Accounts processed per transaction by a notification job.
EDUCONNECT_NOTIFY_CHUNK = int(env("EDUCONNECT_NOTIFY_CHUNK", "100"))
# Letters PDFs hold provisional passwords: deleted after this delay (`manage.py purge_letters`).
EDUCONNECT_LETTER_RETENTION_HOURS = float(env("EDUCONNECT_LETTER_RETENTION_HOURS", "24"))
# Paramètres: schemes accepted for the internet addresses, and whether « Vérifier » fetches them.
EDUCONNECT_PARAMETERS_URL_SCHEMES = env_list("EDUCONNECT_PARAMETERS_URL_SCHEMES", "https")
EDUCONNECT_PARAMETERS_CHECK_REACHABLE = env_bool("EDUCONNECT_PARAMETERS_CHECK_REACHABLE", True)
EDUCONNECT_PARAMETERS_CHECK_TIMEOUT = float(env("EDUCONNECT_PARAMETERS_CHECK_TIMEOUT", "5"))
# « Vérifier » reaches public addresses only (educonnect.safefetch); networks listed here are reachable
# too (e.g. an ENT inside the académie network). Empty by default.
EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS = env_list("EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS")

# Worker heartbeat (educonnect/health.py): /sante/ answers 503 when no worker beat for this long.
EDUCONNECT_WORKER_HEARTBEAT_SECONDS = float(env("EDUCONNECT_WORKER_HEARTBEAT_SECONDS", "30"))
EDUCONNECT_WORKER_MAX_SILENCE = float(env("EDUCONNECT_WORKER_MAX_SILENCE", "120"))

# Logs go to stderr: JSON lines in production (one object per line, with the request id, user,
# establishment, duration and status of the request that wrote it), plain text otherwise.
# LOG_FORMAT=json|plain overrides.
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "plain")
# OpenID Connect provider for school services (oidc app, docs/oidc.md). Family accounts are the
# resource owners: DOT's models are swapped for oidc's, whose `user` is an Account.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oidc.Service"
OAUTH2_PROVIDER_GRANT_MODEL = "oidc.Grant"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oidc.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oidc.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oidc.IDToken"
_oidc_key = oidc_keys.active_key(os.environ, var_dir=VAR_DIR, production=PRODUCTION)
if PRODUCTION and not _oidc_key:
    raise ImproperlyConfigured("EDUCONNECT_OIDC_PRIVATE_KEY_FILE must be set when EDUCONNECT_ENV=production")


def _oidc_pkce_required(client_id: str) -> bool:
    from oidc.validator import pkce_required  # PKCE is required of public clients

    return pkce_required(client_id)


EDUCONNECT_OIDC_SUBJECT_SALT = required("EDUCONNECT_OIDC_SUBJECT_SALT", "dev-only-oidc-subject-salt")
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_key,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": oidc_keys.previous_keys(os.environ),
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_ISS_ENDPOINT": EDUCONNECT_SITE_URL.rstrip("/") if PRODUCTION else "",
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OAUTH2_VALIDATOR_CLASS": "oidc.validator.FamilyValidator",
    "SCOPES_BACKEND_CLASS": "oidc.validator.ServiceScopes",
    "SCOPES": {"openid": "OpenID Connect", "profile": "Identité", "educonnect": "Profil ÉduConnect"},
    "PKCE_REQUIRED": _oidc_pkce_required,
    "CLIENT_SECRET_HASHER": "oidc_client_secret_sha256",
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["https", "http"],
    **{
        f"COMPLIANT_BCP_RFC9700_{gate}": True
        for gate in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": PRODUCTION,
}
PASSWORD_HASHERS = [*PASSWORD_HASHERS, "oidc.hashers.ClientSecretHasher"]
# The « ENT de démonstration » (demo_ent, a relying party on mozilla-django-oidc) runs at /ent-demo/.
EDUCONNECT_DEMO_ENT = env_bool("EDUCONNECT_DEMO_ENT", default=not PRODUCTION)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "educonnect.observability.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "educonnect.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One access line per request (educonnect.observability) where it is the log: in JSON. The
        # demo's runserver writes its own.
        "educonnect.access": {"level": env("LOG_ACCESS_LEVEL", "INFO" if LOG_FORMAT == "json" else "WARNING")},
    },
}
