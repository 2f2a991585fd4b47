"""Forms of the administration module."""

from django import forms


class ActivationEmailForm(forms.Form):
    """« Vous pouvez modifier cette adresse mail si elle est inexacte. »"""

    email = forms.EmailField(label="Adresse mail", max_length=254)


class InformForm(forms.Form):
    """« Informer » one account: sheet or e-mail, optionally with a new provisional password."""

    CHANNELS = [("sheet", "Par feuille individuelle imprimable"), ("email", "Par envoi d'un mail")]

    channel = forms.ChoiceField(
        label="Mode de notification", choices=CHANNELS, widget=forms.RadioSelect, initial="sheet"
    )
    with_reset = forms.BooleanField(label="Avec réinitialisation du mot de passe", required=False)
