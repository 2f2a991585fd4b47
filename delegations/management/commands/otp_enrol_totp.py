"""Give a staff member a confirmed TOTP device and print its base32 secret (demo, operators).

manage.py otp_enrol_totp monique.jamier            # keeps an existing device, prints its secret
manage.py otp_enrol_totp monique.jamier --secret JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
"""

from django.core.management.base import BaseCommand, CommandError

from delegations.models import User
from delegations.otp_services import otp_enrol_totp


class Command(BaseCommand):
    help = "Enrôle un appareil TOTP pour un agent et affiche sa clé base32."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--secret", help="clé base32 à utiliser (sinon : celle de l'appareil existant, ou une nouvelle)"
        )

    def handle(self, *args, username, secret=None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Agent inconnu : {username}")
        try:
            key = otp_enrol_totp(user, secret=secret)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(key)
