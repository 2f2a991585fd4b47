"""Timing helpers shared by the benchmarks: the load average to print beside every figure, median wall
times, and CPU time of this process plus its PostgreSQL backend (what a quiet machine would take)."""

import os
import statistics
import time
from pathlib import Path


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f}"


def median_ms(function, runs: int) -> float:
    function()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def backend_cpu_ms() -> float:
    """CPU time used so far by this connection's PostgreSQL backend (local server: /proc)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ms(function, runs: int) -> float:
    """Mean CPU per call: this process + its PostgreSQL backend (what a quiet machine would take)."""
    function()
    backend, started = backend_cpu_ms(), time.process_time()
    for _ in range(runs):
        function()
    return ((time.process_time() - started) * 1000 + backend_cpu_ms() - backend) / runs
