"""« Lister les comptes »: the list of student accounts with their provisional passwords, as a PDF
(one table per class, for handing out in class) or a CSV (French Excel: `;`, UTF-8 with BOM,
formula injection neutralised). Every listing writes an ACCOUNTS_LISTED audit event (no password)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from django.db import transaction
from django.utils import timezone

from delegations.models import Establishment
from educonnect import audit
from educonnect.collation import french_key
from educonnect.models import AuditAction
from educonnect.pdf import render_pdf

from . import display
from .models import Account
from .passwords import provisional_password

NO_PROVISIONAL = "Mot de passe personnel"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = ["Élève", "Nom", "Prénom", "Classe", "MEF", "Identifiant", "Mot de passe provisoire", "État du compte"]


@dataclass(frozen=True)
class StudentLine:
    account: Account
    password: str | None

    @property
    def student(self):
        return self.account.student

    @property
    def division(self) -> str:
        division = self.account.student.division
        return division.code if division else ""


def listed(accounts: Iterable[Account]) -> list[StudentLine]:
    """Accounts (with student, division and mef loaded) with their provisional password, ordered
    by class then name (French order, as the lists)."""
    rows = [StudentLine(a, provisional_password(a)) for a in accounts]
    rows.sort(
        key=lambda r: (r.division, french_key(r.student.last_name), french_key(r.student.first_name), r.account.pk)
    )
    return rows


def neutralise(value) -> str:
    """A cell a spreadsheet will never evaluate: a leading = + - @ tab or CR gets a `'` prefix."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def accounts_csv(rows: list[StudentLine]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in CSV_HEADER])
    for row in rows:
        student = row.student
        writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    display.list_name(student.first_name, student.last_name),
                    student.last_name,
                    student.first_name,
                    row.division,
                    str(student.mef) if student.mef else "",
                    row.account.identifier,
                    row.password or NO_PROVISIONAL,
                    row.account.get_state_display(),
                )
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_accounts_pdf(*, establishment: Establishment, rows: list[StudentLine]) -> bytes:
    classes = [
        {"division": division or "Sans classe", "rows": list(group)}
        for division, group in groupby(rows, key=lambda r: r.division)
    ]
    return render_pdf(
        "accounts/exports/accounts_list.html",
        {
            "establishment": establishment,
            "classes": classes,
            "generated_at": timezone.localtime(),
            "no_provisional": NO_PROVISIONAL,
        },
    )


@transaction.atomic
def accounts_list(
    *,
    actor,
    establishment: Establishment,
    accounts: Iterable[Account],
    file_format: str,
    request=None,
) -> bytes:
    """The file of « Lister les comptes » (`file_format` "pdf" or "csv"), audited."""
    if file_format not in {"pdf", "csv"}:
        raise ValueError(f"unknown format {file_format!r}")
    rows = listed(accounts)
    content = (
        accounts_csv(rows) if file_format == "csv" else render_accounts_pdf(establishment=establishment, rows=rows)
    )
    audit.record(
        action=AuditAction.ACCOUNTS_LISTED,
        actor=actor,
        establishment=establishment,
        target_label=f"{len(rows)} compte(s) élève(s)",
        request=request,
        details={"format": file_format, "count": len(rows), "account_ids": [r.account.pk for r in rows][:5000]},
    )
    return content
