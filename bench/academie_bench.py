"""Costs in a whole académie (issue 16 item 7), on the database built by `manage.py build_academie`.

    bench/academie build            # educonnect_academie (200 establishments) + educonnect_one_school
    bench/academie search|stats|import|notify|all

Each measure runs on the académie database and, where the target is a ratio, on a one-school database
holding the same generated lycée alone (template 3 of accounts.academie: 2,300 pupils, UAI 0381003J),
each in its own process (DATABASE_URL). Wall times are medians; the load average is printed with every
figure (the machine is shared). The measures themselves are in `academie_measures.py`. Not a test module."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from academie_measures import LYCEE_UAI
from measure import load

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "educonnect.settings")
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
ACADEMIE_DB = os.environ.get("ACADEMIE_DB", "educonnect_academie")
ONE_SCHOOL_DB = os.environ.get("ONE_SCHOOL_DB", "educonnect_one_school")


def in_database(db: str, measure: str) -> dict:
    """Run `measure` in a child process on database `db`; its JSON result."""
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{db}"}
    script = Path(__file__).with_name("academie_measures.py")
    output = subprocess.run(
        [sys.executable, str(script), measure], env=env, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# Parent side ----------------------------------------------------------------------------------------


def build() -> None:
    for db, arguments in (
        (ACADEMIE_DB, []),
        (ONE_SCHOOL_DB, None),
    ):
        subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{db}"'], check=True)
        subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f'CREATE DATABASE "{db}"'], check=True)
        env = {**os.environ, "DATABASE_URL": f"{SERVER}/{db}"}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        started = time.perf_counter()
        if arguments is not None:
            subprocess.run([sys.executable, "manage.py", "build_academie", *arguments], env=env, check=True, cwd=ROOT)
        else:
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import django; django.setup(); from accounts.academie import import_template; "
                    "from django.db import connection; import_template(3); connection.cursor().execute('ANALYZE')",
                ],
                env={**env, "DJANGO_SETTINGS_MODULE": "educonnect.settings"},
                check=True,
                cwd=ROOT,
            )
        print(f"{db} built in {time.perf_counter() - started:.0f} s ({load()})")


def report_search() -> None:
    academie, one = in_database(ACADEMIE_DB, "search"), in_database(ONE_SCHOOL_DB, "search")
    print(
        f"Name search in lycée {LYCEE_UAI} (median of 200, ms): académie ({academie['students_in_database']} pupils,"
        f" {academie['load']}) vs one school ({one['students_in_database']} pupils, {one['load']})"
    )
    print(
        f"{'term':14s} {'rows':>5s} {'page: académie':>15s} {'one school':>11s} {'ratio':>6s} {'CPU ratio':>9s}   "
        f"{'representatives: académie':>26s} {'one school':>11s} {'ratio':>6s} {'CPU ratio':>9s}"
    )
    for term, a in academie["terms"].items():
        o = one["terms"][term]
        print(
            f"{term:14s} {a['rows']:5d} {a['page_ms']:15.2f} {o['page_ms']:11.2f} {a['page_ms'] / o['page_ms']:6.2f} "
            f"{a['page_cpu_ms'] / o['page_cpu_ms']:9.2f}   "
            f"{a['representatives_ms']:26.2f} {o['representatives_ms']:11.2f} "
            f"{a['representatives_ms'] / o['representatives_ms']:6.2f} "
            f"{a['representatives_cpu_ms'] / o['representatives_cpu_ms']:9.2f}"
        )
    print("Plan of « martin » in the académie:")
    print("\n".join("    " + line for line in academie["plan"]))
    print("Plan of « martin » in the one-school database:")
    print("\n".join("    " + line for line in one["plan"]))


def report_stats() -> None:
    academie, one = in_database(ACADEMIE_DB, "stats"), in_database(ONE_SCHOOL_DB, "stats")
    print(f"Statistics (compute_figures, median of 20): académie {academie['load']}; one school {one['load']}")
    for uai, figures in academie["one"].items():
        alone = one["one"].get(uai)
        print(
            f"  {uai} ({figures['students']} active pupils, {figures['queries']} queries): académie "
            f"{figures['ms']:.1f} ms (CPU {figures['cpu_ms']:.1f} ms)"
            + (f", alone {alone['ms']:.1f} ms (CPU {alone['cpu_ms']:.1f} ms)" if alone else "")
        )
    if "all" in academie:
        print(
            f"  all establishments (statistics_refresh_all): {academie['all']['establishments']} in "
            f"{academie['all']['seconds']:.1f} s (CPU: Python + PostgreSQL {academie['all']['cpu_s']:.1f} s)"
        )


def report_import() -> None:
    result = in_database(ACADEMIE_DB, "import")
    print(
        f"Import of a new 2,500-pupil lycée in the académie ({result['accounts_in_database']} accounts, "
        f"{result['load']}); rolled back afterwards"
    )
    for run in result["runs"]:
        print(
            f"  {run['run']:20s} wall {run['wall_s']:.2f} s   CPU {run['cpu_s']:.2f} s   {run['queries']} queries   "
            f"{run['accounts_created']} accounts created"
        )
    print(
        f"  identifier variants of {result['distinct_bases']} bases ({result['variants_found']} found): "
        f"free numbers per base (one row each) {result['variants_by_index_ranges_s'] * 1000:.0f} ms, former prefix matches "
        f"{result['variants_by_prefix_matches_s'] * 1000:.0f} ms; whole allocator {result['allocator_s'] * 1000:.0f} ms"
    )


def report_notify() -> None:
    result = in_database(ACADEMIE_DB, "notify")
    print(f"Two whole-establishment notifications at once, 2 db_worker processes ({result['load']})")
    for job in result["jobs"]:
        print(
            f"  {job['uai']}: {job['letters']} letters, enqueue → PDF ready {job['seconds']:.1f} s "
            f"({job['pdf_bytes'] // 1024} KiB)"
        )
    print(f"  both done {result['both_done_s']:.1f} s after the first request")


REPORTS = {"search": report_search, "stats": report_stats, "import": report_import, "notify": report_notify}

if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what == "build":
        build()
    elif what == "all":
        for name in ("search", "stats", "import", "notify"):
            REPORTS[name]()
    else:
        REPORTS[what]()
