"""The Représentants légaux list of the administration module: its spec (columns, filters, sort)
and its rows — one row per (student, legal representative) pair, as in the seed: a family with two
children shows both representatives for each child. (The Élèves list is `accounts.lists.students`,
shared with the troubleshooting module.)
"""

from django import forms
from django.db.models import QuerySet

from delegations.permissions import Right, has_right
from educonnect.collation import french

from ..lists import Column, ListSpec
from ..lists.students import AdministrationStudentFilterForm, state_rank
from ..models import AccountOrigin, Responsibility

# Représentants légaux -----------------------------------------------------------------------------

# Names in French order (« Céline » before « Clément »): educonnect.collation.
STUDENT_NAME = (french("student__last_name"), french("student__first_name"))
ACCOUNT = "representative__account__"
REP_NAME = (french("representative__last_name"), french("representative__first_name"))


class RepresentativeFilterForm(AdministrationStudentFilterForm):
    """The six filters of the seed: the search (the name of the representative or of the student,
    the identifier or e-mail of the representative's account), MEF, Classe, États des comptes,
    Adresse mail (avec/sans), Origine des comptes."""

    EMAIL_CHOICES = [("", "Tous"), ("avec", "Avec adresse mail"), ("sans", "Sans adresse mail")]

    name_paths = ("representative__", "student__")
    account_path = ACCOUNT
    state_path = f"{ACCOUNT}state"

    email = forms.ChoiceField(label="Adresse mail", required=False, choices=EMAIL_CHOICES)
    origin = forms.MultipleChoiceField(label="Origine des comptes", required=False, choices=AccountOrigin.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = (
            "Nom ou prénom du représentant légal ou de l'élève ; identifiant ou adresse mail du représentant "
            "légal. Accents et majuscules indifférents."
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.cleaned_data
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
        Column("etat", "État du compte", (state_rank(f"{ACCOUNT}state"), *STUDENT_NAME)),
        Column("information", "Dernière information", (f"{ACCOUNT}last_notified_at", *STUDENT_NAME)),
        Column("connexion", "Dernière connexion", (f"{ACCOUNT}last_login_at", *STUDENT_NAME)),
    ),
    filter_form=RepresentativeFilterForm,
    default_sort="eleve",
    per_page=50,
    noun_singular="représentant légal",
    noun_plural="représentants légaux",
    selection_label="représentants légaux sélectionnés",
    account_path=f"{ACCOUNT}id",
    shared_accounts_hint=(
        "Un représentant légal de plusieurs élèves a une ligne par élève et un seul compte : "
        "chaque compte n'est traité qu'une fois."
    ),
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
