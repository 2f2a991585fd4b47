"""python manage.py build_academie [--establishments 200] [--templates 6] [--scale 1.0] [--seed 1]"""

from django.core.management.base import BaseCommand, CommandError

from accounts.academie import FAMILY_PASSWORD, STAFF_PASSWORD, build_academie


class Command(BaseCommand):
    help = (
        "Construit une académie entière dans une base PostgreSQL vide, pour les mesures de performance : "
        "quelques établissements générés importés par l'import SIECLE réel, puis copiés en SQL "
        "(≈ 200 établissements, 250 000 élèves, 400 000 représentants légaux par défaut). "
        "Jamais sur une base de production : données synthétiques, mots de passe connus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--establishments", type=int, default=200, help="nombre d'établissements (200)")
        parser.add_argument(
            "--templates", type=int, default=6, help="établissements importés par l'import SIECLE (1 à 6)"
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="facteur de taille des établissements (1.0 ≈ 1 270 élèves)"
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        try:
            report = build_academie(
                establishments=options["establishments"],
                templates=options["templates"],
                scale=options["scale"],
                seed=options["seed"],
                log=lambda message: self.stdout.write(f"  {message}") if options["verbosity"] > 1 else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Académie construite : {report.establishments} établissements ({report.templates} importés), "
            f"{report.students} élèves, {report.representatives} représentants légaux, {report.accounts} comptes, "
            f"{report.staff} personnels, {report.delegations} délégations."
        )
        for step, seconds in report.timings.items():
            self.stdout.write(f"  {step} : {seconds:.1f} s")
        self.stdout.write(
            f"Mot de passe des personnels : {STAFF_PASSWORD} ; des comptes famille activés : {FAMILY_PASSWORD}"
        )
