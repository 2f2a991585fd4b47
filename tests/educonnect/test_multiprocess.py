"""Several processes share state correctly (issue 16 item 5).

Two gunicorn processes (one per port, as two pools or two machines would be) and two background
workers (`manage.py worker`) run for real on loopback, on the test PostgreSQL database and one Redis
database; the test talks HTTP to both servers in turn. Each scenario would behave differently if a
process kept its own state: brute-force counters, sessions (cached_db), OTP throttling, and
notification jobs picked up by both workers at once.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import requests
from django.core.management import call_command
from django.db import connection
from pypdf import PdfReader

from accounts.enduser.views import signin_limiter
from educonnect.models import AuditAction, AuditEvent, OutgoingMail
from notifications import jobs, services
from notifications.models import Channel, ItemStatus, JobStatus, NotificationJob
from tests.factories import CHOSEN_PASSWORD, DEMO_PASSWORD, AccountFactory, EstablishmentFactory, UserFactory
from tests.otp_helpers import totp_code

ROOT = Path(__file__).resolve().parents[2]
# Processes share the database: PostgreSQL (CI runs the suite on it; SQLite's test database lives in
# the test process's memory).
pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes need PostgreSQL")
REDIS_URL = "redis://127.0.0.1:6379/4"
STARTUP_SECONDS = 60


@pytest.fixture(scope="module")
def live_db(django_db_setup, django_db_blocker):
    """Committed rows the servers can see. Not pytest-django's transactional_db: its flush after
    each test would fight the running workers' locks. The tables are emptied once, after the
    processes stopped (the stack fixture is torn down first)."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        # pytest-django creates the test database only when a collected test has a django_db mark
        # (none here): when this module runs alone, create it the same way.
        own = None
        if connection.creation._get_test_db_name() != connection.settings_dict["NAME"]:
            own = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        try:
            yield
            call_command("flush", interactive=False, verbosity=0)
        finally:
            if own is not None:
                teardown_databases(own, verbosity=0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({process.returncode})")
        try:
            requests.get(url, timeout=10)
            return
        except requests.RequestException:  # not listening yet, or still loading the application
            time.sleep(0.3)
    raise RuntimeError(f"{url}: not up after {STARTUP_SECONDS} s")


@pytest.fixture(scope="module")
def stack(live_db, tmp_path_factory):
    """Two gunicorn processes and two workers on the test database and Redis db 4."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    outbox = tmp_path_factory.mktemp("outbox")
    media = tmp_path_factory.mktemp("media")
    db = connection.settings_dict  # the test database (settings.DATABASES keeps the original name)
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "EDUCONNECT_ENV"}},
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_DEBUG": "0",
        "EDUCONNECT_INTRANET_NETWORKS": "",
        "EDUCONNECT_TRUSTED_PROXIES": "",
        "EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(outbox),
        "MEDIA_ROOT": str(media),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "LOG_LEVEL": "WARNING",
    }
    processes, urls = [], []
    try:
        for _ in range(2):
            port = _free_port()
            env = {**environment, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for n in range(2):
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "manage.py",
                        "worker",
                        "--queue-name",
                        "*",
                        "--interval",
                        "0.2",
                        "--no-startup-delay",
                        "--worker-id",
                        f"test-worker-{n}",
                    ],
                    cwd=ROOT,
                    env=environment,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        for url, process in zip(urls, processes, strict=False):
            _wait_until_up(f"{url}/connexion/", process)
        yield {"urls": urls, "outbox": outbox, "media": media}
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        shutil.rmtree(outbox, ignore_errors=True)


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _post(session, url, data, *, page=None):
    """POST as the browser would: the CSRF token from the form's page (`page`, default `url`)."""
    token = _csrf(session, page or url)
    return session.post(url, data={**data, "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=30)


def _family_sign_in(session, base, identifier, password):
    return _post(session, f"{base}/compte/connexion/", {"identifier": identifier, "password": password})


def test_the_brute_force_counter_is_shared_by_the_processes(stack):
    a, b = stack["urls"]
    account = AccountFactory(activated=True)
    # Five failures in all, spread over the two processes (2 on one, 3 on the other): the sixth
    # attempt, with the right password, is refused — each process alone saw fewer than five.
    for n in range(signin_limiter.username_limit):
        response = _family_sign_in(requests.Session(), (a, b)[n % 2], account.identifier, "mauvais-mot-de-passe")
        assert response.status_code == 200
    refused = _family_sign_in(requests.Session(), a, account.identifier, CHOSEN_PASSWORD)
    assert refused.status_code == 200
    assert "connexion est suspendue" in refused.text
    refused_b = _family_sign_in(requests.Session(), b, account.identifier, CHOSEN_PASSWORD)
    assert refused_b.status_code == 200


def test_a_session_opened_on_one_process_is_served_and_closed_by_the_other(stack):
    a, b = stack["urls"]
    account = AccountFactory(activated=True)
    browser = requests.Session()
    assert _family_sign_in(browser, a, account.identifier, CHOSEN_PASSWORD).status_code == 302
    # Signed in on A, served by B; then A caches the session too (cached_db).
    assert browser.get(f"{b}/compte/", allow_redirects=False, timeout=10).status_code == 200
    assert browser.get(f"{a}/compte/", allow_redirects=False, timeout=10).status_code == 200
    # Signed out on B: A must not serve the session from a cache of its own.
    cookie = browser.cookies.get("sessionid")
    signed_out = _post(browser, f"{b}/compte/deconnexion/", {}, page=f"{b}/compte/")
    assert signed_out.status_code == 302
    stale = requests.Session()
    stale.cookies.update({"sessionid": cookie})
    for base in (a, b):
        response = stale.get(f"{base}/compte/", allow_redirects=False, timeout=10)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/compte/connexion/")


def test_otp_throttling_is_shared_by_the_processes(stack):
    a, b = stack["urls"]
    from delegations.models import Assignment
    from delegations.otp_services import otp_enrol_totp
    from tests.factories import AssignmentFactory

    establishment = EstablishmentFactory(uai="0380999X")
    head = UserFactory(username="principal.multi")
    AssignmentFactory(user=head, establishment=establishment, function=Assignment.Function.DIR, title="Principal")
    secret = otp_enrol_totp(head)
    browser = requests.Session()
    signed = _post(browser, f"{a}/connexion/", {"username": "principal.multi", "password": DEMO_PASSWORD})
    assert signed.status_code == 302
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    # django-otp doubles its delay at each failure (1 s, 2 s, 4 s): three failures, alternately on
    # each process, each after the previous delay ran out — each is counted by the shared device row.
    for n, base in enumerate((a, b, a)):
        failed = _post(browser, f"{base}/otp/", {"token": wrong})
        assert "Code incorrect" in failed.text, n
        if n < 2:
            time.sleep(2**n + 0.2)
    # The right code at once on the other process: still inside the 4 s delay set by the third failure.
    token = _csrf(browser, f"{b}/otp/")
    refused = browser.post(
        f"{b}/otp/", data={"token": totp_code(secret), "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=30
    )
    assert refused.status_code == 200
    assert "Trop d&#x27;essais" in refused.text
    module = browser.get(f"{b}/administration/0380999X/", allow_redirects=False, timeout=10)
    assert module.status_code == 302
    assert "/otp/" in module.headers["Location"]


def _wait_for_job(job: NotificationJob, seconds: float = 120) -> NotificationJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job still {job.status} after {seconds} s")


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SHEET])
def test_a_job_taken_by_both_workers_at_once_notifies_each_account_once(stack, channel, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the workers' queue
    establishment = EstablishmentFactory(uai="0380888A" if channel == Channel.EMAIL else "0380777B")
    head = UserFactory(username=f"principal.jobs.{channel}")
    accounts = [
        AccountFactory(student__establishment=establishment, email=f"famille{n}@example.org") for n in range(60)
    ]
    job = jobs.job_create(
        actor=head, establishment=establishment, account_ids=[a.pk for a in accounts], channel=channel, with_reset=False
    )
    services.enqueue(job)
    services.enqueue(job)  # a second task for the same job (a resumed job): both workers run it at once
    job = _wait_for_job(job)
    assert job.status == JobStatus.DONE
    assert job.processed == job.total == 60
    assert job.items.filter(status=ItemStatus.DONE).count() == 60
    notified = AuditEvent.objects.filter(action=AuditAction.ACCOUNT_NOTIFIED, establishment=establishment)
    assert notified.count() == 60
    assert sorted(notified.values_list("target_id", flat=True)) == sorted(str(a.pk) for a in accounts)
    if channel == Channel.EMAIL:
        deadline = time.monotonic() + 60  # the mails leave the outbox through their own tasks
        while OutgoingMail.objects.exclude(status="sent").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        recipients = []
        for message in Path(stack["outbox"]).iterdir():
            recipients += re.findall(r"^To: (famille\d+@example\.org)$", message.read_text(), flags=re.M)
        assert sorted(recipients) == sorted(a.email for a in accounts)  # each once
    else:
        reader = PdfReader(Path(stack["media"]) / job.pdf_path)  # one whole file, not two interleaved
        text = "".join(page.extract_text() for page in reader.pages)
        assert sorted(set(re.findall(r"compte\.test\d+", text))) == sorted(a.identifier for a in accounts)


def test_the_processes_share_one_database_and_one_redis(stack):
    """What the scenarios above stand on: both servers answer /sante/ 200 (the workers beat)."""
    assert connection.vendor == "postgresql"
    for base in stack["urls"]:
        response = requests.get(f"{base}/sante/", timeout=10)
        assert response.status_code == 200, response.text
