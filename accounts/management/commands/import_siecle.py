"""python manage.py import_siecle [--uai UAI] [--name NAME] [--json] FILE..."""

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.siecle.errors import SiecleImportError
from accounts.siecle.importer import CLI_ACTOR_LABEL, ImportReport, siecle_import


class Command(BaseCommand):
    help = (
        "Importe les exports SIECLE (Élèves, Responsables, Nomenclature, Structures ; .xml ou .zip, "
        "dans n'importe quel ordre) d'un établissement, en une seule transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FICHIER")
        parser.add_argument("--uai", help="UAI attendu ; les fichiers d'un autre établissement sont refusés")
        parser.add_argument("--name", help="nom de l'établissement (à sa création, ou pour le renommer)")
        parser.add_argument("--json", action="store_true", help="affiche un seul objet JSON")

    def handle(self, *args, **options):
        try:
            report = siecle_import(
                paths=options["files"], uai=options["uai"], name=options["name"], actor_label=CLI_ACTOR_LABEL
            )
        except SiecleImportError as exc:
            if options["json"]:
                self.stdout.write(
                    json.dumps({"uai": (options["uai"] or "").upper(), "errors": exc.errors}, ensure_ascii=False)
                )
            errors = "\n".join(f"  - {message}" for message in exc.errors)
            raise CommandError(f"Import SIECLE refusé, aucune donnée n'a été modifiée :\n{errors}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(summary(report))


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n <= 1 else plural}"


def summary(report: ImportReport) -> str:
    establishment = report.establishment
    lines = [f"Import SIECLE de l'établissement {establishment}"]
    if report.export_date:
        lines[0] += f" : données fournies par SIECLE le {report.export_date:%d/%m/%Y}"
    if report.establishment_created:
        lines.append("  Établissement créé" + ("" if establishment.name else " (nom à compléter)") + ".")
    for title, counts in (("Élèves", report.students), ("Représentants légaux", report.representatives)):
        lines.append(
            f"  {title} : {_plural(counts.created, 'créé', 'créés')}, "
            f"{_plural(counts.updated, 'mis à jour', 'mis à jour')}, "
            f"{_plural(counts.unchanged, 'inchangé', 'inchangés')}, "
            f"{_plural(counts.left, 'sorti', 'sortis')}."
        )
    lines.append(
        f"  Comptes ÉduConnect : {_plural(report.student_accounts, 'compte élève', 'comptes élèves')}, "
        f"{_plural(report.representative_accounts, 'compte représentant légal', 'comptes représentants légaux')}"
        f" ({_plural(report.accounts_created, 'créé', 'créés')} par cet import)."
    )
    return "\n".join(lines)
