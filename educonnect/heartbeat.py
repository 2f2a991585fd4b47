"""Background workers' heartbeats, read by `/sante/` (educonnect/health.py).

`manage.py worker` (django-tasks-db's `db_worker` with a heartbeat) writes its row when it starts,
after each task it runs, and every EDUCONNECT_WORKER_HEARTBEAT_SECONDS from a small thread while the
process lives (a long task — a 2,000-letter notification — does not make the worker look dead).
"""

import os
import socket
import threading

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat


def beat(worker_id: str, *, started: bool = False, task_done: bool = False) -> None:
    now = timezone.now()
    if not started:
        changes = {"last_beat_at": now}
        if task_done:
            changes["tasks_run"] = F("tasks_run") + 1
        if WorkerHeartbeat.objects.filter(worker_id=worker_id).update(**changes):
            return
        # The row was pruned (or the table emptied) while the worker ran: write it again.
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "last_beat_at": now,
            **({"started_at": now, "tasks_run": 0} if started else {}),
        },
        create_defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": now,
            "last_beat_at": now,
            "tasks_run": int(task_done),
        },
    )
    if started:
        # Rows of workers stopped for more than a day say nothing useful any more.
        WorkerHeartbeat.objects.filter(last_beat_at__lt=now - timezone.timedelta(days=1)).delete()


def last_beat():
    """When the most recent worker heartbeat was written (None: no worker ever beat)."""
    return WorkerHeartbeat.objects.order_by("-last_beat_at").values_list("last_beat_at", flat=True).first()


class BeatingThread(threading.Thread):
    """Beats every `interval` seconds until `stop` is set (its own database connection)."""

    def __init__(self, worker_id: str, interval: float | None = None):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval or settings.EDUCONNECT_WORKER_HEARTBEAT_SECONDS
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(self.interval):
            try:
                beat(self.worker_id)
            finally:
                connection.close()
