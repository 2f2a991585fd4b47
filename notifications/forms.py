from django import forms

from .models import Channel


class NotifyForm(forms.Form):
    """« (Re)notifier les comptes »: the accounts selected, the channel, with or without reset."""

    account = forms.TypedMultipleChoiceField(coerce=int, choices=(), label="Comptes")
    channel = forms.ChoiceField(choices=Channel.choices, label="Type de notification", initial=Channel.SHEET)
    with_reset = forms.BooleanField(required=False, label="Avec réinitialisation du mot de passe")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is accepted here; the selector answers 404 for an account of another establishment.
        # The administration module's forms post them as « selection ».
        if hasattr(self.data, "getlist") and not self.data.getlist("account"):
            self.data = self.data.copy()
            # « selection_ids »: one packed field (a whole establishment stays under
            # DATA_UPLOAD_MAX_NUMBER_FIELDS).
            packed = [part for part in self.data.get("selection_ids", "").split(",") if part.strip()]
            self.data.setlist("account", self.data.getlist("selection") + packed)
        values = self.data.getlist("account") if hasattr(self.data, "getlist") else []
        self.fields["account"].choices = [(v, v) for v in values]

    def clean_account(self):
        ids = self.cleaned_data["account"]
        if not ids:
            raise forms.ValidationError("Sélectionnez au moins un compte.")
        return ids
