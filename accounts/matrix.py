"""The action matrix of PRODUCT.md §4 (guide rapide §3). A reset never changes the state.

Each predicate answers (allowed, reason): the reason is the French sentence shown to staff when
the action is refused.
"""

from .models import Account, AccountState

Decision = tuple[bool, str]
ALLOWED: Decision = (True, "")


def can_notify(account: Account) -> Decision:
    """(Re)notify, with or without reset: every state."""
    return ALLOWED


def notify_issues_new_password(account: Account, *, with_reset: bool) -> bool:
    """With « Avec réinitialisation du mot de passe », a new provisional password is made, except
    for an account never informed: its pre-created provisional password is still unused."""
    return with_reset and account.state != AccountState.NOT_INFORMED


def can_reset_password(account: Account) -> Decision:
    if account.state == AccountState.NOT_INFORMED:
        return (
            False,
            "Ce compte n'a pas encore été notifié (« Non activé - non informé ») : son mot de passe "
            "provisoire n'a jamais été distribué. Notifiez-le plutôt que de le réinitialiser.",
        )
    return ALLOWED


def can_resend_activation_email(account: Account) -> Decision:
    if account.state != AccountState.ACTIVATING:
        return (
            False,
            "Le mail d'activation ne peut être renvoyé qu'à un compte « En cours d'activation ».",
        )
    return ALLOWED


def can_list(account: Account) -> Decision:
    """« Lister les comptes » (PDF / CSV): every state."""
    return ALLOWED


def can_reset_identifier(account: Account) -> Decision:
    return ALLOWED
