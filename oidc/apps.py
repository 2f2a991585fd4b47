from django.apps import AppConfig


class OidcConfig(AppConfig):
    name = "oidc"
    verbose_name = "Services connectés (OpenID Connect)"

    def ready(self):
        from accounts.services_used import register_services_used_provider

        from . import checks  # noqa: F401  (registers the system checks)
        from .selectors import services_used

        register_services_used_provider(services_used)
