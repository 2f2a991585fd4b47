"""Benchmark of « Lister les comptes » as PDF for a whole lycée (issue 14 item 10). Not a test: prints
figures and asserts that every listed account's identifier is in the PDF's text.

The parent builds the establishment (or reuses it, BENCH_KEEP=1); each list is then POSTed in a child
process of its own — a fresh Python with Django loaded, as a web worker — so that the peak RSS printed
is the request's, not the data builder's. Cases: the Élèves list (« Sélectionner tout »: 2,500 rows),
2,500 rows of the Représentants légaux list (ticked, packed as the list's next steps send them), and
that whole list (« Sélectionner tout »: one or two representatives a student). The CPU figures (this
process + its PostgreSQL backend) are what a quiet machine would take.
"""

import datetime
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

from depannage_common import ROOT, build_establishment, head_of, start  # noqa: F401  (sets sys.path)
from measure import load

UAI = "0380111P"
HEAD = "bench.head"
OUT = ROOT / "var" / "bench"
TARGET_S, TARGET_MB = 3.0, 200


def child(case: str, db_name: str, runs: int, out: str) -> None:
    """POST the selection of `case` + PDF to its administration list, `runs` times (after a cold one)."""
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse
    from measure import backend_cpu_ms

    from delegations.models import User

    connection.settings_dict["NAME"] = db_name
    client = Client()
    client.force_login(User.objects.get(username=HEAD))
    population, selection = CASES[case]
    url = reverse(f"administration:{population}_list", args=[UAI])
    data = {**selection(), "format": "pdf"}
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    walls, cpus = [], []
    with override_settings(DEBUG=False, EDUCONNECT_INTRANET_NETWORKS=["127.0.0.0/8"]):
        for run in range(runs + 1):  # the first one cold (imports, caches): reported apart
            if run == 1:
                backend_started = backend_cpu_ms()
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.post(url, data)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu_started)
            assert response.status_code == 200, response.status_code
            assert response["Content-Type"] == "application/pdf", response["Content-Type"]
    with open(out, "wb") as handle:
        handle.write(response.content)
    result = {
        "cold": walls[0],
        "walls": walls[1:],
        "cpus": cpus[1:],
        "backend_cpu": (backend_cpu_ms() - backend_started) / 1000 / runs,
        "rss_before_mb": rss_before,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "bytes": len(response.content),
        "no_store": "no-store" in response.get("Cache-Control", ""),
        "file_name": response["Content-Disposition"],
    }
    print(json.dumps(result))


def rows(population: str):
    """The rows of the administration list of `population`, as the head of the establishment sees them."""
    from accounts.administration.listing import representative_rows
    from accounts.selectors import student_accounts_visible_to
    from delegations.models import Establishment, User
    from delegations.permissions import Right

    establishment, head = Establishment.objects.get(uai=UAI), User.objects.get(username=HEAD)
    if population == "students":
        return student_accounts_visible_to(head, establishment, right=Right.ADMINISTRATION).order_by("pk")
    return representative_rows(head, establishment).order_by("pk")


def first_representatives() -> dict:
    """The first 2,500 (student, representative) rows, ticked: as the list's next steps pack them."""
    return {"selection_ids": ",".join(str(pk) for pk in rows("representatives").values_list("pk", flat=True)[:2500])}


# case → (population, the POSTed selection)
CASES = {
    "students": ("students", lambda: {"select_all": "1"}),
    "representatives-2500": ("representatives", first_representatives),
    "representatives-all": ("representatives", lambda: {"select_all": "1"}),
}


def expected(case: str) -> tuple[int, set[str]]:
    """(rows, identifiers of the accounts) the PDF of `case` must list."""
    population, _selection = CASES[case]
    chosen = rows(population)
    if case == "representatives-2500":
        chosen = chosen[:2500]
    field = "identifier" if population == "students" else "representative__account__identifier"
    identifiers = list(chosen.values_list(field, flat=True))
    return len(identifiers), set(identifiers)


def check(out: str, identifiers: set[str]) -> tuple[int, int]:
    """(identifiers found in the PDF's text, pages). Whitespace is dropped first: a layout that wraps
    a long identifier in its cell still counts it."""
    text = subprocess.run(["pdftotext", out, "-"], check=True, capture_output=True, text=True).stdout
    words = set(text.split())
    joined = re.sub(r"\s+", "", text)
    found = sum(1 for identifier in identifiers if identifier in words or identifier in joined)
    info = subprocess.run(["pdfinfo", out], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))
    return found, pages


def main(students: int, runs: int) -> None:
    keep = os.environ.get("BENCH_KEEP") == "1"
    stop = start("bench_list_pdf", keep=keep)
    try:
        from django.db import connection

        from delegations.models import Establishment

        started = time.perf_counter()
        if not Establishment.objects.filter(uai=UAI).exists():
            establishment = build_establishment(uai=UAI, students=students, representatives=True)
            head_of(establishment, HEAD)
            build_establishment(uai="0450750W", students=600, seed=600, representatives=True)  # must not be listed
        db_name = connection.settings_dict["NAME"]
        print(
            f"bench/list_pdf — « Lister les comptes » as PDF, PostgreSQL {connection.pg_version // 10000}, "
            f"{os.cpu_count()} CPU, {datetime.datetime.now():%Y-%m-%d %H:%M}, {load()}"
        )
        print(f"set-up: {time.perf_counter() - started:.1f} s; {runs} runs after a cold one, each in its own process")
        OUT.mkdir(parents=True, exist_ok=True)
        verdicts = []
        for case in CASES:
            out = str(OUT / f"list-{case}.pdf")
            line = subprocess.run(
                [sys.executable, __file__, "--child", case, db_name, str(runs), out],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            result = json.loads(line.splitlines()[-1])
            count, identifiers = expected(case)
            found, pages = check(out, identifiers)
            assert identifiers, f"{case}: nothing to list"
            assert found == len(identifiers), f"{case}: {found} of {len(identifiers)} identifiers in the PDF"
            assert result["no_store"], "the PDF response must be no-store"
            assert 'filename="Educonnect-Liste' in result["file_name"], result["file_name"]
            wall = statistics.median(result["walls"])
            cpu = statistics.median(result["cpus"])
            print(
                f"  {case:20} {count:5d} rows, {len(identifiers):5d} accounts: "
                f"POST median {wall:5.2f} s (min {min(result['walls']):.2f}, max {max(result['walls']):.2f}; "
                f"cold {result['cold']:.2f}); CPU {cpu:.2f} s + PostgreSQL {result['backend_cpu']:.2f} s; "
                f"peak RSS {result['peak_mb']:.0f} MB (Django loaded: {result['rss_before_mb']:.0f} MB); "
                f"{pages} pages, {result['bytes'] / 1e6:.1f} MB; identifiers in the text {found}/{len(identifiers)}"
            )
            if len(identifiers) <= 2500:  # the target's size; the whole representatives' list is shown besides
                work = cpu + result["backend_cpu"]
                verdicts.append((wall <= TARGET_S, work <= TARGET_S, result["peak_mb"] <= TARGET_MB))
        for label, index in (("median wall", 0), ("CPU work, Python + PostgreSQL", 1)):
            ok = all(v[index] and v[2] for v in verdicts)
            print(
                f"target (2,500 accounts: ≤ {TARGET_S:.0f} s {label}, ≤ {TARGET_MB} MB peak RSS):",
                "met" if ok else "NOT met",
            )
    finally:
        stop()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        main(int(sys.argv[1]), int(sys.argv[2]))
