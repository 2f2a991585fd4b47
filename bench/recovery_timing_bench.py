"""Benchmark (not a test): does « Mot de passe oublié » answer in the same time whether the identifier
is known or not? Prints medians and the ratio, for the request as served now (one task enqueued in
the database backend; the worker does the lookup and the mail) and, for comparison, for the work the
request used to do itself (lookup, journal, mail through the outbox and a local SMTP server).

    DATABASE_URL=postgres://… .venv/bin/python bench/recovery_timing_bench.py [--rounds 30]

Runs on a fresh test database (the database of DATABASE_URL is never touched). Criterion (issue 12
item 6): median ratio known / unknown within 0.9–1.1 over 30 tries each.
"""

import argparse
import datetime
import os
import socket
import statistics
import time

from depannage_common import start

stop = start("bench_recovery_timing")

from aiosmtpd.controller import Controller  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.count += 1
        return "250 OK"


def measure(rounds: int, cases: dict, post) -> dict:
    timings = {name: [] for name in cases}
    names = list(cases)
    for _ in range(3):  # warm-up, not counted
        for login in cases.values():
            cache.clear()
            post(login)
    for round_ in range(rounds):
        # Interleaved, and the order alternates (A B, B A…): load drifts and the « first of the
        # pair » effect hit every case alike on a shared machine.
        for name in names if round_ % 2 == 0 else reversed(names):
            login = cases[name]
            cache.clear()  # the per-identifier / per-IP limit would otherwise stop the work after 3 tries
            started, cpu = time.perf_counter(), time.process_time()
            post(login)
            timings[name].append((time.perf_counter() - started, time.process_time() - cpu))
    return {
        name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
        for name, values in timings.items()
    }


def report(title: str, medians: dict) -> None:
    """Wall-clock and this process's CPU time (the machine is shared: wall-clock carries the noise of
    other processes; the control « inconnu2 », another unknown identifier, shows that noise)."""
    print(title)
    for name, (wall, cpu) in medians.items():
        print(f"  {name:>8}: median {wall * 1000:7.2f} ms wall, {cpu * 1000:7.2f} ms CPU")
    for label, index in (("wall", 0), ("CPU", 1)):
        ratio = medians["connu"][index] / medians["inconnu"][index]
        control = medians["inconnu2"][index] / medians["inconnu"][index]
        verdict = "ok" if 0.9 <= ratio <= 1.1 else "DIFFERENT"
        print(f"  {label}: connu/inconnu {ratio:.3f} ({verdict}); control inconnu2/inconnu {control:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    from accounts.enduser import services
    from educonnect.models import OutgoingMail
    from tests.factories import AccountFactory

    account = AccountFactory(activated=True, identifier="bench.connu")
    # « inconnu2 »: a second unknown identifier, the control (same path as « inconnu » by definition).
    cases = {"connu": account.identifier, "inconnu": "bench.inconnu", "inconnu2": "bench.autre"}
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(sink, hostname="127.0.0.1", port=port)
    smtp.start()
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    print(
        f"Forgotten-password timing — PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPU, "
        f"load average {os.getloadavg()[0]:.2f}, {datetime.date.today()}, {args.rounds} tries each"
    )
    client = Client()
    url = reverse("enduser:forgotten")
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, MAILERS=mailers):
        client.post(url, {"kind": "password", "login": "warm.up"})
        now = measure(args.rounds, cases, lambda login: client.post(url, {"kind": "password", "login": login}))
        report("Request as served (one task enqueued, same for every input):", now)

    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}, MAILERS=mailers
    ):
        before = measure(args.rounds, cases, lambda login: services.process_recovery_request.call("password", login))
        report("The same work done inside the request (before: lookup, journal, SMTP mail):", before)
    assert sink.count == args.rounds + 3, f"{sink.count} mails reached the SMTP server"  # + warm-up
    assert OutgoingMail.objects.filter(status="sent").count() == args.rounds + 3
    print(f"  ({sink.count} mails received by the local SMTP server, one per known try)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    smtp.stop()


if __name__ == "__main__":
    try:
        main()
    finally:
        stop()
