"""Issue a single-use activation code so a member of staff can enrol a second factor from the
extranet (the operator's path; heads issue theirs in DELEG-CE). The code is printed once.

manage.py otp_enrolment_code monique.jamier
"""

from django.core.management.base import BaseCommand, CommandError

from delegations.models import User
from delegations.otp_enrolment import CODE_VALIDITY, enrolment_code_issue


class Command(BaseCommand):
    help = "Délivre un code d'activation à usage unique pour enrôler la clé OTP d'un agent depuis l'extérieur."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Agent inconnu ou inactif : {username}")
        code = enrolment_code_issue(user=user, actor_label="commande")
        hours = int(CODE_VALIDITY.total_seconds() // 3600)
        self.stderr.write(f"Code d'activation pour {user.get_username()}, valable {hours} heures, à usage unique :")
        self.stdout.write(code)
