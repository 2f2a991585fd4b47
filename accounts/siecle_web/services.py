"""The browser import's steps, each a service: upload (files kept under MEDIA_ROOT, dry run
enqueued), the dry run and the import themselves (background tasks, accounts.tasks), confirm and
cancel. The import is `accounts.siecle.importer.siecle_import`, the command's very code path.

Files hold pupils' personal data: they are deleted as soon as the import is done, refused,
cancelled, or left unconfirmed for UPLOAD_TTL."""

import datetime
import logging
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from delegations.models import Establishment

from ..models import SiecleImport
from ..siecle.errors import SiecleImportError
from ..siecle.importer import siecle_import

logger = logging.getLogger(__name__)

UPLOAD_TTL = datetime.timedelta(hours=24)
UPLOAD_ROOT = "siecle-imports"
Status = SiecleImport.Status


class AlreadyHandled(Exception):
    """The import is no longer waiting for this step (a second click, another tab)."""


def upload_dir(record: SiecleImport) -> Path:
    return Path(settings.MEDIA_ROOT) / record.upload_dir


def import_upload(*, actor, files, establishment: Establishment | None, uai: str = "") -> SiecleImport:
    """Keep the uploaded files, record the import (status « checking ») and enqueue its dry run."""
    public_id = uuid.uuid4()
    relative = f"{UPLOAD_ROOT}/{public_id}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.mkdir(parents=True, exist_ok=False)
    target.chmod(0o700)
    names: set[str] = set()
    for position, upload in enumerate(files, start=1):
        name = get_valid_filename(Path(upload.name).name)[:100] or f"fichier-{position}"
        if name in names:
            name = f"{position}-{name}"
        names.add(name)
        with open(target / name, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    with transaction.atomic():
        record = SiecleImport.objects.create(
            public_id=public_id,
            establishment=establishment,
            uai=establishment.uai if establishment else uai,
            source=SiecleImport.Source.WEB,
            status=Status.CHECKING,
            actor=actor,
            actor_label=actor.get_username()[:100],
            step="En attente de vérification",
            upload_dir=relative,
        )
        transaction.on_commit(lambda: _enqueue("check_siecle_import", record.pk))
    logger.info("siecle import %s uploaded by %s: %d file(s)", public_id, actor.get_username(), len(names))
    return record


def _enqueue(name: str, record_id: int) -> None:
    from .. import tasks

    getattr(tasks, name).enqueue(record_id)


def _progress(record: SiecleImport):
    def report(percent: int, step: str) -> None:
        SiecleImport.objects.filter(pk=record.pk).update(progress=min(100, max(0, percent)), step=step[:200])

    return report


def _paths(record: SiecleImport) -> list[Path]:
    folder = upload_dir(record)
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def _refuse(record: SiecleImport, exc: SiecleImportError, *, status=Status.REFUSED) -> None:
    record.status = status
    record.report = {"errors": exc.errors, "forceable": exc.forceable}
    record.finished_at = timezone.now()
    record.progress, record.step = 100, "Import refusé"
    record.save(update_fields=["status", "report", "finished_at", "progress", "step"])
    delete_files(record)


def delete_files(record: SiecleImport) -> None:
    if record.upload_dir:
        shutil.rmtree(upload_dir(record), ignore_errors=True)


def run_check(record_id: int) -> SiecleImport:
    """The dry run of an upload (background task): the report of what the import would do."""
    record = SiecleImport.objects.select_related("establishment").get(pk=record_id)
    if record.status != Status.CHECKING:
        return record
    paths = _paths(record)
    if not paths:
        _refuse(record, SiecleImportError(["Les fichiers déposés ne sont plus disponibles : déposez-les à nouveau."]))
        return record
    try:
        report = siecle_import(paths=paths, uai=record.uai or None, dry_run=True, progress=_progress(record))
    except SiecleImportError as exc:
        _refuse(record, exc)
        logger.info("siecle import %s refused at check: %s", record.public_id, exc.errors[0])
        return record
    except Exception:
        logger.exception("siecle import %s: check failed", record.public_id)
        _refuse(record, SiecleImportError(["Erreur interne pendant la vérification."]), status=Status.FAILED)
        raise
    record.refresh_from_db()
    if record.status != Status.CHECKING:  # cancelled meanwhile
        return record
    record.status = Status.CHECKED
    record.uai = report.uai
    record.establishment = report.establishment if report.establishment.pk else None
    record.export_date, record.school_year = report.export_date, report.school_year
    record.report = report.as_dict()
    record.anomaly_count, record.accounts_created = report.anomaly_count, report.accounts_created
    record.progress, record.step = 100, "Vérification terminée"
    record.save()
    return record


def import_confirm(*, actor, record: SiecleImport, force: bool) -> SiecleImport:
    """« Importer »: only a checked import, once (a second click is told it is already done);
    `force` is needed when the dry run tripped a guard."""
    with transaction.atomic():
        locked = SiecleImport.objects.select_for_update().get(pk=record.pk)
        if locked.status != Status.CHECKED:
            raise AlreadyHandled(locked.get_status_display())
        if locked.report.get("guards") and not force:
            raise ValueError("force required")
        locked.status = Status.PENDING
        locked.forced = bool(force and locked.report.get("guards"))
        locked.actor = actor
        locked.actor_label = actor.get_username()[:100]
        locked.progress, locked.step = 0, "En attente d'import"
        locked.save(update_fields=["status", "forced", "actor", "actor_label", "progress", "step"])
        transaction.on_commit(lambda: _enqueue("run_siecle_import", locked.pk))
    logger.info("siecle import %s confirmed by %s (force=%s)", record.public_id, actor.get_username(), locked.forced)
    return locked


def import_cancel(*, actor, record: SiecleImport) -> SiecleImport:
    with transaction.atomic():
        locked = SiecleImport.objects.select_for_update().get(pk=record.pk)
        if locked.status not in (Status.CHECKING, Status.CHECKED):
            raise AlreadyHandled(locked.get_status_display())
        locked.status, locked.finished_at, locked.step = Status.CANCELLED, timezone.now(), "Annulé"
        locked.save(update_fields=["status", "finished_at", "step"])
    delete_files(locked)
    logger.info("siecle import %s cancelled by %s", record.public_id, actor.get_username())
    return locked


def run_import(record_id: int) -> SiecleImport:
    """The import of a confirmed upload (background task), by `siecle_import` like the command."""
    with transaction.atomic():
        record = SiecleImport.objects.select_for_update(of=("self",)).select_related("actor").get(pk=record_id)
        if record.status != Status.PENDING:
            return record
        record.status, record.progress, record.step = Status.RUNNING, 0, "Import en cours"
        record.save(update_fields=["status", "progress", "step"])
    try:
        siecle_import(
            paths=_paths(record),
            uai=record.uai or None,
            actor=record.actor,
            actor_label=record.actor_label,
            force=record.forced,
            progress=_progress(record),
            record=record,
        )
    except SiecleImportError as exc:
        _refuse(record, exc)
        logger.info("siecle import %s refused: %s", record.public_id, exc.errors[0])
    except Exception:
        logger.exception("siecle import %s failed", record.public_id)
        _refuse(
            record, SiecleImportError(["Erreur interne pendant l'import : rien n'a été modifié."]), status=Status.FAILED
        )
        raise
    else:
        delete_files(record)
    record.refresh_from_db()
    return record


def purge_stale_uploads(*, now=None) -> int:
    """Uploads checked but never confirmed within UPLOAD_TTL: cancelled, files deleted."""
    limit = (now or timezone.now()) - UPLOAD_TTL
    stale = list(SiecleImport.objects.filter(status__in=[Status.CHECKED, Status.CHECKING], created_at__lt=limit))
    for record in stale:
        SiecleImport.objects.filter(pk=record.pk).update(
            status=Status.CANCELLED, finished_at=timezone.now(), step="Expiré (non confirmé sous 24 h)"
        )
        delete_files(record)
    return len(stale)
