"""Benchmark: « Sélectionner tout » of the account lists — the ids of every row of a search with
their accounts (`accounts.lists.search_ids`), for the troubleshooting Élèves list and the
administration Élèves and Représentants légaux lists, over a whole 2,500-student establishment and
over one class. Prints the median server time, the queries and the size of the answer; every search
must give rows (asserted). Not a test."""

import datetime
import os
import sys

from depannage_common import build_establishment, head_of, start  # noqa: F401  (sets sys.path)

STUDENTS, ITERATIONS = int(sys.argv[1]), int(sys.argv[2])
stop = start("bench_select_all")

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.measure import load, median_ms  # noqa: E402


def main():
    establishment = build_establishment(uai="0380111P", students=STUDENTS, representatives=True)
    build_establishment(uai="0450750W", students=600, seed=600, representatives=True)  # noise next door
    head = head_of(establishment, "bench.head")
    client = Client()
    client.force_login(head)
    division = establishment.divisions.order_by("code").first()
    print(
        f"« Sélectionner tout » benchmark — PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPU, "
        f"{load()}, {datetime.datetime.now():%Y-%m-%d %H:%M}; {STUDENTS} + 600 students, {ITERATIONS} requests each"
    )
    cases = {
        "Dépannage Élèves": f"/depannage/{establishment.uai}/eleves/selection/",
        "Administration Élèves": f"/administration/{establishment.uai}/eleves/selection/",
        "Représentants légaux": f"/administration/{establishment.uai}/responsables/selection/",
    }
    with override_settings(DEBUG=False, EDUCONNECT_INTRANET_NETWORKS=["127.0.0.0/8"]):
        for search, params in [("whole establishment", {}), (f"class {division.code}", {"division": division.pk})]:
            print(f"\n{search}:")
            for label, url in cases.items():
                response = client.get(url, params)
                assert response.status_code == 200, (label, response.status_code)
                pairs = response.json()["rows"]
                assert pairs, f"{label}: {search} gives no row"
                with CaptureQueriesContext(connection) as queries:
                    client.get(url, params)
                median = median_ms(lambda url=url, params=params: client.get(url, params), ITERATIONS)
                accounts = len({account for _row, account in pairs})
                print(
                    f"  {label:24s} median {median:6.1f} ms   {len(queries):d} queries   {len(pairs):5d} rows, "
                    f"{accounts:5d} accounts   {len(response.content) / 1024:6.1f} KiB"
                )


try:
    main()
finally:
    stop()
