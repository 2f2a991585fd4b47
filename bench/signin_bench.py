"""bench/signin: family sign-in throughput per core, and sessions on db vs cached_db (see bench/signin)."""

import datetime
import logging
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "educonnect.settings")
import django  # noqa: E402
from measure import backend_cpu_ms  # noqa: E402

django.setup()
logging.disable(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SIGN_INS, SESSION_LOADS = int(sys.argv[1]), int(sys.argv[2])
connection.settings_dict.setdefault("TEST", {})["NAME"] = "bench_signin"
setup_test_environment()
settings.ALLOWED_HOSTS = ["testserver"]
old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
request_started.disconnect(close_old_connections)
request_started.disconnect(reset_queries)
request_finished.disconnect(close_old_connections)


def measure(label: str, function, runs: int) -> float:
    """Median wall and CPU (this process + its PostgreSQL backend) per call, in ms."""
    function()  # warm-up
    walls, cpus = [], []
    backend = backend_cpu_ms()
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    pg = (backend_cpu_ms() - backend) / runs
    work = statistics.median(cpus) + pg
    print(
        f"{label:52s} median wall {statistics.median(walls):8.3f} ms   CPU {statistics.median(cpus):8.3f} ms"
        f" + PostgreSQL {pg:6.3f} ms = {work:8.3f} ms"
    )
    return work


try:
    from accounts.enduser.credentials import _dummy_hash
    from tests.factories import CHOSEN_PASSWORD, AccountFactory

    print(
        f"Sign-in benchmark — PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPU, "
        f"load average {os.getloadavg()[0]:.1f}, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; "
        f"{SIGN_INS} sign-ins, {SESSION_LOADS} session loads"
    )
    print("\n1. One Argon2 verification (the hash of a chosen password)")
    django_default = Argon2PasswordHasher()
    old = django_default.encode(CHOSEN_PASSWORD, django_default.salt())
    new = make_password(CHOSEN_PASSWORD)
    print(f"   Django's defaults: {old.split('$')[3]}   ours: {new.split('$')[3]}")
    cost_old = measure("   Django's default parameters", lambda: check_password(CHOSEN_PASSWORD, old), 10)
    cost_new = measure("   OWASP parameters (educonnect.hashers)", lambda: check_password(CHOSEN_PASSWORD, new), 30)
    print(f"   ratio: {cost_old / cost_new:.1f}× less CPU per hash")

    print("\n2. A whole family sign-in (POST /compte/connexion/, chosen password → 302), one process")
    accounts = [AccountFactory(activated=True, identifier=f"bench.famille{n}") for n in range(SIGN_INS + 1)]
    _dummy_hash()
    login = "/compte/connexion/"
    turn = iter(range(10**9))

    def sign_in():
        account = accounts[next(turn) % len(accounts)]
        cache.clear()  # no brute-force counter in the way
        response = Client().post(login, {"identifier": account.identifier, "password": CHOSEN_PASSWORD})
        assert response.status_code == 302, response.status_code

    def wrong_password():
        account = accounts[next(turn) % len(accounts)]
        cache.clear()
        response = Client().post(login, {"identifier": account.identifier, "password": "Mauvais-mot-de-passe-26"})
        assert response.status_code == 200

    def unknown():
        cache.clear()
        response = Client().post(login, {"identifier": f"inconnu.{next(turn)}", "password": CHOSEN_PASSWORD})
        assert response.status_code == 200

    success = measure("   successful sign-in", sign_in, SIGN_INS)
    failed = measure("   wrong password", wrong_password, SIGN_INS)
    missing = measure("   unknown identifier", unknown, SIGN_INS)
    print(f"   → {1000 / success:.0f} successful sign-ins per second per core (target ≥ 15)")
    print(f"   failed / successful CPU: {failed / success:.2f}; unknown / successful: {missing / success:.2f}")

    print("\n3. Sessions: a signed-in family page (GET /compte/) and a bare session load")
    from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
    from django.contrib.sessions.backends.db import SessionStore as DbStore

    results = {}
    for engine, store in (
        ("django.contrib.sessions.backends.db", DbStore),
        ("django.contrib.sessions.backends.cached_db", CachedDbStore),
    ):
        settings.SESSION_ENGINE = engine
        client = Client()
        assert (
            client.post(login, {"identifier": accounts[0].identifier, "password": CHOSEN_PASSWORD}).status_code == 302
        )
        key = client.cookies[settings.SESSION_COOKIE_NAME].value

        def page(client=client):
            assert client.get("/compte/").status_code == 200

        def load(store=store, key=key):
            store(session_key=key).load()

        name = engine.rsplit(".", 1)[1]
        page_ms = measure(f"   {name:9s} GET /compte/ (signed in)", page, 200)
        load_ms = measure(f"   {name:9s} session load", load, SESSION_LOADS)
        results[name] = (page_ms, load_ms)
    print(
        f"   cached_db vs db: page CPU {results['cached_db'][0] / results['db'][0]:.2f}×, "
        f"session load {results['cached_db'][1] / results['db'][1]:.2f}× (cache: {settings.CACHES['default']['BACKEND']})"
    )
finally:
    connection.creation.destroy_test_db(old_name, verbosity=0)
