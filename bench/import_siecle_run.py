"""The Python side of bench/import_siecle (run that script: it prepares the database first)."""

import datetime
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from measure import backend_cpu_ms

ROOT = Path(__file__).resolve().parents[1]
UAI = "0350028R"  # a real lycée of 2,078 pupils (siecle-format.md §6)


def main(students: int) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "educonnect.settings")
    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Account
    from accounts.siecle.generator import generate
    from accounts.siecle.importer import siecle_import

    print(
        f"SIECLE import benchmark — {connection.vendor}, {os.cpu_count()} CPU, "
        f"load average {os.getloadavg()[0]:.1f}, {datetime.date.today()}"
    )
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        manifest = generate(tmp, uai=UAI, students=students, seed=2500, kind="lycee", realistic_nomenclature=True)
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        print(
            f"generated {manifest.students} students, {manifest.representatives} legal representatives, "
            f"{len(manifest.divisions)} classes in {time.perf_counter() - started:.2f} s ({size / 1024:.0f} KiB of zips)"
        )
        paths = sorted(str(p) for p in Path(tmp).iterdir())
        runs = ("dry run (first)", "first import", "dry run (unchanged)", "unchanged re-import")
        for run in runs:
            server = backend_cpu_ms() / 1000
            wall, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                report = siecle_import(paths=paths, actor_label="bench", dry_run=run.startswith("dry run"))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            server = backend_cpu_ms() / 1000 - server
            results[run] = wall
            s, r = report.students, report.representatives
            print(
                f"{run:20s} {wall:6.2f} s wall, {cpu:5.2f} s CPU + {server:5.2f} s PostgreSQL CPU, "
                f"{len(queries):3d} queries — students +{s.created} ~{s.updated} ={s.unchanged} -{s.left}; "
                f"representatives +{r.created} ~{r.updated} ={r.unchanged} -{r.left}; "
                f"accounts {report.student_accounts}+{report.representative_accounts}"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"accounts in database: {Account.objects.count()}; peak RSS of the process: {peak:.0f} MiB")
    assert report.students.unchanged == manifest.students, "the re-import must find every student"
    met = (
        results["first import"] <= 10
        and results["unchanged re-import"] <= 3
        and results["dry run (first)"] <= results["first import"]
        and results["dry run (unchanged)"] <= results["unchanged re-import"]
    )
    print(
        "targets (first ≤ 10 s, re-import ≤ 3 s, each dry run no slower than its import) on wall time:",
        "met" if met else "NOT met",
        f"(dry run / import: first {results['dry run (first)'] / results['first import']:.2f}, "
        f"unchanged {results['dry run (unchanged)'] / results['unchanged re-import']:.2f}; "
        f"load average now {os.getloadavg()[0]:.1f}; wall time includes waiting for a CPU)",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2500))
