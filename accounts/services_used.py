"""Extension point: the school services an account signed in to.

The identity provider (the `oidc` app, above accounts) registers its selector in its
AppConfig.ready(); the administration account page and the family's /compte/ page show the list
without accounts importing it (STYLE.md, « Who may import whom »).
"""

_providers: list = []


def register_services_used_provider(provider) -> None:
    """`provider(account) -> list` of objects with `name` and `last_signed_in_at`, latest first."""
    if provider not in _providers:
        _providers.append(provider)


def services_used(account) -> list:
    return [use for provider in _providers for use in provider(account)]
