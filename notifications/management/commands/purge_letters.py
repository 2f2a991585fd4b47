from django.core.management.base import BaseCommand

from notifications.jobs import purge_letters


class Command(BaseCommand):
    help = "Supprime les courriers PDF (mots de passe provisoires) dont le délai de conservation est dépassé."

    def handle(self, *args, **options):
        count = purge_letters()
        self.stdout.write(f"{count} courrier(s) supprimé(s).")
