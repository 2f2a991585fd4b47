"""The Élèves list: one implementation for the troubleshooting module and the administration module,
each with its column set.

- one sort-key table (`SORT_KEYS`) and one state-sort expression (`state_rank`), which the
  legal-representatives list reuses through a path;
- one reading of a page: `accounts.selectors.student_account_values` (the ORM, `.values()`) into
  `StudentAccountRow`, a small row type with named fields;
- one row template: the `row` partial of `templates/accounts/lists/student_table.html`, which shows
  the cells of the list's column set.

The bulk actions resolve a selection with the same filter form and the same sort keys, on the
accounts themselves (`accounts.lists.resolve_selection`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Value, When

from educonnect.collation import french

from .. import display
from ..matrix import Decision, can_reset_password
from ..models import AccountState
from ..passwords import provisional_password
from ..structure import structure_of
from . import Column, ListSpec
from .filters import StudentAccountFilterForm

MASKED_PASSWORD = "********"


def state_rank(path: str = "state") -> Case:
    """The lifecycle order of the account states (« Non activé - non informé » first), for sorting
    by « État du compte »; `path` leads from the listed model to the account's state."""
    return Case(
        *(When(**{path: state}, then=Value(rank)) for rank, state in enumerate(AccountState.values)),
        output_field=IntegerField(),
    )


# The pupil's name in French order (« Céline » before « Clément »): educonnect.collation.
NAME = (french("student__last_name"), french("student__first_name"))
# Sort keys of the Élèves lists → ORM ordering from Account (ties broken by name, then by id).
SORT_KEYS = {
    "eleve": NAME,
    "classe": ("student__division__code", *NAME),
    "mef": ("student__mef__short_label", *NAME),
    "identifiant": ("identifier",),
    "etat": (state_rank(), *NAME),
    "mail": ("email", *NAME),
    "information": ("last_notified_at", *NAME),
    "connexion": ("last_login_at", *NAME),
}


def column(key: str, label: str) -> Column:
    """A column of an Élèves list; sortable when its key is in SORT_KEYS."""
    return Column(key, label, SORT_KEYS.get(key, ()))


class AdministrationStudentFilterForm(StudentAccountFilterForm):
    """The filters of the administration's Élèves tab, with the seed's labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].label = "Classe"
        self.fields["state"].label = "États des comptes"


TROUBLESHOOTING_STUDENTS = ListSpec(
    columns=(
        column("eleve", "Élève"),
        column("classe", "Classe"),
        column("mef", "MEF"),
        column("identifiant", "Identifiant"),
        column("mot_de_passe", "Mot de passe"),
        column("etat", "État du compte"),
        column("mail", "Mail"),
    ),
    filter_form=StudentAccountFilterForm,
    default_sort="eleve",
    selection_label="élève(s) sélectionné(s)",  # the troubleshooting module's wording
)
ADMINISTRATION_STUDENTS = ListSpec(
    columns=(
        column("eleve", "Élèves"),
        column("classe", "Classe"),
        column("identifiant", "Identifiant"),
        column("etat", "État du compte"),
        column("information", "Dernière information"),
        column("connexion", "Dernière connexion"),
    ),
    filter_form=AdministrationStudentFilterForm,
    default_sort="eleve",
)

# What a row reads: its field → the ORM path from Account (see selectors.student_account_values).
ROW_VALUES = {
    "pk": "pk",
    "identifier": "identifier",
    "state": "state",
    "email": "email",
    "provisional_password_encrypted": "provisional_password_encrypted",
    "provisional_password_expires_at": "provisional_password_expires_at",
    "last_notified_at": "last_notified_at",
    "last_login_at": "last_login_at",
    "first_name": "student__first_name",
    "last_name": "student__last_name",
    "division_id": "student__division_id",
    "mef_id": "student__mef_id",
}


@dataclass
class StudentAccountRow:
    """One line of an Élèves list: a student's account as the row shows it. The action matrix and
    `provisional_password` read it as they read an Account (state, provisional password fields)."""

    pk: int
    identifier: str
    state: str
    email: str
    provisional_password_encrypted: str
    provisional_password_expires_at: datetime.datetime | None
    last_notified_at: datetime.datetime | None
    last_login_at: datetime.datetime | None
    first_name: str
    last_name: str
    division_id: int | None
    mef_id: int | None
    # Filled from the establishment's structure (cached): the page query joins neither table.
    division: str = ""
    mef: str = ""
    # The provisional password in clear, when the list shows it (troubleshooting); None otherwise.
    password: str | None = field(default=None, repr=False)
    # « Réinitialiser le mot de passe » (allowed, why not) for the person viewing the list, when the
    # list shows that action (troubleshooting); None otherwise.
    reset_decision: Decision | None = None

    @property
    def list_name(self) -> str:
        return display.list_name(self.first_name, self.last_name)

    @property
    def person_name(self) -> str:
        return display.person_name(self.first_name, self.last_name)

    @property
    def shown_password(self) -> str:
        return self.password or MASKED_PASSWORD


def student_rows(
    establishment,
    values,
    *,
    with_passwords: bool = False,
    passwords: dict | None = None,
    abilities: dict | None = None,
) -> list:
    """`StudentAccountRow`s of `values` (dicts of ROW_VALUES' keys), with the class and MEF of the
    establishment's structure; `with_passwords` decrypts each provisional password (`passwords`,
    id → clear text, gives those a reset just made); `abilities` (the viewer's, from the access
    gate) decides each row's reset action and its « Pourquoi ? »."""
    structure = structure_of(establishment)
    passwords = passwords or {}
    rows = []
    for value in values:
        row = StudentAccountRow(**{name: value[name] for name in ROW_VALUES})
        row.division = structure.division_code(row.division_id)
        row.mef = structure.mef_label(row.mef_id)
        if with_passwords:
            row.password = passwords.get(row.pk) or provisional_password(row)
        if abilities is not None:
            row.reset_decision = can_reset_password(row, abilities=abilities)
        rows.append(row)
    return rows
