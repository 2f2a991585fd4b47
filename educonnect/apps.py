from django.apps import AppConfig, apps
from django.core.checks import Tags, register

# /plateforme/ speaks French (issue 14 item 5): the names the Django admin shows for the apps and
# models of third-party packages, set once here. Only `verbose_name*` on `_meta` (not
# `original_attrs`), so no migration of those packages is generated.
THIRD_PARTY_NAMES = {
    "otp_totp": ("Double authentification : applications TOTP", {"totpdevice": ("clé OTP (TOTP)", "clés OTP (TOTP)")}),
    "otp_static": (
        "Double authentification : codes statiques",
        {
            "staticdevice": ("jeu de codes statiques", "jeux de codes statiques"),
            "statictoken": ("code statique", "codes statiques"),
        },
    ),
    "django_tasks_database": ("Tâches d'arrière-plan", {"dbtaskresult": ("tâche", "tâches")}),
    "dsfr": (
        "Système de design de l'État",
        {"dsfrconfig": ("configuration du site (DSFR)", "configuration du site (DSFR)")},
    ),
}


def name_third_party_models_in_french() -> None:
    for label, (app_name, models) in THIRD_PARTY_NAMES.items():
        config = apps.app_configs.get(label)
        if config is None:
            continue
        config.verbose_name = app_name
        for model_name, (singular, plural) in models.items():
            meta = config.get_model(model_name)._meta
            meta.verbose_name, meta.verbose_name_plural = singular, plural


class EduconnectConfig(AppConfig):
    name = "educonnect"
    verbose_name = "Noyau ÉduConnect"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .checks import production_configuration
        from .collation import register_sqlite_collation

        register(production_configuration, Tags.security, deploy=True)
        connection_created.connect(register_sqlite_collation, dispatch_uid="educonnect_french_collation")
        name_third_party_models_in_french()
