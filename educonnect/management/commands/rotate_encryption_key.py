"""Re-encrypt every value encrypted with educonnect.crypto under the current key.

Convention: encrypted values live in text fields whose name ends in `_encrypted` (accounts'
provisional passwords, notification job items waiting for their letter). Each row is rewritten in
its own short transaction under a row lock, so the command runs while the service is up.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from educonnect import crypto


def encrypted_fields():
    for model in apps.get_models():
        if model._meta.proxy:  # its table is its concrete model's (oidc.FamilyUser is an Account)
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField) and field.name.endswith("_encrypted"):
                yield model, field.name


class Command(BaseCommand):
    help = "Re-chiffre les mots de passe provisoires stockés avec la clé EDUCONNECT_ENCRYPTION_KEY actuelle."

    def handle(self, *args, **options):
        total = 0
        for model, name in encrypted_fields():
            count = 0
            ids = list(model.objects.exclude(**{name: ""}).values_list("pk", flat=True))
            for pk in ids:
                with transaction.atomic():
                    row = model.objects.select_for_update().filter(pk=pk).values_list(name, flat=True).first()
                    if row:
                        model.objects.filter(pk=pk).update(**{name: crypto.rotate(row)})
                        count += 1
            self.stdout.write(f"{model._meta.label}.{name} : {count} valeur(s) re-chiffrée(s)")
            total += count
        self.stdout.write(f"{total} valeur(s) re-chiffrée(s) avec la clé actuelle.")
