"""The Élèves list of the troubleshooting module: its spec (columns, filters, sort) and its rows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from ..lists import Column, ListSpec
from ..lists.filters import StudentAccountFilterForm
from ..matrix import can_reset_password
from ..models import Account, AccountState
from ..passwords import provisional_password
from ..selectors import ListedAccount
from ..structure import structure_of

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

    account: Account | ListedAccount
    password: str | None
    can_reset: bool
    refusal: str
    # The row's <tr>, when rendered by a RowRenderer (see `rendered`).
    html: str = ""

    @classmethod
    def of(cls, account: Account | ListedAccount, password: str | None = None) -> StudentRow:
        allowed, reason = can_reset_password(account)
        return cls(account, password or provisional_password(account), allowed, reason)

    def rendered(self, renderer: RowRenderer) -> StudentRow:
        return replace(self, html=renderer(self))

    @property
    def student(self):
        return self.account.student

    @property
    def name(self) -> str:
        """« Prénom NOM », as the banner of the seeds."""
        return f"{self.student.first_name} {self.student.last_name.upper()}"

    @property
    def display_name(self) -> str:
        """« Prénom Nom », as the list's rows show it."""
        return f"{self.student.first_name} {self.student.last_name.title()}"

    @property
    def shown_password(self) -> str:
        return self.password or MASKED_PASSWORD

    @property
    def email(self) -> str:
        return self.account.email or NO_EMAIL

    @property
    def badge_class(self) -> str:
        return STATE_BADGES.get(self.account.state, "")


# A row is rendered in Python (format_html escapes every value): 50 rows × 25 template lookups were
# most of the page's time, and this list must stay several times faster than the admin changelist.
ROW_HTML = (
    '<tr id="account-{pk}">'
    '<td class="ec-col-check"><div class="fr-checkbox-group fr-checkbox-group--sm">'
    '<input type="checkbox" id="select-{pk}" name="selection" value="{pk}">'
    '<label class="fr-label" for="select-{pk}"><span class="fr-sr-only">Sélectionner {name}</span></label>'
    "</div></td>"
    "<td>{display_name}</td><td>{division}</td><td>{mef}</td><td>{identifier}</td>"
    '<td><span class="ec-secret" data-ec-password>{password}</span></td>'
    '<td><p class="fr-badge fr-badge--sm {badge}">{state}</p></td>'
    "<td>{email}</td>"
    '<td class="ec-col-action">{action}</td>'
    "</tr>"
)
RESET_LINK_HTML = (
    '<a class="fr-btn fr-btn--sm fr-btn--secondary" href="{url}" hx-get="{url}" hx-target="#account-{pk}" '
    'hx-swap="outerHTML">Réinitialiser le mot de passe</a>'
)
REFUSED_HTML = (
    '<button class="fr-btn fr-btn--sm fr-btn--secondary" type="button" disabled aria-describedby="why-{pk}">'
    "Réinitialiser le mot de passe</button>"
    '<details class="ec-why"><summary>Pourquoi ?</summary><p id="why-{pk}">{reason}</p></details>'
)
_PK = 987654321


class RowRenderer:
    """Renders the rows of one establishment's list; the reset URL is reversed once, the class and
    the MEF come from the establishment's structure (the rows' query does not join them)."""

    def __init__(self, establishment, querystring: str = ""):
        self.reset_url = reverse("troubleshooting:reset_password", args=[establishment.uai, _PK])
        self.suffix = f"?{querystring}" if querystring else ""
        self.structure = structure_of(establishment)

    def __call__(self, row: StudentRow) -> SafeString:
        account, student = row.account, row.account.student
        pk = account.pk
        if row.can_reset:
            url = escape(self.reset_url.replace(str(_PK), str(pk)) + self.suffix)
            action = RESET_LINK_HTML.format(url=url, pk=pk)
        else:
            action = REFUSED_HTML.format(pk=pk, reason=escape(row.refusal))
        # Every value is escaped (html.escape with quote=True, like django.utils.html.escape).
        return mark_safe(  # noqa: S308
            ROW_HTML.format(
                pk=pk,
                name=escape(row.name),
                display_name=escape(row.display_name),
                division=escape(self.structure.division_code(student.division_id)),
                mef=escape(self.structure.mef_label(student.mef_id)),
                identifier=escape(account.identifier),
                password=escape(row.shown_password),
                badge=row.badge_class,
                state=escape(account.get_state_display()),
                email=escape(row.email),
                action=action,
            )
        )


PASSWORD_ROW_HTML = (
    "<tr><td>{name}</td><td>{division}</td><td>{identifier}</td>"
    '<td><span class="ec-secret">{password}</span></td>'
    '<td><p class="fr-badge fr-badge--sm {badge}">{state}</p></td></tr>'
)


@dataclass(frozen=True)
class PasswordsTable:
    """The accounts just reset with their new password (a result page lists up to thousands), and
    the ids the « Lister les comptes » buttons below it post."""

    rows_html: SafeString
    selection_ids: str


def passwords_table(establishment, rows: list[StudentRow]) -> PasswordsTable:
    structure = structure_of(establishment)
    html = "".join(
        PASSWORD_ROW_HTML.format(
            name=escape(row.display_name),
            division=escape(structure.division_code(row.student.division_id)),
            identifier=escape(row.account.identifier),
            password=escape(row.password or ""),
            badge=row.badge_class,
            state=escape(row.account.get_state_display()),
        )
        for row in rows
    )
    return PasswordsTable(mark_safe(html), ",".join(str(row.account.pk) for row in rows))  # noqa: S308 (escaped)
