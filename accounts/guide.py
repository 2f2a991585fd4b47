"""« Documentation — Accès au guide » of both modules (seed 002): an in-app French guide of what each
action does to each account state. The yes/no of the action matrix is computed from `accounts.matrix`
(the predicates the actions themselves obey), so the guide and the buttons never disagree.
"""

from dataclasses import dataclass

from django.shortcuts import render
from django.views.decorators.http import require_GET

from delegations.access import establishment_view
from delegations.permissions import Right

from . import matrix
from .models import Account, AccountState
from .troubleshooting.views import module_context

INFORMED = AccountState.INFORMED.label
UNCHANGED = "état inchangé"


@dataclass(frozen=True)
class Cell:
    allowed: bool
    effect: str = ""


@dataclass(frozen=True)
class ActionRow:
    key: str
    label: str
    description: str
    cells: list[Cell]


def _cells(predicate, effect) -> list[Cell]:
    cells = []
    for state in AccountState:
        account = Account(state=state)
        allowed, _reason = predicate(account)
        cells.append(Cell(allowed, effect(account) if allowed else ""))
    return cells


def _notify_effect(account) -> str:
    return (
        f"→ « {INFORMED} »"
        if account.state == AccountState.NOT_INFORMED
        else f"{UNCHANGED}, date d'information mise à jour"
    )


def _notify_reset_effect(account) -> str:
    if matrix.notify_issues_new_password(account, with_reset=True):
        return f"nouveau mot de passe provisoire, {UNCHANGED}"
    return f"sans nouveau mot de passe (le provisoire n'a jamais été distribué) → « {INFORMED} »"


def action_rows(*, administration: bool) -> list[ActionRow]:
    """The action matrix of PRODUCT.md §4, for the administration module or the troubleshooting one
    (which resets passwords and lists accounts of students only)."""
    reset = ActionRow(
        "reset_password",
        "Réinitialiser le mot de passe",
        "Attribue un nouveau mot de passe provisoire (valable 3 mois), à modifier à la prochaine connexion. "
        "L'ancien mot de passe ne fonctionne plus. L'état du compte ne change pas.",
        _cells(matrix.can_reset_password, lambda a: f"nouveau mot de passe provisoire, {UNCHANGED}"),
    )
    listing = ActionRow(
        "list",
        "Lister les comptes (PDF ou CSV)",
        "Produit la liste des comptes sélectionnés : identifiant, état et, s'il est encore provisoire, le mot de "
        "passe. Rien n'est modifié.",
        _cells(matrix.can_list, lambda a: "rien n'est modifié"),
    )
    if not administration:
        return [reset, listing]
    return [
        ActionRow(
            "notify",
            "(Re)notifier les comptes, sans réinitialisation",
            "Produit le courrier (PDF à imprimer et distribuer) ou envoie le mail qui donne l'identifiant et la "
            "marche à suivre pour activer le compte. Le mail ne contient jamais de mot de passe.",
            _cells(matrix.can_notify, _notify_effect),
        ),
        ActionRow(
            "notify_reset",
            "(Re)notifier avec réinitialisation du mot de passe",
            "Comme ci-dessus, avec un nouveau mot de passe provisoire imprimé sur le courrier. À utiliser avec "
            "précaution : l'ancien mot de passe ne fonctionnera plus.",
            _cells(matrix.can_notify, _notify_reset_effect),
        ),
        reset,
        ActionRow(
            "resend_activation",
            "Renvoyer le mail d'activation",
            "Renvoie le lien qui termine l'activation, éventuellement à une adresse corrigée. Utile seulement "
            "pendant l'activation.",
            _cells(matrix.can_resend_activation_email, lambda a: "nouveau lien d'activation, ancien lien inutilisable"),
        ),
        ActionRow(
            "reset_identifier",
            "Réinitialiser l'identifiant (cas rares)",
            "Attribue un nouvel identifiant ; l'ancien cesse immédiatement de fonctionner et le nouveau figure sur "
            "le prochain courrier.",
            _cells(matrix.can_reset_identifier, lambda a: f"nouvel identifiant, {UNCHANGED}"),
        ),
        listing,
    ]


STATES = [
    (
        AccountState.NOT_INFORMED.label,
        "Le compte a été créé à partir de SIECLE, mais ses identifiants n'ont jamais été distribués.",
    ),
    (
        AccountState.INFORMED.label,
        "Un courrier a été produit ou un mail envoyé : la personne peut se connecter avec son identifiant et son mot de passe provisoire.",
    ),
    (
        AccountState.ACTIVATING.label,
        "Première connexion faite : mot de passe choisi, adresse mail donnée et date de naissance vérifiée. Il reste à cliquer sur le lien du mail d'activation.",
    ),
    (AccountState.ACTIVATED.label, "Le lien du mail d'activation a été suivi : le compte est pleinement utilisable."),
]


def _context(establishment, *, administration: bool) -> dict:
    return {
        "establishment": establishment,
        "administration": administration,
        "states": STATES,
        "state_labels": [state.label for state in AccountState],
        "rows": action_rows(administration=administration),
        "page_title": "Guide",
        "tab": "guide",
    }


@require_GET
@establishment_view(Right.ADMINISTRATION)
def administration_guide(request, establishment):
    return render(request, "accounts/guide.html", _context(establishment, administration=True))


@require_GET
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def troubleshooting_guide(request, establishment):
    context = {**module_context(request, establishment, "guide"), **_context(establishment, administration=False)}
    return render(request, "accounts/guide.html", context)
