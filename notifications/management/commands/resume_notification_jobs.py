from django.core.management.base import BaseCommand

from notifications.jobs import resume_unfinished


class Command(BaseCommand):
    help = "Relance les notifications en masse interrompues (elles reprennent où elles s'étaient arrêtées)."

    def handle(self, *args, **options):
        count = resume_unfinished()
        self.stdout.write(f"{count} notification(s) relancée(s).")
