"""Nightly computation of the statistics (guide §6.1: « calculées automatiquement toutes les nuits »).
Run from cron, e.g. `15 2 * * * manage.py compute_statistics`. Idempotent."""

from django.core.management.base import BaseCommand, CommandError

from delegations.models import Establishment
from stats.services import statistics_refresh_all


class Command(BaseCommand):
    help = "Calcule les statistiques de tous les établissements (ou de ceux dont l'UAI est donné)."

    def add_arguments(self, parser):
        parser.add_argument("uai", nargs="*", help="UAI des établissements (tous par défaut)")

    def handle(self, *args, uai, **options):
        establishments = Establishment.objects.all()
        if uai:
            establishments = establishments.filter(uai__in=uai)
            missing = set(uai) - set(establishments.values_list("uai", flat=True))
            if missing:
                raise CommandError(f"Établissement inconnu : {', '.join(sorted(missing))}")
        count = statistics_refresh_all(establishments=list(establishments))
        self.stdout.write(f"Statistiques calculées pour {count} établissement(s).")
