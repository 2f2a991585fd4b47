"""Load test on loopback (issue 16 item 9): the académie database (`bench/academie build`), two
gunicorn pools (staff on :8101, families — /compte/ — on :8102), two `db_worker` processes, Redis,
one whole-establishment notification (2,000 letters) enqueued as the load starts, and Locust
(bench/locustfile.py) with 50 staff users and 20 family users for a bounded time.

    bench/load_test [SECONDS=120]
    bench/load_test [SECONDS=120] --signin-wave [--families-nice N] [--families N]

`--signin-wave` (issue 16 item 8) measures the staff side while 20 families sign in without pause:
10 staff users, 20 family users signing in and out (no activation, no notification, no worker),
the families pool started at the CPU priority production gives it (`nice` 10: the drop-in
deploy/systemd/educonnect-web@families.service.d/priority.conf, and the Procfile); `--families-nice 0`
runs the same with both pools at the same priority, for comparison; `--families N` sends N families
instead of 20 (a wave that saturates the cores).

Prints, per request type, the count, failures, p50/p95/p99 and the throughput; the notification's
enqueue → PDF ready time; the load average. Every process started here is stopped at the end (by its
own pid). The académie is changed by the run (resets, activations, the notification): rebuild it
(`bench/academie build`) for runs that must start from the same state. Not a test module."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("ACADEMIE_DB", "educonnect_academie")
OUT = ROOT / "var" / "bench" / "load"
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
SECONDS = int(ARGS[0]) if ARGS and ARGS[0].isdigit() else 120
SIGNIN_WAVE = "--signin-wave" in sys.argv
FAMILIES_NICE = int(sys.argv[sys.argv.index("--families-nice") + 1]) if "--families-nice" in sys.argv else 10
if SIGNIN_WAVE:  # the wave: 10 staff users at work, 20 families signing in and out, nothing else
    FAMILIES = int(sys.argv[sys.argv.index("--families") + 1]) if "--families" in sys.argv else 20
    STAFF_USERS, FAMILY_USERS, WORKERS = 10, FAMILIES, 0
else:
    STAFF_USERS, FAMILY_USERS, WORKERS = 50, 20, 2
ENV = {
    **os.environ,
    "DATABASE_URL": f"{SERVER}/{DB}",
    "DJANGO_SETTINGS_MODULE": "educonnect.settings",
    "DJANGO_DEBUG": "0",
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5"),
    "EDUCONNECT_INTRANET_NETWORKS": "127.0.0.0/8",
    "EMAIL_BACKEND": "file",
    "EMAIL_FILE_PATH": str(OUT / "outbox"),
    "MEDIA_ROOT": str(OUT / "media"),
    "LOG_LEVEL": "WARNING",
}
# keep-alive above the client's idle reuse (a load balancer's, here Locust's), else a reused
# connection the server has just closed fails (RemoteDisconnected).
GUNICORN = [str(ROOT / ".venv/bin/gunicorn"), "educonnect.wsgi", "--worker-class", "gthread", "--keep-alive", "75"]
POOLS = {
    "staff": [*GUNICORN, "-b", "127.0.0.1:8101", "--workers", "2", "--threads", "2"],
    # The families pool yields the CPU to the staff pool, as in production (Procfile, systemd).
    "families": [
        "nice",
        "-n",
        str(FAMILIES_NICE),
        *GUNICORN,
        "-b",
        "127.0.0.1:8102",
        "--workers",
        "2",
        "--threads",
        "1",
    ],
}
# The load generator stands for browsers on other machines: it yields the CPU to the servers.
LOCUST = ["nice", "-n", "5", str(ROOT / ".venv/bin/locust")]


def load() -> str:
    return "load average {:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


def cpu_seconds(pids: list[int]) -> float:
    """CPU (user + system) used so far by `pids` and their children (gunicorn workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(path.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return sum(ticks for pid, (ppid, ticks) in stats.items() if pid in pids or ppid in pids) / tick


def postgres_cpu() -> dict[int, float]:
    """CPU used so far by each PostgreSQL backend connected to the académie database (local server;
    connections are kept, DATABASE_CONN_MAX_AGE, so a backend lives through the run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return {pid: cpu_seconds([pid]) for (pid,) in cursor.fetchall()}


def prepare() -> dict:
    """Who signs in, what they open, which accounts families use (distinct establishments for each
    role and for the notification, so that they do not step on each other)."""
    import django

    django.setup()
    from django.db.models import Count

    from accounts.academie import FAMILY_PASSWORD, STAFF_PASSWORD
    from accounts.models import Account, AccountKind, AccountOrigin, AccountState
    from accounts.siecle.generator_data import SURNAMES
    from delegations.models import Assignment, Delegation, Establishment
    from educonnect import crypto
    from educonnect.text import fold

    establishments = list(Establishment.objects.annotate(pupils=Count("students")).order_by("id"))
    staff_side, signin_side = establishments[20:30], establishments[30:70]
    activation_side = establishments[70:90]
    notified = next(e for e in establishments[90:] if e.pupils >= 2200)
    staff = []
    for establishment in staff_side:
        delegated = set(
            Delegation.objects.active().filter(establishment=establishment).values_list("grantee_id", flat=True)
        )
        accounts = list(
            Account.objects.filter(
                establishment=establishment, kind=AccountKind.STUDENT, state=AccountState.INFORMED
            ).values_list("id", flat=True)[:40]
        )
        for assignment in Assignment.objects.filter(establishment=establishment).select_related("user"):
            if assignment.function == Assignment.Function.DIR or assignment.user_id in delegated:
                staff.append({"username": assignment.user.username, "uai": establishment.uai, "accounts": accounts})
    signins = list(
        Account.objects.filter(
            establishment__in=signin_side, state=AccountState.ACTIVATED, origin=AccountOrigin.ESTABLISHMENT
        ).values_list("identifier", flat=True)[:3000]
    )
    activations = []
    for account in (
        Account.objects.filter(
            establishment__in=activation_side,
            kind=AccountKind.STUDENT,
            state=AccountState.INFORMED,
            student__birth_date__isnull=False,
        )
        .exclude(provisional_password_encrypted="")
        .select_related("student")[:600]
    ):
        activations.append(
            {
                "identifier": account.identifier,
                "password": crypto.decrypt(account.provisional_password_encrypted),
                "birth_date": account.student.birth_date.isoformat(),
            }
        )
    return {
        "staff": staff,
        "staff_password": STAFF_PASSWORD,
        "family_password": FAMILY_PASSWORD,
        "terms": [fold(name).split()[0] for name in SURNAMES[:60]],
        "signins": signins,
        "activations": activations,
        "notified": notified.uai,
    }


def enqueue_notification(uai: str) -> int:
    from accounts.models import Account
    from delegations.models import Assignment, Establishment
    from notifications.services import accounts_notify

    establishment = Establishment.objects.get(uai=uai)
    head = Assignment.objects.filter(establishment=establishment, function="DIR").order_by("staff_code")[0].user
    ids = list(
        Account.objects.filter(establishment=establishment, kind="eleve").order_by("id").values_list("id", flat=True)
    )[:2000]
    return accounts_notify(
        actor=head, establishment=establishment, accounts=ids, channel="sheet", with_reset=False
    ).job.pk


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 — loopback only
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.update(ENV)
    data = prepare()
    if SIGNIN_WAVE:
        data["activations"] = []  # families only sign in and out
    (OUT / "data.json").write_text(json.dumps(data), encoding="utf-8")
    print(
        f"{len(data['staff'])} staff, {len(data['signins'])} activated family accounts, "
        f"{len(data['activations'])} accounts to activate; "
        + ("no notification; " if SIGNIN_WAVE else f"notification in {data['notified']}; ")
        + f"families pool at nice {FAMILIES_NICE}; {load()}"
    )
    processes = []
    try:
        for name, command in POOLS.items():
            log = open(OUT / f"gunicorn-{name}.log", "w")  # noqa: SIM115 — closed with the process
            processes.append(subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=log, stderr=subprocess.STDOUT))
        for n in range(WORKERS):
            log = open(OUT / f"worker-{n}.log", "w")  # noqa: SIM115
            processes.append(
                subprocess.Popen(
                    [str(ROOT / ".venv/bin/python"), "manage.py", "db_worker", "--interval", "0.5"],
                    cwd=ROOT,
                    env=ENV,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        wait_for("http://127.0.0.1:8101/connexion/")
        wait_for("http://127.0.0.1:8102/compte/connexion/")
        from notifications.models import JobStatus, NotificationJob

        job_id = None if SIGNIN_WAVE else enqueue_notification(data["notified"])
        enqueued = time.perf_counter()
        started_load = load()
        groups = {
            "staff pool": [processes[0].pid],
            "families pool": [processes[1].pid],
            f"{WORKERS} workers": [p.pid for p in processes[2:]],
        }
        cpu_before = {name: cpu_seconds(pids) for name, pids in groups.items()}
        postgres_before = postgres_cpu()
        subprocess.run(
            [
                *LOCUST,
                "-f",
                str(ROOT / "bench/locustfile.py"),
                "--headless",
                "--users",
                str(STAFF_USERS + FAMILY_USERS),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{SECONDS}s",
                "--stop-timeout",
                "10",
                "--csv",
                str(OUT / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **ENV,
                "LOAD_DATA": str(OUT / "data.json"),
                "STAFF_USERS": str(STAFF_USERS),
                "FAMILY_USERS": str(FAMILY_USERS),
                "STAFF_WORK_OUT": str(OUT / "staff_work.json"),
            },
            check=False,
        )
        ended_load = load()
        cpu = {name: cpu_seconds(pids) - cpu_before[name] for name, pids in groups.items()}
        cpu["PostgreSQL backends"] = sum(t - postgres_before.get(pid, 0) for pid, t in postgres_cpu().items())
        done = None
        if job_id is not None:
            job = NotificationJob.objects.get(pk=job_id)
            while job.status != JobStatus.DONE and time.perf_counter() - enqueued < 600:
                time.sleep(1)
                job.refresh_from_db()
            done = (job.finished_at - job.created_at).total_seconds() if job.finished_at else None
        report(done, started_load, ended_load)
        print("CPU used during the run: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in cpu.items()))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def report(notification_s, started_load: str, ended_load: str) -> None:
    with open(OUT / "locust_stats.csv", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    print(
        f"\nLocust, {SECONDS} s, {STAFF_USERS} staff + {FAMILY_USERS} family users, families pool at nice "
        f"{FAMILIES_NICE}; {started_load} at start, {ended_load} at the end"
    )
    print(f"{'request':38s} {'count':>7s} {'fail':>5s} {'p50':>6s} {'p95':>6s} {'p99':>6s} {'req/s':>7s}")
    for row in rows:
        print(
            f"{(row['Name'] if row['Name'] != 'Aggregated' else 'ALL')[:38]:38s} {row['Request Count']:>7s} "
            f"{row['Failure Count']:>5s} {row['50%']:>6s} {row['95%']:>6s} {row['99%']:>6s} "
            f"{float(row['Requests/s']):7.1f}"
        )
    samples = sorted(json.loads((OUT / "staff_work.json").read_text(encoding="utf-8")))
    assert samples, "no staff request was answered"

    def pct(p: float) -> float:
        return samples[min(len(samples) - 1, int(len(samples) * p))]

    print(
        f"staff work (search, open account, reset), {len(samples)} requests: p50 {pct(0.5):.0f} ms, "
        f"p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms (target p95 ≤ 300 ms)"
    )
    if notification_s is not None or not SIGNIN_WAVE:
        print(f"whole-establishment notification (2,000 letters), enqueue → PDF ready: {notification_s} s")
    failures = OUT / "locust_failures.csv"
    if failures.exists() and len(failures.read_text().splitlines()) > 1:
        print("failures:\n" + failures.read_text())


if __name__ == "__main__":
    main()
