"""The SIECLE import service: read and check every file, then write everything in ONE transaction.

- A file-level fault raises SiecleImportError before anything is written; record-level faults are
  anomalies in the report, the import goes on (errors.py).
- Safety guards (no wipe, no roll-back; `check_guards`) raise SiecleImportGuarded unless `force`.
- A failure while writing rolls the whole import back.
- `dry_run=True` runs the same code with nothing written (sync.Writer) and returns the report of
  what the import would do, guards included.
- Re-importing the same files writes nothing but the establishment's import date, the report row
  and the audit event.
Each import that ran is recorded as an accounts.models.SiecleImport (its report)."""

import datetime
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account, AccountKind, SiecleImport, Student
from accounts.precreation import accounts_precreate
from delegations.models import Establishment
from educonnect import audit
from educonnect.models import AuditAction

from .bundle import Bundle, read_bundle
from .errors import Anomaly, SiecleImportError, SiecleImportGuarded
from .sync import (
    Counts,
    Writer,
    existing_of,
    legal_links,
    student_is_active,
    sync_divisions,
    sync_links,
    sync_mefs,
    sync_representatives,
    sync_students,
)

CLI_ACTOR_LABEL = "import_siecle (ligne de commande)"

COLLEGE_MEF_PREFIXES = ("100", "101", "102", "103", "164", "165", "166", "167")
VOCATIONAL_MEF_PREFIXES = ("24", "25", "5")  # bac pro, CAP

Progress = Callable[[int, str], None]

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    uai: str
    establishment: Establishment
    establishment_created: bool
    export_date: datetime.date | None
    school_year: int | None
    files: list[str]
    file_details: list[dict] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)
    students: Counts = field(default_factory=Counts)
    representatives: Counts = field(default_factory=Counts)
    mefs: Counts = field(default_factory=Counts)
    divisions: Counts = field(default_factory=Counts)
    student_accounts: int = 0
    representative_accounts: int = 0
    accounts_created: int = 0
    anomalies: list[Anomaly] = field(default_factory=list)
    anomaly_count: int = 0
    guards: list[str] = field(default_factory=list)  # tripped: refused, or overridden when forced
    forced: bool = False
    dry_run: bool = False
    record: SiecleImport | None = None

    def as_dict(self) -> dict:
        """The `--json` shape, also kept as SiecleImport.report."""
        kinds = {
            "students": self.students,
            "representatives": self.representatives,
            "mefs": self.mefs,
            "divisions": self.divisions,
        }
        return {
            "uai": self.uai,
            "students": self.students.as_dict(),
            "representatives": self.representatives.as_dict(),
            "accounts": {"students": self.student_accounts, "representatives": self.representative_accounts},
            "errors": [],
            "dry_run": self.dry_run,
            "establishment_created": self.establishment_created,
            "export_date": self.export_date.isoformat() if self.export_date else None,
            "school_year": self.school_year,
            "files": self.file_details,
            "ignored": self.ignored,
            "mefs": self.mefs.as_dict(),
            "divisions": self.divisions.as_dict(),
            "accounts_created": self.accounts_created,
            "examples": {name: counts.examples for name, counts in kinds.items() if counts.examples},
            "anomaly_count": self.anomaly_count,
            "anomalies": [a.as_dict() for a in self.anomalies],
            "guards": self.guards,
            "forced": self.forced,
        }


def guess_kind(bundle: Bundle) -> str:
    """Collège when most students are in 6e–3e MEFs; LP when most are in bac pro / CAP; else lycée."""
    codes = [s.code_mef for s in bundle.students.values() if s.code_mef]
    if not codes:
        return Establishment.Kind.COLLEGE
    college = sum(code.startswith(COLLEGE_MEF_PREFIXES) for code in codes)
    vocational = sum(code.startswith(VOCATIONAL_MEF_PREFIXES) for code in codes)
    if college * 2 > len(codes):
        return Establishment.Kind.COLLEGE
    if vocational * 2 > len(codes):
        return Establishment.Kind.LP
    return Establishment.Kind.LYCEE


def check_against_database(bundle: Bundle) -> None:
    """An INE of the export already held by another student of the establishment who keeps it."""
    by_ine = {s.ine: s for s in bundle.students.values() if s.ine}
    errors = []
    holders = Student.objects.filter(establishment__uai=bundle.uai, ine__in=list(by_ine)).values_list("eleve_id", "ine")
    label = bundle.eleves_label
    for eleve_id, ine in holders:
        record = by_ine[ine]
        if record.eleve_id == eleve_id:
            continue
        keeps = eleve_id not in bundle.students or bundle.students[eleve_id].ine == ine
        if keeps:
            errors.append(
                f"{label} : élève ELEVE_ID={record.eleve_id} ({record.name}) : champ ID_NATIONAL : INE « {ine} » "
                f"déjà porté par l'élève ELEVE_ID={eleve_id} de l'établissement"
            )
    if errors:
        raise SiecleImportError(errors)


def check_guards(bundle: Bundle, establishment: Establishment | None, today: datetime.date) -> list[str]:
    """Why this import could wipe or roll back the establishment (issue 15 item 3); [] when safe."""
    reasons = list(bundle.guards)
    active = {eleve_id for eleve_id, record in bundle.students.items() if student_is_active(record, today)}
    if not active:
        reasons.append(
            f"l'export Élèves ({bundle.eleves_label}) ne contient aucun élève actif "
            f"({len(bundle.students)} élève(s), aucun dans une classe sans date de sortie passée)"
        )
    if establishment is None or establishment.pk is None:
        return reasons
    export_date = bundle.header.effective_date
    if establishment.siecle_export_date and export_date and export_date < establishment.siecle_export_date:
        reasons.append(
            f"export du {export_date:%d/%m/%Y} plus ancien que le dernier importé "
            f"(du {establishment.siecle_export_date:%d/%m/%Y}) : il remettrait l'établissement dans un état passé"
        )
    active_now = set(existing_of(Student, establishment, is_active=True).values_list("eleve_id", flat=True))
    leaving = active_now - active - bundle.skipped_students
    share = settings.EDUCONNECT_SIECLE_MAX_LEFT_SHARE
    if active_now and len(leaving) / len(active_now) > share:
        reasons.append(
            f"{len(leaving)} élèves actifs sur {len(active_now)} ({100 * len(leaving) / len(active_now):.0f} %) "
            f"seraient marqués sortis (au plus {100 * share:.0f} % par import)"
        )
    return reasons


def siecle_import(
    *,
    paths: Sequence[str | Path],
    uai: str | None = None,
    name: str | None = None,
    actor=None,
    actor_label: str = "",
    today: datetime.date | None = None,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    record: SiecleImport | None = None,
) -> ImportReport:
    """Import the SIECLE exports `paths` (any order, .xml or .zip). Raises SiecleImportError,
    with every problem found, before writing anything when a file is bad; SiecleImportGuarded
    when a safety guard trips and not `force`. `record`: the browser import's row to complete."""
    bundle = read_bundle(list(paths), uai=uai, progress=progress)
    check_against_database(bundle)
    today = today or timezone.localdate()
    if dry_run:
        establishment = Establishment.objects.filter(uai=bundle.uai).first()
        guards = check_guards(bundle, establishment, today)
        created = establishment is None
        if created:
            establishment = Establishment(uai=bundle.uai, name=name or "", kind=guess_kind(bundle))
        report = _sync(bundle, establishment, Writer(write=False), today=today, now=timezone.now())
        report.establishment_created, report.guards, report.dry_run = created, guards, True
        return report
    if progress:
        progress(70, "Écriture des données")
    try:
        return _write(
            bundle,
            name=name,
            actor=actor,
            actor_label=actor_label,
            today=today,
            force=force,
            record=record,
        )
    except SiecleImportGuarded as exc:
        logger.warning("siecle import %s refused by its guards: %s", bundle.uai, "; ".join(exc.errors))
        raise
    except IntegrityError as exc:  # e.g. an identifier taken meanwhile by a concurrent import
        logger.warning("siecle import %s: concurrent write (%s)", bundle.uai, exc.__class__.__name__)
        raise SiecleImportError(
            [f"Import SIECLE : écriture concurrente détectée ({exc.__class__.__name__}) ; relancez l'import"]
        ) from exc


@transaction.atomic
def _write(
    bundle: Bundle, *, name: str | None, actor, actor_label: str, today: datetime.date, force: bool, record
) -> ImportReport:
    now = timezone.now()
    establishment = Establishment.objects.select_for_update().filter(uai=bundle.uai).first()
    guards = check_guards(bundle, establishment, today)  # under the lock: imports run one at a time
    if guards and not force:
        raise SiecleImportGuarded(guards)
    created = establishment is None
    if created:
        establishment = Establishment(uai=bundle.uai, name=name or "", kind=guess_kind(bundle))
        establishment.full_clean()
    elif name:
        establishment.name = name
    establishment.siecle_export_date = bundle.header.effective_date
    establishment.siecle_school_year = bundle.header.school_year
    establishment.siecle_imported_at = now
    establishment.save()

    report = _sync(bundle, establishment, Writer(write=True), today=today, now=now)
    report.establishment_created, report.guards, report.forced = created, guards, bool(guards)
    audit.record(
        action=AuditAction.SIECLE_IMPORTED,
        actor=actor,
        actor_label=actor_label,
        establishment=establishment,
        target=establishment,
        details={
            "files": report.files,
            "export_date": report.export_date.isoformat() if report.export_date else None,
            "school_year": report.school_year,
            "establishment_created": created,
            "accounts_created": report.accounts_created,
            "anomalies": report.anomaly_count,
            "forced": report.forced,
            "guards": report.guards,
            **{k: v for k, v in report.as_dict().items() if k in ("students", "representatives", "accounts")},
        },
    )
    report.record = _save_record(report, establishment, actor, actor_label, record, now)
    logger.info(
        "siecle import %s: export of %s, %d accounts created, %d anomalies%s",
        establishment.uai,
        report.export_date,
        report.accounts_created,
        report.anomaly_count,
        " (forced past: " + "; ".join(guards) + ")" if report.forced else "",
    )
    return report


def _sync(bundle: Bundle, establishment: Establishment, writer: Writer, *, today, now) -> ImportReport:
    report = ImportReport(
        uai=bundle.uai,
        establishment=establishment,
        establishment_created=False,
        export_date=bundle.header.effective_date,
        school_year=bundle.header.school_year,
        files=bundle.labels,
        file_details=bundle.files,
        ignored=bundle.ignored,
        anomalies=bundle.anomalies,
        anomaly_count=bundle.anomaly_count,
    )
    mefs, report.mefs = sync_mefs(establishment, bundle, writer)
    divisions, report.divisions = sync_divisions(establishment, bundle, mefs, writer)
    students, report.students = sync_students(establishment, bundle, divisions, mefs, today, writer)
    links = legal_links(bundle)
    representatives, report.representatives = sync_representatives(establishment, bundle, links, students, writer)
    if writer.write:
        sync_links(establishment, bundle, links, students, representatives)
    _accounts(report, establishment, students, representatives, now, writer)
    return report


def _accounts(report: ImportReport, establishment, students: dict, representatives: dict, now, writer: Writer):
    """Accounts for eligible students (active, with an INE) and active legal representatives that
    have none yet, ordered by name so identifiers are allocated deterministically; then the totals.
    A dry run counts them only."""
    with_account = existing_of(Account, establishment)
    student_ids = set(with_account.filter(student__isnull=False).values_list("student_id", flat=True))
    representative_ids = set(
        with_account.filter(representative__isnull=False).values_list("representative_id", flat=True)
    )

    def key(owner):
        return (owner.search_text, owner.pk)

    new_students = sorted((s for s in students.values() if s.is_active and s.ine and s.pk not in student_ids), key=key)
    new_representatives = sorted(
        (r for r in representatives.values() if r.is_active and r.pk not in representative_ids), key=key
    )
    if not writer.write:
        report.accounts_created = len(new_students) + len(new_representatives)
        report.student_accounts = sum(s.is_active and s.pk in student_ids for s in students.values())
        report.student_accounts += len(new_students)
        report.representative_accounts = sum(
            r.is_active and r.pk in representative_ids for r in representatives.values()
        )
        report.representative_accounts += len(new_representatives)
        return
    if new_students or new_representatives:
        created = accounts_precreate(
            establishment=establishment, students=new_students, representatives=new_representatives, now=now
        )
        report.accounts_created = len(created)
    accounts = Account.objects.filter(establishment=establishment)
    report.student_accounts = accounts.filter(kind=AccountKind.STUDENT, student__is_active=True).count()
    report.representative_accounts = accounts.filter(
        kind=AccountKind.REPRESENTATIVE, representative__is_active=True
    ).count()


def _save_record(report: ImportReport, establishment, actor, actor_label, record, now) -> SiecleImport:
    """The report row: the browser import's own row, else a new one (command line)."""
    if record is None:
        record = SiecleImport(public_id=uuid.uuid4(), source=SiecleImport.Source.COMMAND)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    record.establishment = establishment
    record.uai = establishment.uai
    record.status = SiecleImport.Status.DONE
    record.actor = record.actor or actor
    record.actor_label = (actor_label or (actor.get_username() if actor else ""))[:100]
    record.forced = report.forced
    record.finished_at = now
    record.export_date = report.export_date
    record.school_year = report.school_year
    record.report = report.as_dict()
    record.anomaly_count = report.anomaly_count
    record.accounts_created = report.accounts_created
    record.progress = 100
    record.step = "Import terminé"
    record.save()
    return record
