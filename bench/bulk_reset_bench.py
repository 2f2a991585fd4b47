"""Benchmark: resetting 1,000 provisional passwords at once (service, and the whole HTTP POST).
Not a test."""

import datetime
import os
import statistics
import sys
import time

from depannage_common import build_establishment, head_of, start

ACCOUNTS, RUNS = int(sys.argv[1]), int(sys.argv[2])
stop = start("bench_depannage_reset")

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Account, AccountState  # noqa: E402
from accounts.resets import accounts_reset_passwords  # noqa: E402
from educonnect.models import AuditAction, AuditEvent  # noqa: E402


def main():
    establishment = build_establishment(uai="0380111P", students=2500, informed_share=1.0)
    head = head_of(establishment, "bench.head")
    print(
        f"Bulk reset benchmark — PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPU, "
        f"load average {os.getloadavg()[0]:.1f}, {datetime.date.today()}"
    )
    resettable = Account.objects.filter(establishment=establishment).exclude(state=AccountState.NOT_INFORMED)
    ids = list(resettable.order_by("pk").values_list("pk", flat=True)[:ACCOUNTS])
    assert len(ids) == ACCOUNTS, f"only {len(ids)} resettable accounts"

    service = []
    for _ in range(RUNS):
        accounts = list(Account.objects.filter(pk__in=ids).select_related("student__division", "student__mef"))
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            results = accounts_reset_passwords(actor=head, establishment=establishment, accounts=accounts)
        service.append(time.perf_counter() - t)
        assert len(results) == ACCOUNTS
    print(
        f"service accounts_reset_passwords, {ACCOUNTS} accounts: median {statistics.median(service):.3f} s "
        f"(min {min(service):.3f}, max {max(service):.3f}) over {RUNS} runs, {len(queries)} queries"
    )

    # The whole POST of « Réinitialiser les mots de passe » → Confirmer, on a selection of ACCOUNTS ids
    # (packed in one field, as the confirmation step sends them).
    client = Client()
    client.force_login(head)
    url = f"/depannage/{establishment.uai}/eleves/reinitialiser/"
    http = []
    with override_settings(DEBUG=False):
        for _ in range(RUNS):
            t = time.perf_counter()
            response = client.post(url, {"selection_ids": ",".join(map(str, ids)), "confirm": "1"})
            http.append(time.perf_counter() - t)
            assert response.status_code == 200, response.status_code
    print(
        f"POST confirm (selection resolved, resets, result page of {ACCOUNTS} passwords): median "
        f"{statistics.median(http):.3f} s (min {min(http):.3f}, max {max(http):.3f}), {len(response.content) // 1024} KiB"
    )
    events = AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).count()
    print(f"audit events written: {events} (= {2 * RUNS} × {ACCOUNTS})")

    t = time.perf_counter()
    for _ in range(5):
        make_password("Un-mot-de-passe-choisi")
    argon = (time.perf_counter() - t) / 5
    print(
        f"for comparison, one Argon2 hash takes {argon * 1000:.0f} ms here: {ACCOUNTS} of them would take "
        f"{argon * ACCOUNTS:.0f} s"
    )
    ok = statistics.median(service) <= 2 and statistics.median(http) <= 2
    print("target (≤ 2 s for 1,000 accounts, service and whole POST):", "met" if ok else "NOT met")


try:
    main()
finally:
    stop()
