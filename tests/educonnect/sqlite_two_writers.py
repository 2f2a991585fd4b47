"""Run by test_sqlite_concurrency.py in its own process, on a fresh SQLite file (EDUCONNECT_VAR_DIR):
two threads reset the same account's password at the same moment. Prints a JSON summary."""

import json
import threading
import time

import django

django.setup()

from django.db import connection  # noqa: E402

from accounts import resets  # noqa: E402
from tests.factories import AccountFactory, UserFactory  # noqa: E402

account = AccountFactory(informed=True)
actor = UserFactory(username="agent.sqlite")
establishment = account.establishment

# Both threads read the account, then wait, then write: without IMMEDIATE the second writer's
# read snapshot is stale and SQLite answers « database is locked » at once (no busy wait).
real_rule = resets.can_reset_password


def slow_rule(locked_account, **kwargs):
    decision = real_rule(locked_account, **kwargs)
    time.sleep(0.3)
    return decision


resets.can_reset_password = slow_rule
barrier = threading.Barrier(2)
outcomes = []


def reset():
    barrier.wait()
    try:
        resets.account_reset_password(
            actor=actor, establishment=establishment, account=account.__class__.objects.get(pk=account.pk)
        )
        outcomes.append("ok")
    except Exception as exc:
        outcomes.append(f"{exc.__class__.__name__}: {exc}")
    finally:
        connection.close()


threads = [threading.Thread(target=reset) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
account.refresh_from_db()
print(json.dumps({"outcomes": sorted(outcomes), "session_version": account.session_version}))
