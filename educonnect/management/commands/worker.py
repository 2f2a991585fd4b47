"""`manage.py worker`: django-tasks-db's `db_worker` that also writes a heartbeat (educonnect/heartbeat.py).

Same options as `db_worker` (no `--reload`). Run one per worker process (Procfile,
deploy/systemd/educonnect-worker@.service); `/sante/` answers 503 when no worker beat for
EDUCONNECT_WORKER_MAX_SILENCE seconds.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from educonnect import heartbeat


class HeartbeatWorker(Worker):
    def run(self) -> None:
        heartbeat.beat(self.worker_id, started=True)
        beating = heartbeat.BeatingThread(self.worker_id)
        beating.start()
        try:
            super().run()
        finally:
            beating.stop.set()

    def run_task(self, db_task_result) -> None:
        try:
            super().run_task(db_task_result)
        finally:
            heartbeat.beat(self.worker_id, task_done=True)


class Command(DbWorkerCommand):
    help = "Exécute les tâches de fond (db_worker) et publie un battement de cœur lu par /sante/."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        excluded = exclude_queues.split(",") if exclude_queues else []
        worker = HeartbeatWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
