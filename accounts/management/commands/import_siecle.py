"""python manage.py import_siecle [--uai UAI] [--name NAME] [--dry-run] [--force] [--json] FILE..."""

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.siecle.errors import SiecleImportError
from accounts.siecle.importer import CLI_ACTOR_LABEL, siecle_import
from accounts.siecle.summary import summary


class Command(BaseCommand):
    help = (
        "Importe les exports SIECLE (Élèves, Responsables, Nomenclature, Structures ; .xml ou .zip, "
        "dans n'importe quel ordre, un ZIP peut les contenir tous) d'un établissement, en une seule "
        "transaction. Les autres exports (BEE_COMMUN, STS…) sont ignorés et listés."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FICHIER")
        parser.add_argument("--uai", help="UAI attendu ; les fichiers d'un autre établissement sont refusés")
        parser.add_argument("--name", help="nom de l'établissement (à sa création, ou pour le renommer)")
        parser.add_argument("--json", action="store_true", help="affiche un seul objet JSON")
        parser.add_argument(
            "--dry-run", action="store_true", help="affiche le rapport de ce que ferait l'import, sans rien écrire"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="importe malgré les garde-fous (aucun élève actif, trop d'élèves sortis, export plus ancien "
            "que le dernier importé, fichiers d'années ou de dates différentes)",
        )

    def handle(self, *args, **options):
        try:
            report = siecle_import(
                paths=options["files"],
                uai=options["uai"],
                name=options["name"],
                actor_label=CLI_ACTOR_LABEL,
                dry_run=options["dry_run"],
                force=options["force"],
            )
        except SiecleImportError as exc:
            if options["json"]:
                payload = {"uai": (options["uai"] or "").upper(), "errors": exc.errors, "forceable": exc.forceable}
                self.stdout.write(json.dumps(payload, ensure_ascii=False))
            errors = "\n".join(f"  - {message}" for message in exc.errors)
            hint = (
                "\nCes garde-fous protègent l'établissement ; relancez avec --force pour importer malgré tout."
                if exc.forceable
                else ""
            )
            raise CommandError(f"Import SIECLE refusé, aucune donnée n'a été modifiée :\n{errors}{hint}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(summary(report))
