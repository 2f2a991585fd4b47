"""The two lists of the administration module: their specs (columns, filters, sort) and querysets.

Représentants légaux: one row per (student, legal representative) pair, as in the seed — a family
with two children shows both representatives for each child. Élèves: one row per student account.
Both reuse the list machinery of `accounts.lists`.
"""

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from delegations.permissions import Right, has_right

from ..lists import Column, ListSpec
from ..lists.filters import StudentAccountFilterForm, name_terms
from ..models import AccountOrigin, AccountState, Responsibility
from ..selectors import ROW_FIELDS, student_accounts_visible_to


def state_order(path: str) -> Case:
    """The lifecycle order, for sorting by « État du compte »."""
    return Case(
        *(When(**{path: state}, then=Value(rank)) for rank, state in enumerate(AccountState.values)),
        output_field=IntegerField(),
    )


class AdminStudentFilterForm(StudentAccountFilterForm):
    """The filters of the seed's Élèves tab, with its labels: Nom ou prénom, MEF, Classe, États des comptes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].label = "Classe"
        self.fields["state"].label = "États des comptes"


# Élèves -------------------------------------------------------------------------------------------

STUDENT_NAME = ("student__last_name", "student__first_name")
ADMIN_STUDENTS = ListSpec(
    columns=(
        Column("eleve", "Élèves", STUDENT_NAME),
        Column("classe", "Classe", ("student__division__code", *STUDENT_NAME)),
        Column("identifiant", "Identifiant", ("identifier",)),
        Column("etat", "État du compte", (state_order("state"), *STUDENT_NAME)),
        Column("information", "Dernière information", ("last_notified_at", *STUDENT_NAME)),
        Column("connexion", "Dernière connexion", ("last_login_at", *STUDENT_NAME)),
    ),
    filter_form=AdminStudentFilterForm,
    default_sort="eleve",
    per_page=50,
)


def admin_student_accounts(user, establishment) -> QuerySet:
    """The troubleshooting selector's rows, plus what the administration list shows besides."""
    return student_accounts_visible_to(user, establishment, right=Right.ADMINISTRATION).only(
        *ROW_FIELDS, "last_login_at", "origin"
    )


# Représentants légaux -----------------------------------------------------------------------------

ACCOUNT = "representative__account__"
REP_NAME = ("representative__last_name", "representative__first_name")


class RepresentativeFilterForm(AdminStudentFilterForm):
    """The six filters of the seed: « Nom ou prénom » (of the representative or of the student),
    MEF, Classe, États des comptes, Adresse mail (avec/sans), Origine des comptes."""

    EMAIL_CHOICES = [("", "Tous"), ("avec", "Avec adresse mail"), ("sans", "Sans adresse mail")]

    state_path = f"{ACCOUNT}state"

    email = forms.ChoiceField(label="Adresse mail", required=False, choices=EMAIL_CHOICES)
    origin = forms.MultipleChoiceField(label="Origine des comptes", required=False, choices=AccountOrigin.choices)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = dict(self.cleaned_data)
        for term in name_terms(data.get("q") or ""):
            queryset = queryset.filter(
                Q(student__search_text__contains=term) | Q(representative__search_text__contains=term)
            )
        self.cleaned_data["q"] = ""  # the name is handled above: the base class filters the rest
        try:
            queryset = super().filter_queryset(queryset)
        finally:
            self.cleaned_data["q"] = data.get("q")
        if data.get("email") == "avec":
            queryset = queryset.exclude(**{f"{ACCOUNT}email": ""})
        elif data.get("email") == "sans":
            queryset = queryset.filter(**{f"{ACCOUNT}email": ""})
        if data.get("origin"):
            queryset = queryset.filter(**{f"{ACCOUNT}origin__in": data["origin"]})
        return queryset

    @property
    def origin_options(self):
        return self.checkbox_options_html("origin")

    @property
    def origin_summary(self) -> str:
        labels = self.chosen_labels("origin")
        return ", ".join(labels) if labels else "Toutes les origines"


ADMIN_REPRESENTATIVES = ListSpec(
    columns=(
        Column("eleve", "Élèves", (*STUDENT_NAME, *REP_NAME)),
        Column("classe", "Classe", ("student__division__code", *STUDENT_NAME, *REP_NAME)),
        Column("representant", "Représentants légaux", (*REP_NAME, *STUDENT_NAME)),
        Column("identifiant", "Identifiant", (f"{ACCOUNT}identifier", *STUDENT_NAME)),
        Column("mail", "Adresse mail", (f"{ACCOUNT}email", *STUDENT_NAME)),
        Column("etat", "État du compte", (state_order(f"{ACCOUNT}state"), *STUDENT_NAME)),
        Column("information", "Dernière information", (f"{ACCOUNT}last_notified_at", *STUDENT_NAME)),
        Column("connexion", "Dernière connexion", (f"{ACCOUNT}last_login_at", *STUDENT_NAME)),
    ),
    filter_form=RepresentativeFilterForm,
    default_sort="eleve",
    per_page=50,
    noun_singular="représentant légal",
    noun_plural="représentants légaux",
)


def representative_rows(user, establishment) -> QuerySet:
    """(student, legal representative) pairs of the active students of `establishment` whose
    representative has an account; everything a row shows in one query."""
    if not has_right(user, establishment, Right.ADMINISTRATION):
        return Responsibility.objects.none()
    return Responsibility.objects.filter(
        level=Responsibility.Level.LEGAL,
        student__establishment=establishment,
        student__is_active=True,
        representative__establishment=establishment,
        representative__is_active=True,
        representative__account__isnull=False,
    ).select_related("student__division", "student__mef", "representative__account")
