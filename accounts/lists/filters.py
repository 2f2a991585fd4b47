"""Filter forms of the account lists. `StudentAccountFilterForm` filters a queryset of student
accounts (Account with its student): the search (name, identifier or e-mail), MEF, Classe(s),
État(s) de compte. The lists' order is decided by their sort keys (`accounts.lists.students`,
`accounts.administration.listing`), in French order (`educonnect.collation`)."""

import re

from django import forms
from django.db.models import Q, QuerySet

from educonnect.text import fold

from ..models import AccountState
from ..structure import structure_of
from . import ListFilterForm


def search_terms(text: str) -> list[str]:
    """« Éloïse  Martin » → ["eloise", "martin"]: every term must be found (see `term_matches`)."""
    return fold(text).split()[:6]


# A term with a dot, an « @ » or a digit may be (a part of) an identifier (« prenom.nom », numbered
# « c.dupont12 ») or an e-mail; names have none of them.
ACCOUNT_TEXT = re.compile(r"[.@0-9]")


def term_matches(term: str, *, names: tuple[str, ...], account: str) -> Q:
    """Where one folded term of the search may be found: in the folded names (`search_text`, « nom
    prénom ») of the people at `names` (paths to a Student or LegalRepresentative); and, when the
    term has a dot, an « @ » or a digit (ACCOUNT_TEXT), in the identifier or the e-mail of the
    account at `account` (path to an Account, "" for the account itself). The identifier is
    lower-case ASCII by constraint; the e-mail is compared without case (its local part is ASCII:
    Django's EmailValidator accepts no other).

    Why not every term everywhere: a name term is then filtered on the student's row, before the
    join to the accounts; an OR with the account's columns can only be tested after it, i.e. on every
    pupil of the establishment. In the académie database (253,200 pupils, the 2,300-pupil lycée)
    that took a name search of the Élèves list from 0.3–0.9 ms to 5–26 ms of PostgreSQL; names are what
    people type most, and an identifier or an address always has a dot or an « @ »."""
    found = Q()
    for path in names:
        found |= Q(**{f"{path}search_text__contains": term})
    if ACCOUNT_TEXT.search(term):
        found |= Q(**{f"{account}identifier__contains": term}) | Q(**{f"{account}email__icontains": term})
    return found


class StudentAccountFilterForm(ListFilterForm):
    """The MEF and class choices come from the establishment's structure (cached between imports):
    filtering costs no query besides the list's own."""

    # Paths from the listed model to the people whose names are searched, to the account whose
    # identifier and e-mail are, to the student (MEF, class) and to the account's state.
    name_paths = ("student__",)
    account_path = ""
    student_path = "student__"
    state_path = "state"

    q = forms.CharField(
        label="Nom ou prénom, identifiant ou adresse mail",
        help_text="Accents et majuscules indifférents. Exemples : celine, c.dupont12, celine.dupont@exemple.fr",
        required=False,
        max_length=100,
    )
    mef = forms.TypedChoiceField(label="MEF", required=False, coerce=int, empty_value=None)
    division = forms.TypedMultipleChoiceField(label="Classe(s)", required=False, coerce=int)
    state = forms.MultipleChoiceField(label="État(s) de compte", required=False, choices=AccountState.choices)

    def __init__(self, *args, establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.establishment = establishment
        structure = structure_of(establishment)
        self.fields["mef"].choices = [("", "Tous les MEF"), *structure.mefs]
        self.fields["division"].choices = structure.divisions

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = self.cleaned_data
        student = self.student_path
        for term in search_terms(data.get("q") or ""):
            queryset = queryset.filter(term_matches(term, names=self.name_paths, account=self.account_path))
        if data.get("mef"):
            queryset = queryset.filter(**{f"{student}mef_id": data["mef"]})
        if data.get("division"):
            queryset = queryset.filter(**{f"{student}division_id__in": data["division"]})
        if data.get("state"):
            queryset = queryset.filter(**{f"{self.state_path}__in": data["state"]})
        return queryset

    def chosen_labels(self, name: str) -> list[str]:
        """Labels of the chosen values of a multiple field, for the dropdown summary."""
        if not self.is_bound or not self.is_valid():
            return []
        chosen = {str(v) for v in self.cleaned_data.get(name) or []}
        if not chosen:
            return []
        return [str(label) for value, label in self.fields[name].choices if str(value) in chosen]

    @property
    def division_summary(self) -> str:
        labels = self.chosen_labels("division")
        return ", ".join(labels) if labels else "Toutes les classes"

    @property
    def state_summary(self) -> str:
        labels = self.chosen_labels("state")
        return ", ".join(labels) if labels else "Tous les états"

    @property
    def mef_options(self):
        return self.select_options_html("mef")

    @property
    def division_options(self):
        return self.checkbox_options_html("division")

    @property
    def state_options(self):
        return self.checkbox_options_html("state")
