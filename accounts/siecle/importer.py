"""The SIECLE import service: read and check every file, then write everything in ONE transaction.

A bad file raises SiecleImportError before anything is written; a failure while writing rolls the
whole import back. Re-importing the same files writes nothing but the establishment's import date
and the audit event."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account, AccountKind, Student
from accounts.precreation import accounts_precreate
from delegations.models import Establishment
from educonnect import audit
from educonnect.models import AuditAction

from .bundle import Bundle, read_bundle
from .errors import SiecleImportError
from .sync import Counts, legal_links, sync_divisions, sync_links, sync_mefs, sync_representatives, sync_students

CLI_ACTOR_LABEL = "import_siecle (ligne de commande)"

COLLEGE_MEF_PREFIXES = ("100", "101", "102", "103", "164", "165", "166", "167")
VOCATIONAL_MEF_PREFIXES = ("24", "25", "5")  # bac pro, CAP


@dataclass
class ImportReport:
    uai: str
    establishment: Establishment
    establishment_created: bool
    export_date: datetime.date | None
    school_year: int | None
    files: list[str]
    students: Counts = field(default_factory=Counts)
    representatives: Counts = field(default_factory=Counts)
    student_accounts: int = 0
    representative_accounts: int = 0
    accounts_created: int = 0

    def as_dict(self) -> dict:
        """The `--json` shape."""
        return {
            "uai": self.uai,
            "students": self.students.as_dict(),
            "representatives": self.representatives.as_dict(),
            "accounts": {"students": self.student_accounts, "representatives": self.representative_accounts},
            "errors": [],
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
                f"{label} : élève ELEVE_ID={record.eleve_id} : champ ID_NATIONAL : INE « {ine} » déjà porté "
                f"par l'élève ELEVE_ID={eleve_id} de l'établissement"
            )
    if errors:
        raise SiecleImportError(errors)


def siecle_import(
    *,
    paths: Sequence[str | Path],
    uai: str | None = None,
    name: str | None = None,
    actor=None,
    actor_label: str = "",
    today: datetime.date | None = None,
) -> ImportReport:
    """Import the SIECLE exports `paths` (any order, .xml or .zip). Raises SiecleImportError,
    with every problem found, before writing anything when a file is bad."""
    bundle = read_bundle(list(paths), uai=uai)
    check_against_database(bundle)
    try:
        return _write(bundle, name=name, actor=actor, actor_label=actor_label, today=today or timezone.localdate())
    except IntegrityError as exc:  # e.g. an identifier taken meanwhile by a concurrent import
        raise SiecleImportError(
            [f"Import SIECLE : écriture concurrente détectée ({exc.__class__.__name__}) ; relancez l'import"]
        ) from exc


@transaction.atomic
def _write(bundle: Bundle, *, name: str | None, actor, actor_label: str, today: datetime.date) -> ImportReport:
    now = timezone.now()
    establishment = Establishment.objects.select_for_update().filter(uai=bundle.uai).first()
    created = establishment is None
    if created:
        establishment = Establishment(uai=bundle.uai, name=name or "", kind=guess_kind(bundle))
        establishment.full_clean()
    elif name:
        establishment.name = name
    establishment.siecle_export_date = bundle.header.export_date
    establishment.siecle_school_year = bundle.header.school_year
    establishment.siecle_imported_at = now
    establishment.save()

    report = ImportReport(
        uai=bundle.uai,
        establishment=establishment,
        establishment_created=created,
        export_date=bundle.header.export_date,
        school_year=bundle.header.school_year,
        files=bundle.labels,
    )
    mefs = sync_mefs(establishment, bundle)
    divisions = sync_divisions(establishment, bundle, mefs)
    students, report.students = sync_students(establishment, bundle, divisions, mefs, today)
    links = legal_links(bundle)
    representatives, report.representatives = sync_representatives(establishment, bundle, links, students)
    sync_links(establishment, bundle, links, students, representatives)
    report.accounts_created = _create_missing_accounts(establishment, students, representatives, now)

    accounts = Account.objects.filter(establishment=establishment)
    report.student_accounts = accounts.filter(kind=AccountKind.STUDENT, student__is_active=True).count()
    report.representative_accounts = accounts.filter(
        kind=AccountKind.REPRESENTATIVE, representative__is_active=True
    ).count()
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
            **{k: v for k, v in report.as_dict().items() if k in ("students", "representatives", "accounts")},
        },
    )
    return report


def _create_missing_accounts(establishment, students: dict, representatives: dict, now) -> int:
    """Accounts for eligible students (active, with an INE) and active legal representatives that
    have none yet. Ordered by name so identifiers are allocated deterministically."""
    with_account = Account.objects.filter(establishment=establishment)
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
    if not new_students and not new_representatives:
        return 0
    accounts = accounts_precreate(
        establishment=establishment, students=new_students, representatives=new_representatives, now=now
    )
    return len(accounts)
