"""How accounts and people are shown, on every screen (staff and families), in every file and letter.

One vocabulary, so the same state has the same colour everywhere and a name is spelled one way:

- **State badges**: a DSFR badge per account state, in the lifecycle's order — grey « Non activé -
  non informé » (nothing sent yet), blue « Non activé - informé », orange « En cours d'activation »
  (the family has a step to finish), green « Activé ».
- **Names**: the family name is always written in capitals, as SIECLE records it (« N'DIAYE »,
  never « N'Diaye » on one screen and « N'DIAYE » on another); the first name as recorded.
  `list_name` (« NOM Prénom ») in tables, files and anything sorted by family name;
  `person_name` (« Prénom NOM », with the civility when given) in sentences, banners, headings
  and letters. Files (CSV) give `list_name` in their « Élève » column and the name fields as
  recorded in their « Nom » / « Prénom » columns (data for a spreadsheet, not display).
- **Dates**: `day` (« 07-09-2022 », the format of the account fields and list columns in the
  guides), or « Non renseignée » when there is none; in a sentence or a document's header,
  `text_day` (« le 22/09/2022 ») and `text_moment` (« 22/09/2022 à 14:05 »).
- **French plurals**: `plural(3, "compte")` → « 3 comptes »; 0 and 1 take the singular.
"""

import datetime

from django.utils import timezone

from educonnect.text import family_name, list_name, person_name, takes_plural

from .models import AccountState

__all__ = [
    "NO_EMAIL",
    "family_name",
    "list_name",
    "list_name_of",
    "person_name",
    "person_name_of",
    "day",
    "plural",
    "plural_word",
    "state_badge_class",
    "state_label",
    "text_day",
    "text_moment",
]

STATE_BADGE_CLASSES = {
    AccountState.NOT_INFORMED: "",
    AccountState.INFORMED: "fr-badge--info",
    AccountState.ACTIVATING: "fr-badge--warning",
    AccountState.ACTIVATED: "fr-badge--success",
}
UNKNOWN_DAY = "Non renseignée"
NO_EMAIL = "Non renseigné"


def state_label(state: str) -> str:
    try:
        return AccountState(state).label
    except ValueError:
        return state


def state_badge_class(state: str) -> str:
    return STATE_BADGE_CLASSES.get(state, "")


def list_name_of(person) -> str:
    """`list_name` of anything with `first_name` and `last_name` (a student, a row, a representative)."""
    return list_name(person.first_name, person.last_name)


def person_name_of(person) -> str:
    """`person_name` of a student, a representative (with their civility) or a row."""
    return person_name(person.first_name, person.last_name, getattr(person, "civility", ""))


def day(value: datetime.date | datetime.datetime | None, unknown: str = UNKNOWN_DAY) -> str:
    """« 07-09-2022 » (a datetime in local time), or `unknown`."""
    if not value:
        return unknown
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return value.strftime("%d-%m-%Y")


def text_day(value: datetime.date | datetime.datetime) -> str:
    """« 22/09/2022 », inside a sentence."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


def text_moment(value: datetime.datetime) -> str:
    """« 22/09/2022 à 14:05 » (local time), inside a sentence."""
    return timezone.localtime(value).strftime("%d/%m/%Y à %H:%M")


def plural_word(count: int, singular: str, plural_form: str | None = None) -> str:
    """« compte » or « comptes » for `count` (French: 0 and 1 take the singular)."""
    return (plural_form or f"{singular}s") if takes_plural(count) else singular


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 compte », « 3 comptes », « 2 représentants légaux »."""
    return f"{count} {plural_word(count, singular, plural_form)}"
