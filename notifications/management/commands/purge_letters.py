from django.core.management.base import BaseCommand

from educonnect import idempotency
from notifications.jobs import purge_letters


class Command(BaseCommand):
    help = (
        "Supprime les courriers PDF (mots de passe provisoires) dont le délai de conservation est dépassé, "
        "et les clés d'idempotence des formulaires devenues inutilisables."
    )

    def handle(self, *args, **options):
        count = purge_letters()
        self.stdout.write(f"{count} courrier(s) supprimé(s).")
        keys = idempotency.purge()
        self.stdout.write(f"{keys} clé(s) d'idempotence expirée(s) supprimée(s).")
