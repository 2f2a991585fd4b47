"""Request context for the logs: request id, access line, JSON lines.

`RequestContextMiddleware` (first in MIDDLEWARE):
- drops `X-Forwarded-Proto` unless the direct peer is a trusted proxy (EDUCONNECT_TRUSTED_PROXIES),
  so SECURE_PROXY_SSL_HEADER is only honoured from a proxy we run;
- gives each request an id (the proxy's `X-Request-ID` when a trusted proxy sent a sane one, else a
  new one), returned in the `X-Request-ID` response header;
- writes one access line per request on the `educonnect.access` logger: method, route (the URL
  pattern, never the raw path of a resolved URL: activation and reset links carry tokens), status,
  duration, staff user id or family account id, establishment (the `uai` of the URL).

`RequestContextFilter` adds the request id, user and establishment to every log record written
while the request runs (views, services, Django), and `JsonFormatter` writes records as one JSON
object per line (LOG_FORMAT=json, the production default).
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.utils.functional import empty

from .network import is_from_trusted_proxy

access_logger = logging.getLogger("educonnect.access")
_current_request = contextvars.ContextVar("educonnect_request", default=None)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_context(request) -> dict:
    """What the logs say about a request: its id, who, which establishment."""
    context = {"request_id": getattr(request, "request_id", None)}
    user = getattr(request, "user", None)
    # Only a user already loaded by the view: logging must not run a query of its own.
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is not empty and wrapped is not None and getattr(wrapped, "is_authenticated", False):
        context["user_id"] = wrapped.pk
    enduser = getattr(request, "enduser", None)
    if enduser is not None:
        context["account_id"] = enduser.pk
    match = getattr(request, "resolver_match", None)
    if match is not None and match.kwargs.get("uai"):
        context["establishment"] = str(match.kwargs["uai"])[:16]
    return {k: v for k, v in context.items() if v is not None}


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trusted = is_from_trusted_proxy(request)
        if not trusted:
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = given if trusted and _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = _current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response.headers["X-Request-ID"] = request.request_id
            match = getattr(request, "resolver_match", None)
            access_logger.info(
                "%s %s %s",
                request.method,
                request.path if match is None else f"/{match.route}",
                response.status_code,
                extra={
                    **request_context(request),
                    "method": request.method,
                    "route": request.path[:200] if match is None else f"/{match.route}",
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _current_request.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds the current request's context (if any) to each record."""

    def filter(self, record):
        request = _current_request.get()
        if request is not None:
            for key, value in request_context(request).items():
                if not hasattr(record, key):
                    setattr(record, key, value)
        return True


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the record's extra fields."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) or value is None else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
