"""« Lister les comptes » of legal representatives (guide détaillé §5.4): one line per (student,
legal representative) pair with the representative's identifier and provisional password, as a
PDF (the kernel's fast table writer, as the students' list) or a CSV (`;`, UTF-8 with BOM, formulas
neutralised). Audited, without any password."""

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from delegations.models import Establishment
from educonnect import audit
from educonnect.models import AuditAction
from educonnect.pdftable import MM, MUTED, Cell, Face, Para, Section, Table, render_table_pdf

from .. import display
from ..exports import BODY_MARGIN, SECRET, neutralise
from ..models import Account, Responsibility
from ..passwords import provisional_password

MASKED = "******"
CSV_HEADER = [
    "UAI",
    "Établissement",
    "Nom de l'élève",
    "Prénom de l'élève",
    "Niveau de l'élève",
    "Classe de l'élève",
    "Nom du responsable",
    "Prénom du responsable",
    "Identifiant",
    "Mot de passe",
]
PDF_COLUMNS = ["Nom élève", "Prénom élève", "Niveau", "Classe", "Nom", "Prénom", "Identifiant", "Mot de passe *"]
PDF_NOTE = (
    "* Seuls les mots de passe provisoires sont affichés, le mot de passe choisi par le responsable lors de "
    "l'activation de son compte est masqué."
)
BODY = Face(9)


@dataclass(frozen=True)
class RepresentativeLine:
    link: Responsibility
    password: str | None

    @property
    def account(self) -> Account:
        return self.link.representative.account

    @property
    def cells(self) -> list[str]:
        student, representative = self.link.student, self.link.representative
        return [
            student.last_name,
            student.first_name,
            str(student.mef) if student.mef else "",
            student.division.code if student.division else "",
            representative.last_name,
            representative.first_name,
            self.account.identifier,
            self.password or MASKED,
        ]


def lines(links) -> list[RepresentativeLine]:
    """Lines ordered by class, student, representative; each password decrypted once."""
    passwords: dict[int, str | None] = {}
    result = []
    for link in links:
        account = link.representative.account
        if account.pk not in passwords:
            passwords[account.pk] = provisional_password(account)
        result.append(RepresentativeLine(link, passwords[account.pk]))
    result.sort(
        key=lambda line: (
            line.link.student.division.code if line.link.student.division else "",
            line.link.student.last_name,
            line.link.student.first_name,
            line.link.representative.last_name,
            line.link.pk,
        )
    )
    return result


def representatives_csv(establishment: Establishment, rows: list[RepresentativeLine]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in [establishment.uai, establishment.name, *row.cells]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def representatives_pdf(establishment: Establishment, rows: list[RepresentativeLine]) -> bytes:
    intro = (
        Para(f"Date de création : {display.text_day(timezone.localtime())}", Face(8.5, color=MUTED), after=5 * MM),
        Para(f"Établissement : {establishment.uai} - {establishment.name}", BODY, after=3 * MM),
        Para("Liste des responsables", Face(13, bold=True), after=2 * MM),
    )
    cells = [[*row.cells[:7], Cell(row.password, SECRET) if row.password else MASKED] for row in rows]
    return render_table_pdf(
        Table(
            title=f"Liste des responsables — {establishment.name}",
            columns=PDF_COLUMNS,
            whole=frozenset({6, 7}),
            sections=[Section(cells, intro=intro)],
            body=BODY,
            head=Face(8.5, bold=True, color=(1, 1, 1)),
            head_fill=(0, 0, 0.569),
            padding=(1.6 * MM, 2 * MM),
            margins=(14 * MM + BODY_MARGIN, 12 * MM + BODY_MARGIN, 16 * MM, 12 * MM + BODY_MARGIN),
            landscape=True,
            note=(Para(PDF_NOTE, Face(8, color=MUTED)),),
            empty=(*intro, Para("Aucun compte.", BODY)),
        )
    )


@transaction.atomic
def representatives_list(*, actor, establishment: Establishment, links, file_format: str, request=None) -> bytes:
    """The file (`file_format` "pdf" or "csv") listing the selected pairs, audited."""
    if file_format not in {"pdf", "csv"}:
        raise ValueError(f"unknown format {file_format!r}")
    rows = lines(links)
    if file_format == "csv":
        content = representatives_csv(establishment, rows)
    else:
        content = representatives_pdf(establishment, rows)
    account_ids = sorted({row.account.pk for row in rows})
    audit.record(
        action=AuditAction.ACCOUNTS_LISTED,
        actor=actor,
        establishment=establishment,
        target_label=f"{len(account_ids)} compte(s) de représentants légaux",
        request=request,
        details={"format": file_format, "count": len(account_ids), "account_ids": account_ids[:5000]},
    )
    return content
