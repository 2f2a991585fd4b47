"""The Élèves list of the troubleshooting module: its spec (columns, filters, sort) and its rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When

from ..lists import Column, ListSpec
from ..lists.filters import StudentAccountFilterForm
from ..matrix import can_reset_password
from ..models import Account, AccountState
from ..passwords import provisional_password

MASKED_PASSWORD = "********"
NO_EMAIL = "Non renseigné"

# The lifecycle order, for sorting by « État du compte ».
STATE_ORDER = Case(
    *(When(state=state, then=Value(rank)) for rank, state in enumerate(AccountState.values)),
    output_field=IntegerField(),
)

STATE_BADGES = {
    AccountState.NOT_INFORMED: "fr-badge--new",
    AccountState.INFORMED: "fr-badge--info",
    AccountState.ACTIVATING: "fr-badge--warning",
    AccountState.ACTIVATED: "fr-badge--success",
}

STUDENT_ACCOUNTS = ListSpec(
    columns=(
        Column("eleve", "Élève", ("student__last_name", "student__first_name")),
        Column("classe", "Classe", ("student__division__code", "student__last_name", "student__first_name")),
        Column("mef", "MEF", ("student__mef__short_label", "student__last_name", "student__first_name")),
        Column("identifiant", "Identifiant", ("identifier",)),
        Column("mot_de_passe", "Mot de passe"),
        Column("etat", "État du compte", (STATE_ORDER, "student__last_name", "student__first_name")),
        Column("mail", "Mail", ("email", "student__last_name", "student__first_name")),
    ),
    filter_form=StudentAccountFilterForm,
    default_sort="eleve",
    per_page=50,
)


@dataclass(frozen=True)
class StudentRow:
    """What one line of the list shows; `password` is the provisional one, None when there is none."""

    account: Account
    password: str | None
    can_reset: bool
    refusal: str

    @classmethod
    def of(cls, account: Account, password: str | None = None) -> StudentRow:
        allowed, reason = can_reset_password(account)
        return cls(account, password or provisional_password(account), allowed, reason)

    @property
    def student(self):
        return self.account.student

    @property
    def name(self) -> str:
        """« Prénom NOM », as the banner of the seeds."""
        return f"{self.student.first_name} {self.student.last_name.upper()}"

    @property
    def shown_password(self) -> str:
        return self.password or MASKED_PASSWORD

    @property
    def email(self) -> str:
        return self.account.email or NO_EMAIL

    @property
    def badge_class(self) -> str:
        return STATE_BADGES.get(self.account.state, "")
