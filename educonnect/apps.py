from django.apps import AppConfig


class EduconnectConfig(AppConfig):
    name = "educonnect"
    verbose_name = "Noyau EduConnect"
