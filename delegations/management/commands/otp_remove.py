"""Remove every second factor of a member of staff (lost phone and backup codes); audited. The person
then enrols again from the intranet or with an activation code (`otp_enrolment_code`).

manage.py otp_remove monique.jamier
"""

from django.core.management.base import BaseCommand, CommandError

from delegations.models import User
from delegations.otp_services import otp_remove


class Command(BaseCommand):
    help = "Retire la clé OTP et les codes de secours d'un agent."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Agent inconnu : {username}")
        removed = otp_remove(user, actor_label="commande")
        self.stdout.write(f"{removed} appareil(s) retiré(s) pour {user.get_username()}.")
