"""`/sante/`: is this web process able to serve? For the load balancer and the monitoring.

No authentication and no data: three checks and their state, 200 when all are up, 503 otherwise.
- database: a `SELECT 1` through the default connection;
- cache: a write then a read of a key of this process (Redis when REDIS_URL is set);
- worker: the age of the most recent background worker heartbeat (`manage.py worker`), down when
  older than EDUCONNECT_WORKER_MAX_SILENCE seconds (or no worker ever beat).
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .heartbeat import last_beat

logger = logging.getLogger(__name__)


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def _cache() -> dict:
    key, value = f"educonnect:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    ok = cache.get(key) == value
    cache.delete(key)
    return {"status": "ok" if ok else "down"}


def _worker() -> dict:
    beat = last_beat()
    if beat is None:
        return {"status": "down", "last_heartbeat_age_seconds": None}
    age = max(0.0, (timezone.now() - beat).total_seconds())
    status = "ok" if age <= settings.EDUCONNECT_WORKER_MAX_SILENCE else "down"
    return {"status": status, "last_heartbeat_age_seconds": round(age, 1)}


CHECKS = {"database": _database, "cache": _cache, "worker": _worker}


@never_cache
@require_GET
def sante(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a down dependency is an answer here, not a crash
            logger.warning("health check %s failed: %s", name, exc.__class__.__name__)
            results[name] = {"status": "down"}
    healthy = all(result["status"] == "ok" for result in results.values())
    return JsonResponse({"status": "ok" if healthy else "down", **results}, status=200 if healthy else 503)
