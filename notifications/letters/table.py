"""The correspondence table of the 2018 guide (Annexe 1, A1.1): which letter a notification sends,
by account state × « avec réinitialisation du mot de passe » × channel.

| État du compte            | seule: feuille | seule: mail | avec réinit.: feuille | avec réinit.: mail |
|---------------------------|----------------|-------------|-----------------------|--------------------|
| Non activé - non informé  | C01            | C02         | C01                   | C02                |
| Non activé - informé      | C01            | C02         | C01                   | C02                |
| En cours d'activation     | C03            | C04         | C05                   | C06                |
| Activé                    | C03            | C04         | C05                   | C06                |

C07 (« Validation de l'adresse mail », the activation e-mail with its link) is not chosen here: it is
sent at the user's first sign-in by the end-user side (`accounts/activation.py`,
`templates/emails/activation*`).
"""

from enum import StrEnum

from accounts.models import AccountState


class LetterCode(StrEnum):
    C01 = "C01"  # distribution d'un compte, feuille individuelle
    C02 = "C02"  # distribution d'un compte, courrier électronique
    C03 = "C03"  # redistribution (mot de passe inchangé), feuille individuelle
    C04 = "C04"  # redistribution (mot de passe inchangé), courrier électronique
    C05 = "C05"  # nouveau mot de passe provisoire, feuille individuelle
    C06 = "C06"  # nouveau mot de passe provisoire, courrier électronique
    C07 = "C07"  # validation de l'adresse mail (activation), courrier électronique — accounts/activation.py


SHEET = "sheet"
EMAIL = "email"

# (not yet activated?, with_reset, channel) → letter
_TABLE = {
    (True, False, SHEET): LetterCode.C01,
    (True, False, EMAIL): LetterCode.C02,
    (True, True, SHEET): LetterCode.C01,
    (True, True, EMAIL): LetterCode.C02,
    (False, False, SHEET): LetterCode.C03,
    (False, False, EMAIL): LetterCode.C04,
    (False, True, SHEET): LetterCode.C05,
    (False, True, EMAIL): LetterCode.C06,
}

NOT_ACTIVATED = {AccountState.NOT_INFORMED, AccountState.INFORMED}

# Letters that print a provisional password (the others remind the identifier only).
WITH_PASSWORD = {LetterCode.C01, LetterCode.C02, LetterCode.C05, LetterCode.C06}
SHEET_LETTERS = {LetterCode.C01, LetterCode.C03, LetterCode.C05}
EMAIL_LETTERS = {LetterCode.C02, LetterCode.C04, LetterCode.C06}


def letter_for(state: str, *, with_reset: bool, channel: str) -> LetterCode:
    """The letter of the guide's table for an account in `state`."""
    if channel not in (SHEET, EMAIL):
        raise ValueError(f"unknown channel {channel!r}")
    return _TABLE[(state in NOT_ACTIVATED, bool(with_reset), channel)]
