"""The measures of `bench/academie` (issue 16 item 7), each run in a child process on one database
(DATABASE_URL): `python bench/academie_measures.py search|stats|import|notify` prints its result as
one JSON line. Not a test module."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from measure import backend_cpu_ms, cpu_ms, load, median_ms

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "educonnect.settings")
LYCEE_UAI = "0381003J"  # template 3: the 2,300-pupil lycée, the same in both databases
COLLEGE_UAI = "0381000F"  # template 0: the 700-pupil collège
TERMS = ["martin", "dubois", "haddad", "lea", "mar", "martin jade"]


def _setup():
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)


def _head(establishment):
    from delegations.models import Assignment, User

    assignment = Assignment.objects.filter(establishment=establishment, function="DIR").order_by("staff_code").first()
    if assignment:
        return assignment.user
    user, _ = User.objects.get_or_create(username=f"bench.head.{establishment.uai.lower()}")
    Assignment.objects.get_or_create(user=user, establishment=establishment, defaults={"function": "DIR"})
    return user


def child_search() -> dict:
    _setup()
    from django.db import connection
    from django.http import QueryDict

    from accounts.lists import filtered_queryset
    from accounts.lists.students import ROW_VALUES, TROUBLESHOOTING_STUDENTS
    from accounts.models import LegalRepresentative
    from accounts.selectors import student_account_values
    from delegations.models import Establishment
    from educonnect.text import fold

    establishment = Establishment.objects.get(uai=LYCEE_UAI)
    head = _head(establishment)
    result = {"students_in_database": establishment.students.model.objects.count(), "terms": {}, "load": load()}
    for term in TERMS:
        terms = tuple(fold(term).split())

        def page(term=term):  # the list's own statement: selector + filter form + sort, first 50 rows
            values = student_account_values(head, establishment, fields=ROW_VALUES)
            form, rows, _sort = filtered_queryset(
                TROUBLESHOOTING_STUDENTS, values, QueryDict(f"q={term}"), form_kwargs={"establishment": establishment}
            )
            assert form.is_valid()
            return list(rows[:50])

        def representatives(terms=terms[:1]):  # the first term: parents of « martin jade » are « martin … »
            search = LegalRepresentative.objects.filter(establishment=establishment, is_active=True)
            for t in terms:
                search = search.filter(search_text__contains=t)
            return list(search.order_by("last_name", "first_name", "id").values_list("id", flat=True)[:50])

        found = len(page())
        assert found, f"no student found for {term!r}"
        assert representatives(), f"no representative found for {term!r}"
        result["terms"][term] = {
            "rows": found,
            "page_ms": median_ms(page, 200),
            "page_cpu_ms": cpu_ms(page, 200),
            "representatives_ms": median_ms(representatives, 200),
            "representatives_cpu_ms": cpu_ms(representatives, 200),
        }
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) SELECT a.id FROM accounts_student s JOIN accounts_account a "
            "ON a.student_id = s.id WHERE s.establishment_id = %s AND s.is_active AND a.kind = 'eleve' "
            "AND s.search_text LIKE %s ORDER BY s.last_name, s.first_name, a.id LIMIT 50",
            [establishment.pk, "%martin%"],
        )
        result["plan"] = [line for (line,) in cursor.fetchall()]
        cursor.execute(
            "EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM accounts_legalrepresentative WHERE establishment_id = %s "
            "AND is_active AND search_text LIKE %s ORDER BY last_name, first_name, id LIMIT 50",
            [establishment.pk, "%martin%"],
        )
        result["plan"] += [line for (line,) in cursor.fetchall()]
    result["load"] += f" → {load()}"
    return result


def child_stats() -> dict:
    _setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from delegations.models import Establishment
    from stats.selectors import compute_figures
    from stats.services import statistics_refresh_all

    result = {"load": load(), "one": {}}
    for uai in (LYCEE_UAI, COLLEGE_UAI):
        establishment = Establishment.objects.filter(uai=uai).first()
        if establishment is None:
            continue
        figures = compute_figures(establishment)
        assert figures["students_count"] > 0
        with CaptureQueriesContext(connection) as queries:
            compute_figures(establishment)
        result["one"][uai] = {
            "students": figures["students_count"],
            "queries": len(queries),
            "ms": median_ms(lambda e=establishment: compute_figures(e), 20),
            "cpu_ms": cpu_ms(lambda e=establishment: compute_figures(e), 20),
        }
    count = Establishment.objects.count()
    if count > 1:
        started, cpu, backend = time.perf_counter(), time.process_time(), backend_cpu_ms()
        computed = statistics_refresh_all()
        result["all"] = {
            "establishments": computed,
            "seconds": time.perf_counter() - started,
            "cpu_s": time.process_time() - cpu + (backend_cpu_ms() - backend) / 1000,
        }
    result["load"] += f" → {load()}"
    return result


def child_import() -> dict:
    """A new 2,500-pupil lycée imported (first import, then unchanged re-import) inside a transaction
    rolled back at the end: the académie is left as it was. Also: identifier allocation alone for the
    bases of the 2,300-pupil lycée's accounts, by index ranges (the product) and by the former prefix
    matches (the ORM read kept for other databases)."""
    _setup()
    import tempfile

    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.identifiers import IdentifierAllocator, _variants_orm, free_numbers, identifier_base
    from accounts.models import Account
    from accounts.siecle.generator import generate
    from accounts.siecle.importer import siecle_import
    from educonnect.validators import uai_check_letter

    result = {"load": load(), "accounts_in_database": Account.objects.count()}
    owners = Account.objects.filter(establishment__uai=LYCEE_UAI).select_related("student", "representative")
    bases = sorted({identifier_base(a.owner.first_name, a.owner.last_name) for a in owners})
    result["distinct_bases"] = len(bases)
    started = time.perf_counter()
    numbers = free_numbers(bases)
    result["variants_by_index_ranges_s"] = time.perf_counter() - started
    started = time.perf_counter()
    prefixes = _variants_orm(bases)
    result["variants_by_prefix_matches_s"] = time.perf_counter() - started
    result["variants_found"] = len(prefixes)
    assert len(numbers) == len(bases) and any(n.first > 1 for n in numbers.values())
    started = time.perf_counter()
    IdentifierAllocator(bases * 2)
    result["allocator_s"] = time.perf_counter() - started

    seven = "0389998"
    uai = seven + uai_check_letter(seven)
    with tempfile.TemporaryDirectory() as tmp, transaction.atomic():
        generate(Path(tmp), uai=uai, students=2500, seed=2500, kind="lycee")
        files = sorted(Path(tmp).glob("*.zip"))
        runs = []
        for label in ("first import", "unchanged re-import"):
            started, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(transaction.get_connection()) as queries:
                report = siecle_import(paths=files, uai=uai, actor_label="bench")
            runs.append(
                {
                    "run": label,
                    "wall_s": time.perf_counter() - started,
                    "cpu_s": time.process_time() - cpu,
                    "queries": len(queries),
                    "accounts_created": report.accounts_created,
                }
            )
        assert runs[0]["accounts_created"] > 5000 and runs[1]["accounts_created"] == 0
        result["runs"] = runs
        transaction.set_rollback(True)
    result["load"] += f" → {load()}"
    return result


def child_notify() -> dict:
    """Two lycées notified at once (2,000 letters each, channel « sheet »), two `db_worker` processes:
    from the request (job created and enqueued) to the PDF ready, per job."""
    _setup()
    import signal

    from django.conf import settings
    from django.db.models import Count

    from accounts.models import Account
    from delegations.models import Establishment
    from notifications.models import JobStatus, NotificationJob
    from notifications.services import accounts_notify

    lycees = list(  # two copies of the 2,300-pupil lycée (the template itself is left to the other measures)
        Establishment.objects.exclude(uai=LYCEE_UAI)
        .annotate(pupils=Count("students"))
        .filter(pupils__gte=2200)
        .order_by("id")[:2]
    )
    assert len(lycees) == 2
    media = Path(settings.MEDIA_ROOT)
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env={**os.environ, "MEDIA_ROOT": str(media)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        time.sleep(4)  # workers up
        result = {"load": load(), "jobs": []}
        started = time.perf_counter()
        jobs = []
        for establishment in lycees:
            ids = list(
                Account.objects.filter(establishment=establishment, kind="eleve")
                .order_by("id")
                .values_list("id", flat=True)[:2000]
            )
            notified = accounts_notify(
                actor=_head(establishment), establishment=establishment, accounts=ids, channel="sheet", with_reset=False
            )
            jobs.append((establishment, notified.job, time.perf_counter()))
        pending = {job.pk for _e, job, _t in jobs}
        finished = {}
        while pending and time.perf_counter() - started < 300:
            time.sleep(0.1)
            for job in NotificationJob.objects.filter(pk__in=pending, status=JobStatus.DONE):
                finished[job.pk] = time.perf_counter()
                pending.discard(job.pk)
        assert not pending, f"jobs not done after 300 s: {pending}"
        for establishment, job, enqueued in jobs:
            job.refresh_from_db()
            path = media / job.pdf_path
            assert path.exists() and path.stat().st_size > 100_000, path
            result["jobs"].append(
                {
                    "uai": establishment.uai,
                    "letters": job.total,
                    "seconds": finished[job.pk] - enqueued,
                    "pdf_bytes": path.stat().st_size,
                }
            )
        result["both_done_s"] = max(finished.values()) - started
        result["load"] += f" → {load()}"
        return result
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)


CHILDREN = {"search": child_search, "stats": child_stats, "import": child_import, "notify": child_notify}

if __name__ == "__main__":
    print(json.dumps(CHILDREN[sys.argv[1]]()))
