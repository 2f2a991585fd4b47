"""python manage.py generate_siecle --uai UAI --students N [--seed S] [--kind K] [--old-format]
[--extra PEOPLE.json] [--date AAAA-MM-JJ] [--realistic-nomenclature] --out DIR"""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.siecle.generator import generate
from educonnect.validators import is_valid_uai


class Command(BaseCommand):
    help = (
        "Écrit quatre exports SIECLE synthétiques (ElevesSansAdresses, ResponsablesAvecAdresses, "
        "Nomenclature, Structures), zippés en ISO-8859-15, identiques pour une même graine et une même date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--uai", required=True)
        parser.add_argument("--students", type=int, required=True, help="nombre d'élèves générés (hors --extra)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--kind", choices=["college", "lycee", "lp"], help="par défaut : collège jusqu'à 900 élèves"
        )
        parser.add_argument("--old-format", action="store_true", help="NOM et RESP_LEGAL (exports d'avant 2016/2018)")
        parser.add_argument("--extra", type=Path, help="fichier JSON de personnes nommées à ajouter telles quelles")
        parser.add_argument("--date", help="date d'export AAAA-MM-JJ (par défaut : aujourd'hui)")
        parser.add_argument(
            "--realistic-nomenclature",
            action="store_true",
            help="Nomenclature comme les vraies : toute l'offre de l'académie (pseudo-MEF « VIE ACTIVE »…, "
            "libellés FORMATION répétés), variantes de MEF d'un même niveau",
        )
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args, **options):
        uai = options["uai"].upper()
        if not is_valid_uai(uai):
            raise CommandError(f"Code UAI « {uai} » invalide.")
        if options["students"] < 0:
            raise CommandError("--students doit être positif.")
        extra = None
        if options["extra"]:
            try:
                extra = json.loads(options["extra"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{options['extra']} : fichier JSON illisible ({exc}).") from exc
        try:
            export_date = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Date « {options['date']} » invalide (AAAA-MM-JJ).") from exc
        manifest = generate(
            options["out"],
            uai=uai,
            students=options["students"],
            seed=options["seed"],
            kind=options["kind"],
            old_format=options["old_format"],
            extra=extra,
            export_date=export_date,
            realistic_nomenclature=options["realistic_nomenclature"],
        )
        self.stdout.write(
            f"Exports SIECLE écrits dans {options['out']} : {manifest.students} élèves "
            f"({manifest.active_students} actifs, {manifest.leavers} sortis, {manifest.inactifs} inactifs), "
            f"{manifest.representatives} représentants légaux ({manifest.active_representatives} actifs), "
            f"{manifest.contacts} contacts, {len(manifest.divisions)} classes."
        )
