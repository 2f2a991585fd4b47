"""Background tasks of the accounts app (Django's tasks framework; `manage.py db_worker` runs them)."""

from django.tasks import task


@task
def check_siecle_import(import_id: int) -> None:
    """The dry run of a browser SIECLE import."""
    from .siecle_web.services import run_check

    run_check(import_id)


@task
def run_siecle_import(import_id: int) -> None:
    """A confirmed browser SIECLE import."""
    from .siecle_web.services import run_import

    run_import(import_id)
