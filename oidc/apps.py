from django.apps import AppConfig


class OidcConfig(AppConfig):
    name = "oidc"
    verbose_name = "Services connectés (OpenID Connect)"

    def ready(self):
        from accounts.demo import register_demo_seeder
        from accounts.services_used import register_services_used_provider

        from . import checks
        from .demo import seed_demo_ent
        from .selectors import services_used

        checks.register_checks()
        register_services_used_provider(services_used)
        register_demo_seeder(seed_demo_ent)
