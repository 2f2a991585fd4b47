"""The action matrix of PRODUCT.md §4 (guide rapide §3). A reset never changes the state.

Each predicate answers (allowed, reason): the reason is the French sentence shown to staff when
the action is refused (« Pourquoi ? » in the lists, the refusals of a bulk confirmation). Whether an
action is allowed depends on the account only; the reason also depends on who reads it: it names
the state that forbids the action and, as the way out, only what this person may do — given
`abilities`, the access gate's answers (`delegations.permissions.abilities`, `request.abilities`).
Without them, the reason offers nothing that needs a right.
"""

from collections.abc import Mapping

from .models import Account, AccountState

Decision = tuple[bool, str]
ALLOWED: Decision = (True, "")

NEVER_INFORMED = (
    "Ce compte n'a pas encore été notifié (« Non activé - non informé ») : son mot de passe provisoire "
    "n'a jamais été distribué."
)
# The way out of NEVER_INFORMED, for someone who may notify (the administration module's right)…
NOTIFY_INSTEAD = (
    "Notifiez-le plutôt que de le réinitialiser : « Informer » sur la page du compte, ou « (Re)notifier "
    "les comptes » dans l'administration des comptes."
)
# …and for someone who may not (a Dépannage delegation only).
NOTIFY_NEEDS_ADMINISTRATION = (
    "Sa première notification se fait dans « ÉduConnect - Administration des comptes », un droit que "
    "vous n'avez pas dans cet établissement : adressez-vous à la personne qui administre les comptes "
    "ÉduConnect (le chef d'établissement ou son délégué)."
)


def may_notify(abilities: Mapping[str, bool] | None) -> bool:
    """Notifying is an action of the administration module."""
    return bool(abilities and abilities.get("administer_accounts"))


def can_notify(account: Account) -> Decision:
    """(Re)notify, with or without reset: every state."""
    return ALLOWED


def notify_issues_new_password(account: Account, *, with_reset: bool) -> bool:
    """With « Avec réinitialisation du mot de passe », a new provisional password is made, except
    for an account never informed: its pre-created provisional password is still unused."""
    return with_reset and account.state != AccountState.NOT_INFORMED


def can_reset_password(account: Account, *, abilities: Mapping[str, bool] | None = None) -> Decision:
    if account.state == AccountState.NOT_INFORMED:
        way_out = NOTIFY_INSTEAD if may_notify(abilities) else NOTIFY_NEEDS_ADMINISTRATION
        return False, f"{NEVER_INFORMED} {way_out}"
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
