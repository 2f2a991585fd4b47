from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from educonnect.validators import is_valid_uai

MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            raise ValidationError("Choisissez les fichiers exportés de SIECLE.", code="required")
        if len(files) > MAX_FILES:
            raise ValidationError(f"{len(files)} fichiers : {MAX_FILES} au plus.", code="too_many")
        cap = settings.EDUCONNECT_SIECLE_MAX_BYTES
        for upload in files:
            if upload.size > cap:
                raise ValidationError(
                    f"« {upload.name} » est trop volumineux ({upload.size // (1024 * 1024)} Mo, "
                    f"maximum {cap // (1024 * 1024)} Mo).",
                    code="too_big",
                )
        return files


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Exports SIECLE",
        help_text="ElevesSansAdresses, ResponsablesAvecAdresses, Nomenclature et Structures (fichiers .xml ou .zip, "
        "ou un seul .zip qui les contient). Les autres exports éventuels sont ignorés.",
    )

    def __init__(self, *args, ask_uai: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_uai:
            self.fields["uai"] = forms.CharField(
                label="UAI attendu (facultatif)",
                help_text="Laissé vide, l'établissement est celui des fichiers (UAJ) ; créé s'il n'existe pas.",
                required=False,
                max_length=8,
            )

    def clean_uai(self):
        uai = self.cleaned_data.get("uai", "").strip().upper()
        if uai and not is_valid_uai(uai):
            raise ValidationError("Code UAI invalide (7 chiffres et une lettre clé).")
        return uai


class ConfirmForm(forms.Form):
    force = forms.BooleanField(required=False)
