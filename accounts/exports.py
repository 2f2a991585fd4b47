"""« Lister les comptes »: the list of student accounts with their provisional passwords, as a PDF
(one table per class, for handing out in class) or a CSV (French Excel: `;`, UTF-8 with BOM,
formula injection neutralised). Every listing writes an ACCOUNTS_LISTED audit event (no password).

The PDF is drawn by the kernel's fast table writer (`educonnect.pdftable`): a whole lycée in well
under a second, in memory that does not grow with the list (docs/performance.md, bench/list_pdf)."""

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
from educonnect.pdftable import MM, MUTED, Cell, Face, Para, Section, Table, render_table_pdf

from . import display
from .models import Account
from .passwords import provisional_password

NO_PROVISIONAL = "Mot de passe personnel"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = ["Élève", "Nom", "Prénom", "Classe", "MEF", "Identifiant", "Mot de passe provisoire", "État du compte"]
PDF_TITLE = "ÉduConnect — Liste des comptes élèves"
PDF_COLUMNS = ["Élève", "Classe", "Identifiant", "Mot de passe provisoire"]
BODY = Face(9.5)
BODY_MARGIN = 6  # pt: what a browser puts around an HTML body, kept from the former WeasyPrint layout
SECRET = Face(9.5, bold=True, mono=True, spacing=0.6)
NONE = Face(9.5, color=MUTED)


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
    """One table per class, each from a new page, under the establishment and the date."""
    title = Para(PDF_TITLE, Face(13, bold=True), after=2 * MM)
    meta = Para(
        f"{establishment.name} ({establishment.uai}) — édité le {display.text_moment(timezone.localtime())}. "
        "Le mot de passe provisoire est à modifier lors de la première connexion.",
        Face(8.5, color=MUTED),
        after=5 * MM,
    )
    sections = []
    for division, group in groupby(rows, key=lambda r: r.division):
        lines = list(group)
        heading = f"Classe {division or 'Sans classe'} — {display.plural(len(lines), 'élève')}"
        cells = [
            (
                display.list_name_of(line.student),
                line.division,
                line.account.identifier,
                Cell(line.password, SECRET) if line.password else Cell(NO_PROVISIONAL, NONE),
            )
            for line in lines
        ]
        sections.append(Section(cells, intro=(title, meta), heading=Para(heading, Face(12, bold=True), after=3 * MM)))
    return render_table_pdf(
        Table(
            title=f"Liste des comptes élèves — {establishment.name}",
            columns=PDF_COLUMNS,
            whole=frozenset({2, 3}),
            sections=sections,
            body=BODY,
            head=Face(8.5, bold=True),
            head_fill=(0.933, 0.933, 0.933),
            padding=(2 * MM, 2.5 * MM),
            margins=(16 * MM + BODY_MARGIN, 14 * MM + BODY_MARGIN, 18 * MM, 14 * MM + BODY_MARGIN),
            empty=(title, Para("Aucun compte.", BODY)),
        )
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
