"""/sante/, the worker heartbeat, JSON log lines with the request context, Fernet key rotation."""

import datetime
import io
import json
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.core.management import call_command
from django.tasks import task
from django.utils import timezone

from educonnect import crypto, health
from educonnect.management.commands.rotate_encryption_key import encrypted_fields
from educonnect.models import WorkerHeartbeat
from educonnect.observability import JsonFormatter
from notifications.models import NotificationJobItem
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _beat(seconds_ago: float) -> None:
    moment = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(worker_id=f"w{seconds_ago}", started_at=moment, last_beat_at=moment)


def test_sante_answers_200_when_database_cache_and_a_recent_worker_are_up(client):
    _beat(600)
    _beat(5)
    response = client.get("/sante/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"status": "ok"}
    assert body["cache"] == {"status": "ok"}
    assert body["worker"]["status"] == "ok"
    assert 4 <= body["worker"]["last_heartbeat_age_seconds"] < 60
    assert set(body) == {"status", "database", "cache", "worker"}  # nothing else: no data
    assert "no-cache" in response["Cache-Control"]


def test_sante_needs_no_sign_in_and_says_nothing_about_users(client):
    _beat(1)
    AccountFactory()
    response = client.get("/sante/")
    assert response.status_code == 200
    assert "compte" not in response.text.lower()


def test_sante_answers_503_when_no_worker_ever_beat(client):
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["worker"] == {"status": "down", "last_heartbeat_age_seconds": None}


def test_sante_answers_503_when_the_last_heartbeat_is_too_old(client, settings):
    settings.EDUCONNECT_WORKER_MAX_SILENCE = 120
    _beat(121)
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["worker"]["status"] == "down"
    assert response.json()["database"]["status"] == "ok"


def test_sante_answers_503_when_the_cache_is_down(client, monkeypatch):
    _beat(1)

    def refused(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(cache, "set", refused)
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["cache"] == {"status": "down"}
    assert response.json()["worker"]["status"] == "ok"


def test_sante_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import OperationalError

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", unreachable)
    _beat(1)
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["database"] == {"status": "down"}


@task
def noop_task() -> int:
    return 1


# Transactional: the worker's loop closes a connection left in a transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_beats_at_start_and_after_each_task(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the worker's queue
    noop_task.enqueue()
    call_command("worker", batch=True, startup_delay=False, verbosity=0, worker_id="worker-test-1")
    row = WorkerHeartbeat.objects.get(worker_id="worker-test-1")
    assert row.tasks_run == 1
    assert row.last_beat_at >= row.started_at
    assert timezone.now() - row.last_beat_at < datetime.timedelta(seconds=30)


def test_access_lines_carry_request_id_user_establishment_duration_and_status(client, caplog, head):
    client.force_login(head)
    with caplog.at_level(logging.INFO, logger="educonnect.access"):
        response = client.get("/administration/0380111P/", HTTP_X_REQUEST_ID="from-a-client-12345")
    record = next(r for r in caplog.records if r.name == "educonnect.access")
    # A client's X-Request-ID is not trusted (no trusted proxy): a new id is made.
    assert record.request_id != "from-a-client-12345"
    assert response["X-Request-ID"] == record.request_id
    assert record.user_id == head.pk
    assert record.establishment == "0380111P"
    assert record.status == response.status_code
    assert record.route == "/administration/<str:uai>/"
    assert record.duration_ms > 0
    line = json.loads(JsonFormatter().format(record))
    assert {"time", "level", "logger", "message", "request_id", "user_id", "establishment", "duration_ms"} <= set(line)
    assert line["status"] == response.status_code


def test_a_trusted_proxy_request_id_is_kept(client, settings, caplog):
    settings.EDUCONNECT_TRUSTED_PROXIES = ["10.0.0.0/24"]
    with caplog.at_level(logging.INFO, logger="educonnect.access"):
        response = client.get("/connexion/", REMOTE_ADDR="10.0.0.2", HTTP_X_REQUEST_ID="proxy-req-0001")
    assert response["X-Request-ID"] == "proxy-req-0001"
    assert next(r for r in caplog.records if r.name == "educonnect.access").request_id == "proxy-req-0001"


def test_access_lines_never_show_a_token_of_the_path(client, caplog):
    with caplog.at_level(logging.INFO, logger="educonnect.access"):
        client.get("/compte/activer/un-jeton-secret-de-lien/")
    record = next(r for r in caplog.records if r.name == "educonnect.access")
    assert "un-jeton-secret" not in record.getMessage()
    assert "un-jeton-secret" not in JsonFormatter().format(record)


def test_log_lines_written_during_a_request_carry_its_id(client, settings):
    """The filter of the console handler adds the request context to every record of the request."""
    from educonnect.observability import RequestContextFilter

    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record)

    handler = Keep()
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("educonnect.access")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        response = client.get("/connexion/")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert seen and seen[0].request_id == response["X-Request-ID"]


def test_fernet_key_rotation_re_encrypts_every_stored_value(settings):
    old, new = settings.EDUCONNECT_ENCRYPTION_KEY, Fernet.generate_key().decode()
    account = AccountFactory(informed=True)
    before = crypto.decrypt(account.provisional_password_encrypted)

    settings.EDUCONNECT_ENCRYPTION_KEY, settings.EDUCONNECT_ENCRYPTION_KEY_FALLBACKS = new, [old]
    assert crypto.decrypt(account.provisional_password_encrypted) == before  # the old key still decrypts
    out = io.StringIO()
    call_command("rotate_encryption_key", stdout=out)
    assert "1 valeur(s) re-chiffrée(s)" in out.getvalue()

    settings.EDUCONNECT_ENCRYPTION_KEY_FALLBACKS = []
    account.refresh_from_db()
    assert crypto.decrypt(account.provisional_password_encrypted) == before
    fields = {(model._meta.label, name) for model, name in encrypted_fields()}
    assert fields == {
        ("accounts.Account", "provisional_password_encrypted"),
        (NotificationJobItem._meta.label, "password_encrypted"),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the thread reads committed rows
def test_the_heartbeat_thread_keeps_beating_while_the_worker_lives():
    from educonnect.heartbeat import BeatingThread, beat

    beat("worker-thread", started=True)
    first = WorkerHeartbeat.objects.get(worker_id="worker-thread").last_beat_at
    thread = BeatingThread("worker-thread", interval=0.05)
    thread.start()
    try:
        deadline = timezone.now() + datetime.timedelta(seconds=10)
        while WorkerHeartbeat.objects.get(worker_id="worker-thread").last_beat_at == first:
            assert timezone.now() < deadline, "no beat from the thread"
    finally:
        thread.stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_a_pruned_heartbeat_row_is_written_again():
    from educonnect.heartbeat import beat

    beat("worker-pruned")  # no row: the worker's row was deleted while it ran
    assert WorkerHeartbeat.objects.filter(worker_id="worker-pruned").exists()
