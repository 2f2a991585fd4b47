"""Forms of the staff portal, DELEG-CE and the second factor (DSFR-rendered)."""

import datetime

from django import forms
from dsfr.forms import DsfrBaseForm

from .models import Service, end_of_school_year


class DsfrForm(DsfrBaseForm):
    """DsfrBaseForm marking optional fields (the DSFR's current advice), without its warning."""

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class SignInForm(DsfrForm):
    username = forms.CharField(
        label="Identifiant",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        max_length=256,
        strip=False,
        template_name="components/password_field.html",  # DSFR component with « Afficher »
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "fr-password__input fr-input"}),
    )


class OtpForm(DsfrForm):
    token = forms.CharField(
        label="Code de vérification",
        max_length=32,
        help_text="Les 6 chiffres affichés par votre application, ou l'un de vos codes de secours.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class OtpEnrolForm(DsfrForm):
    token = forms.CharField(
        label="Code à 6 chiffres affiché par l'application",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(label="Code d'activation", max_length=32)


class StaffSearchForm(forms.Form):
    q = forms.CharField(label="Nom ou premières lettres du nom", max_length=100, required=False)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "fr-input", **(attrs or {})}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """Start and end dates of the delegations granted by one « Valider » (end: next 31 August)."""

    start_date = forms.DateField(label="Date de début", widget=DateInput())
    end_date = forms.DateField(
        label="Date de fin",
        required=False,
        widget=DateInput(),
        help_text="Par défaut, la fin de l'année scolaire (31 août). Vide : sans date de fin.",
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        today = today or datetime.date.today()
        kwargs.setdefault("initial", {"start_date": today, "end_date": end_of_school_year(today)})
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La date de fin doit être postérieure à la date de début.")
        if end and end < datetime.date.today():
            self.add_error("end_date", "La date de fin est déjà passée.")
        return cleaned


class PersonDelegationsForm(PeriodForm):
    """The domain tree's checkboxes (« services ») plus the period."""

    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.all(), to_field_name="code", required=False, widget=forms.CheckboxSelectMultiple
    )


class ServiceGrantForm(PeriodForm):
    """« Délégation par service »: add one person of the establishment's staff."""

    grantee = forms.TypedChoiceField(label="Personne", coerce=int)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grantee"].choices = [("", "Choisir une personne")] + [
            (person.pk, f"{person.last_name.upper()}, {person.first_name}") for person in candidates
        ]
        self.fields["grantee"].widget.attrs["class"] = "fr-select"
