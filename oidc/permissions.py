"""Who may sign in to a service (PRODUCT.md §7, docs/oidc.md)."""

from accounts.enduser.session import pending_step
from accounts.models import Account, AccountKind


def account_may_use_services(account: Account) -> bool:
    """A pupil or a legal representative whose first sign-in is done (own password chosen, e-mail
    and birth date given: « En cours d'activation » or « Activé ») and who is still on the rolls.
    Staff are not accounts: they can never be here."""
    if pending_step(account) is not None:
        return False
    owner = account.student if account.kind == AccountKind.STUDENT else account.representative
    return owner is not None and owner.is_active


def service_open_to(service, account: Account) -> bool:
    """A service limited to some establishments admits only their accounts."""
    allowed = [e.pk for e in service.establishments.all()]
    return not allowed or account.establishment_id in allowed


def can_sign_in_to(account: Account, service) -> bool:
    return account_may_use_services(account) and service_open_to(service, account)


def token_still_valid(token, account: Account) -> bool:
    """A grant or token issued before a reset / identifier reset / password change is dead, and so
    is every token of an account that may no longer use services."""
    return token.account_version == account.session_version and account_may_use_services(account)
