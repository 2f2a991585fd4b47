"""Forms of the end-user side (DSFR)."""

import hmac

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from accounts.models import Account
from accounts.passwords import provisional_password
from educonnect.validators import PersonalDetails

MIN_LENGTH = 12
PASSPHRASE_LENGTH = 20
MAX_LENGTH = 128
POLICY_HELP = (
    f"Au moins {MIN_LENGTH} caractères avec au moins trois types parmi : minuscules, majuscules, chiffres, "
    f"caractères spéciaux — ou une phrase de passe d'au moins {PASSPHRASE_LENGTH} caractères."
)


def character_classes(password: str) -> int:
    return sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )


def check_policy(password: str) -> None:
    """At least 12 characters with three character classes, or a passphrase of at least 20."""
    if len(password) >= PASSPHRASE_LENGTH:
        return
    if len(password) >= MIN_LENGTH and character_classes(password) >= 3:
        return
    raise ValidationError("Ce mot de passe ne respecte pas les règles : " + POLICY_HELP, code="password_policy")


PASSWORD_FIELD_TEMPLATE = "components/password_field.html"  # the DSFR component with « Afficher »


def _password_field(label: str, autocomplete: str, help_text: str = "") -> forms.CharField:
    attrs = {"autocomplete": autocomplete, "class": "fr-password__input fr-input"}
    return forms.CharField(
        label=label,
        strip=False,
        max_length=MAX_LENGTH,
        help_text=help_text,
        template_name=PASSWORD_FIELD_TEMPLATE,
        widget=forms.PasswordInput(attrs=attrs),
    )


class SignInForm(DsfrBaseForm):
    identifier = forms.CharField(
        label="Identifiant",
        max_length=100,
        help_text="Format attendu : prenom.nom suivi éventuellement de chiffres",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )
    password = _password_field("Mot de passe", "current-password")


class NewPasswordForm(DsfrBaseForm):
    """Choose a password: the policy, Django's validators, not the provisional one."""

    new_password1 = _password_field("Nouveau mot de passe", "new-password", POLICY_HELP)
    new_password2 = _password_field("Confirmation du nouveau mot de passe", "new-password")

    def __init__(self, *args, account: Account, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_new_password1(self):
        password = self.cleaned_data["new_password1"]
        check_policy(password)
        current = provisional_password(self.account)
        if current is not None and hmac.compare_digest(password.upper().encode(), current.upper().encode()):
            raise ValidationError("Le nouveau mot de passe doit être différent du mot de passe provisoire.")
        owner = self.account.owner
        user = PersonalDetails(
            username=self.account.identifier,
            first_name=getattr(owner, "first_name", ""),
            last_name=getattr(owner, "last_name", ""),
            email=self.account.email or getattr(owner, "email", ""),
        )
        password_validation.validate_password(password, user=user)
        return password

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("new_password1"), cleaned.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", "Les deux mots de passe ne sont pas identiques.")
        return cleaned


class ChangePasswordForm(NewPasswordForm):
    current_password = _password_field("Mot de passe actuel", "current-password")

    field_order = ["current_password", "new_password1", "new_password2"]

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not check_password(password, self.account.password_hash or "!"):
            raise ValidationError("Le mot de passe actuel est incorrect.")
        return password


class FirstSignInForm(DsfrBaseForm):
    email = forms.EmailField(
        label="Adresse mail",
        max_length=254,
        help_text="Un lien vous sera envoyé à cette adresse pour finaliser l'activation de votre compte.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # A text field, as its hint says (a date picker shows a format of its own, or none on phones).
    birth_date = forms.DateField(
        label="Date de naissance",
        help_text="Format attendu : JJ/MM/AAAA",
        input_formats=["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Saisissez la date au format JJ/MM/AAAA, par exemple 02/05/2013."},
        widget=forms.DateInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 10, "spellcheck": "false"},
            format="%d/%m/%Y",
        ),
    )

    def __init__(self, *args, birth_date_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].label = birth_date_label
        self["birth_date"].label = birth_date_label  # DsfrBaseForm already built the bound field


class EmailForm(DsfrBaseForm):
    """Change the address: the current password is asked (a borrowed session is not enough)."""

    email = forms.EmailField(
        label="Nouvelle adresse mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    current_password = _password_field("Mot de passe actuel", "current-password")

    def __init__(self, *args, account: Account, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    clean_current_password = ChangePasswordForm.clean_current_password  # one check, one place


class ForgottenPasswordForm(DsfrBaseForm):
    login = forms.CharField(
        label="Identifiant ou adresse mail confirmée",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class ForgottenIdentifierForm(DsfrBaseForm):
    email = forms.EmailField(
        label="Adresse mail confirmée", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ResendActivationForm(DsfrBaseForm):
    identifier = forms.CharField(
        label="Identifiant",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
