"""One process at a time for a piece of work, across processes and machines: PostgreSQL advisory locks.

    with exclusive(NOTIFICATION_JOB, job.pk) as mine:
        if not mine:
            return  # another process holds it and will finish the work

A session-level advisory lock, taken without waiting and released at the end of the block — or
by PostgreSQL when the holder's connection ends (a killed worker never leaves it taken). It is
not a row lock and no transaction stays open: the block may send mail. On SQLite (the demo, one
worker) every caller gets it.
"""

from contextlib import contextmanager

from django.db import connection

# Namespaces (the first key of the two-key form), one per kind of work.
NOTIFICATION_JOB = 1


@contextmanager
def exclusive(namespace: int, key: int):
    if connection.vendor != "postgresql":
        yield True
        return
    key = key % 2**31  # the two-key form takes two int4
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, key])
        mine = cursor.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])
