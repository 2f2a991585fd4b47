from django.apps import AppConfig


def _services_address(account) -> dict:
    """The Paramètres internet address of the account's audience, when verified and switched on,
    for the C07 e-mail built by accounts.activation."""
    from accounts.models import AccountKind

    from .letters.content import REPRESENTATIVES, STUDENTS
    from .selectors import active_addresses

    audience = STUDENTS if account.kind == AccountKind.STUDENT else REPRESENTATIVES
    return {"services_url": active_addresses(account.establishment).get(audience, "")}


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from accounts.activation import register_email_context_provider

        register_email_context_provider(_services_address)
