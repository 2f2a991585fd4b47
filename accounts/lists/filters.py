"""Filter forms of the account lists. `StudentAccountFilterForm` filters a queryset of student
accounts (Account with its student): « Nom ou prénom », MEF, Classe(s), État(s) de compte."""

from django import forms
from django.db.models import QuerySet

from educonnect.text import fold

from ..models import AccountState
from ..structure import structure_of
from . import ListFilterForm


def name_terms(text: str) -> list[str]:
    """« Éloïse  Martin » → ["eloise", "martin"]: every term must appear in search_text."""
    return fold(text).split()[:6]


class StudentAccountFilterForm(ListFilterForm):
    """The MEF and class choices come from the establishment's structure (cached between imports):
    filtering costs no query besides the list's own."""

    # Path from the listed model to the student (the administration list may list students directly: "").
    student_path = "student__"
    state_path = "state"

    q = forms.CharField(label="Nom ou prénom", required=False, max_length=100)
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
        for term in name_terms(data.get("q") or ""):
            queryset = queryset.filter(**{f"{student}search_text__contains": term})
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
