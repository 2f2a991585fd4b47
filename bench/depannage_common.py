"""Shared set-up of the troubleshooting benchmarks (bench/troubleshooting_list, bench/bulk_reset):
a throw-away PostgreSQL database and a 2,500-student establishment built with bulk_create.
Not a test module."""

import datetime
import logging
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "educonnect.settings")

# The generator's realistic names (accented, compound, apostrophes).
from accounts.siecle.generator_data import FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES  # noqa: E402

LAST = LAST_NAMES
FIRST = FEMALE_FIRST_NAMES + MALE_FIRST_NAMES + ["Paul"]  # the searches of the benchmark


def start(db_name: str, *, keep: bool = False):
    """Django set up on a fresh test database `db_name` (the database of DATABASE_URL is never
    touched); returns a function that drops it. With `keep`, the database is reused if it exists and
    left in place (while tuning)."""
    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.signals import request_started
    from django.db import close_old_connections, connection, reset_queries

    if connection.vendor != "postgresql":
        raise SystemExit("this benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    connection.settings_dict.setdefault("TEST", {})["NAME"] = db_name
    # No setup_test_environment(): its instrumented template rendering (copying every context for
    # the test client) would add the same fixed cost to both sides and is no part of serving a page.
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=not keep, serialize=False, keepdb=keep)
    request_started.disconnect(close_old_connections)
    request_started.disconnect(reset_queries)
    if keep:
        return lambda: None
    return lambda: connection.creation.destroy_test_db(old_name, verbosity=0)


def build_establishment(
    *, uai: str, students: int, seed: int = 2500, informed_share: float = 0.7, representatives: bool = False
):
    """An establishment with `students` active students in classes of ~28 (6e→3e), each with an
    account (states mixed, provisional passwords encrypted as the import would). With
    `representatives`, each student has one or two legal representatives (same family name), each
    with an account, as the administration module's Représentants légaux list reads them."""
    from django.utils import timezone

    from accounts.identifiers import identifier_base
    from accounts.models import Account, AccountKind, AccountState, Division, Mef, Student, name_search_text
    from delegations.models import Academie, Establishment

    rng = random.Random(seed)
    academie, _ = Academie.objects.get_or_create(code="08", defaults={"name": "Grenoble"})
    # As the SIECLE import leaves it (the lists cache the classes and MEFs per import).
    establishment = Establishment.objects.create(
        uai=uai,
        name=f"CLG BENCH {uai}",
        academie=academie,
        siecle_export_date=datetime.date.today(),
        siecle_imported_at=timezone.now(),
    )
    mefs = [
        Mef.objects.create(
            establishment=establishment, code=f"1001001{level}110", label=f"{level}EME", short_label=f"{level}EME"
        )
        for level in (6, 5, 4, 3)
    ]
    per_level = max(1, students // 28 // 4 + 1)
    divisions = Division.objects.bulk_create(
        Division(establishment=establishment, code=f"{mef.label[0]}EME{n}", label=f"{mef.label[0]}EME{n}", mef=mef)
        for mef in mefs
        for n in range(1, per_level + 1)
    )
    now = timezone.now()
    expires = now + datetime.timedelta(days=92)
    rows = []
    for i in range(students):
        division = divisions[i % len(divisions)]
        last, first = rng.choice(LAST), rng.choice(FIRST)
        # The people the benchmark's searches name are certainly there (a search must find rows).
        if i % 250 == 0:
            last, first = "DUBOIS", "Paul"
        elif i % 250 == 125:
            last, first = "MARTIN", "Éloïse"
        rows.append(
            Student(
                establishment=establishment,
                eleve_id=f"{uai}{i:06d}",
                last_name=last,
                first_name=first,
                birth_date=datetime.date(2011 + i % 4, 1 + i % 12, 1 + i % 28),
                division=division,
                mef=division.mef,
                search_text=name_search_text(last, first),
            )
        )
    created = Student.objects.bulk_create(rows, batch_size=1000)
    states = [AccountState.INFORMED] * int(informed_share * 10) + [
        AccountState.NOT_INFORMED,
        AccountState.ACTIVATING,
        AccountState.ACTIVATED,
    ]
    accounts = []
    for student in created:
        state = rng.choice(states)
        accounts.append(
            bench_account(
                f"{identifier_base(student.first_name, student.last_name)}.{uai.lower()}{student.pk}",
                state,
                now=now,
                expires=expires,
                email=f"eleve{student.pk}@example.org",
                kind=AccountKind.STUDENT,
                establishment=establishment,
                student=student,
            )
        )
    Account.objects.bulk_create(accounts, batch_size=1000)
    if representatives:
        build_representatives(establishment, created, rng, now=now, expires=expires)
    analyze()
    return establishment


def build_representatives(establishment, students, rng, *, now, expires):
    """One or two legal representatives per student, each with an account (mixed states)."""
    from accounts.identifiers import identifier_base
    from accounts.models import (
        Account,
        AccountKind,
        AccountState,
        LegalRepresentative,
        Responsibility,
        name_search_text,
    )

    people = []
    for student in students:
        for rank in range(1, rng.choice((1, 2, 2)) + 1):
            first = rng.choice(FIRST)
            people.append(
                (
                    student,
                    rank,
                    LegalRepresentative(
                        establishment=establishment,
                        personne_id=f"{establishment.uai}{student.pk}-{rank}",
                        civility="Mme" if rank == 1 else "M.",
                        last_name=student.last_name,
                        first_name=first,
                        search_text=name_search_text(student.last_name, first),
                    ),
                )
            )
    created = LegalRepresentative.objects.bulk_create([p[2] for p in people], batch_size=1000)
    Responsibility.objects.bulk_create(
        [
            Responsibility(student=student, representative=rep, level=Responsibility.Level.LEGAL, rank=rank)
            for (student, rank, _), rep in zip(people, created, strict=True)
        ],
        batch_size=1000,
    )
    accounts = []
    for rep in created:
        state = rng.choice([AccountState.INFORMED] * 5 + [AccountState.NOT_INFORMED, AccountState.ACTIVATED])
        accounts.append(
            bench_account(
                f"{identifier_base(rep.first_name, rep.last_name)}.r{rep.pk}",
                state,
                now=now,
                expires=expires,
                email=f"parent{rep.pk}@example.org",
                kind=AccountKind.REPRESENTATIVE,
                establishment=establishment,
                representative=rep,
            )
        )
    Account.objects.bulk_create(accounts, batch_size=1000)


def bench_account(identifier: str, state, *, now, expires, email: str, **owner):
    """An unsaved account in `state`: a provisional password (encrypted, as the import leaves it)
    until activated, then an e-mail address and a chosen password instead."""
    from accounts.models import Account, AccountState
    from educonnect import crypto

    provisional = state in (AccountState.NOT_INFORMED, AccountState.INFORMED)
    return Account(
        identifier=identifier,
        state=state,
        provisional_password_encrypted=crypto.encrypt(crypto.generate_provisional_password()) if provisional else "",
        provisional_password_expires_at=expires if provisional else None,
        password_hash="" if provisional else "argon2$bench$not-a-real-hash",
        last_notified_at=None if state == AccountState.NOT_INFORMED else now,
        email="" if provisional else email,
        **owner,
    )


def analyze():
    """Fresh planner statistics, as autovacuum gives a real database after an import."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def head_of(establishment, username: str):
    from delegations.models import Assignment, User

    user = User.objects.create(username=username, first_name="Monique", last_name="JAMIER", civility="Mme")
    Assignment.objects.create(
        user=user, establishment=establishment, function=Assignment.Function.DIR, title="Principale"
    )
    return user
