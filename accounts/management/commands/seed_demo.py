from django.core.management.base import BaseCommand

from accounts.demo import DEMO_FAMILY_PASSWORD, DEMO_PASSWORD, ESTABLISHMENTS, seed_demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent): establishments from fixtures/demo, staff, delegations, states."

    def handle(self, *args, **options):
        result = seed_demo()
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS("Données de démonstration chargées."))
        for spec in ESTABLISHMENTS:
            out.write(f"  {spec.uai}  {spec.name}")
        out.write("")
        out.write(f"Agents (mot de passe commun : {DEMO_PASSWORD}) — portail : http://127.0.0.1:8000/connexion/")
        for staff in result["staff"]:
            totp = result["totp"].get(staff.username)
            extra = f"  TOTP (base32) : {totp}" if totp else ""
            out.write(
                f"  {staff.username:<18} {staff.civility} {staff.first_name} {staff.last_name}, {staff.title} ({staff.uai}){extra}"
            )
        out.write(f"  {'operateur':<18} opérateur académique (administration Django : /plateforme/)")
        out.write("")
        out.write(
            "Familles : l'identifiant et le mot de passe provisoire figurent sur les courriers et dans les listes ; "
            f"les comptes déjà activés de la démo ont le mot de passe {DEMO_FAMILY_PASSWORD}"
        )
        out.write("Espace usager : http://127.0.0.1:8000/compte/connexion/")
        for line in result["extra"]:
            out.write(line)
