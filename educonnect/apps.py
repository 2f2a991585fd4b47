from django.apps import AppConfig
from django.core.checks import Tags, register


class EduconnectConfig(AppConfig):
    name = "educonnect"
    verbose_name = "Noyau EduConnect"

    def ready(self):
        from .checks import production_configuration

        register(production_configuration, Tags.security, deploy=True)
