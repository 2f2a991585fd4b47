from django.core.management.base import BaseCommand

from notifications.services import jobs_resume


class Command(BaseCommand):
    help = (
        "Relance les notifications en masse interrompues (elles reprennent où elles s'étaient arrêtées) "
        "et les mails restés en attente d'envoi. À lancer au démarrage du worker."
    )

    def handle(self, *args, **options):
        jobs, mails = jobs_resume()
        self.stdout.write(f"{jobs} notification(s) relancée(s), {mails} mail(s) remis en file d'envoi.")
