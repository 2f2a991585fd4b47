"""Background tasks (Django's tasks framework; `manage.py db_worker` runs them)."""

import logging

from django.tasks import task

from .jobs import job_run
from .models import NotificationJob

logger = logging.getLogger(__name__)


@task
def run_notification_job(job_id: int) -> None:
    try:
        job_run(job_id)
    except Exception as exc:
        # The job stays resumable (`manage.py resume_notification_jobs`); staff see the error.
        NotificationJob.objects.filter(pk=job_id).update(error=f"{type(exc).__name__}")
        logger.exception("notification job %s failed", job_id)
        raise
