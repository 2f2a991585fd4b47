"""/plateforme/: the operator registers the school services (« Services connectés »)."""

from django import forms
from django.contrib import admin
from oauth2_provider.models import get_access_token_model, get_grant_model, get_id_token_model, get_refresh_token_model

from .middleware import forget_service_origins
from .models import Scope, Service, ServiceUse

for model in (get_grant_model(), get_access_token_model(), get_refresh_token_model(), get_id_token_model()):
    if admin.site.is_registered(model):  # DOT's token admins search staff usernames: not ours
        admin.site.unregister(model)
if admin.site.is_registered(Service):
    admin.site.unregister(Service)


class ServiceForm(forms.ModelForm):
    client_type = forms.ChoiceField(
        label="Type de client",
        choices=[
            (Service.CLIENT_CONFIDENTIAL, "Confidentiel (avec secret)"),
            (Service.CLIENT_PUBLIC, "Public (sans secret)"),
        ],
        widget=forms.RadioSelect,
        help_text="Public : sans secret, PKCE obligatoire. Confidentiel : avec secret.",
    )
    allowed_scopes = forms.MultipleChoiceField(
        label="Données transmises (scopes)",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[s.value for s in Scope],
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "client_id",
            "client_type",
            "client_secret",
            "redirect_uris",
            "post_logout_redirect_uris",
            "allowed_scopes",
            "skip_authorization",
            "establishments",
        ]
        labels = {
            "name": "Nom du service (montré aux familles)",
            "client_id": "Identifiant client (client_id)",
            "client_type": "Type de client",
            "client_secret": "Secret client",
            "redirect_uris": "Adresses de retour (redirect_uri)",
            "post_logout_redirect_uris": "Adresses de retour après déconnexion",
            "skip_authorization": "Service de confiance (pas d'écran de consentement)",
        }
        help_texts = {
            "client_secret": "Copiez-le maintenant pour le donner au service : il est enregistré haché et ne "
            "pourra plus être relu. Inutile pour un client public (application mobile, page web sans serveur).",
            "redirect_uris": "Une adresse par ligne (ou séparées par des espaces), comparées exactement.",
            "post_logout_redirect_uris": "Où le service demande à revenir après « Se déconnecter ».",
            "client_type": "Public : sans secret, PKCE obligatoire. Confidentiel : avec secret.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["allowed_scopes"] = self.instance.scope_list

    def clean_allowed_scopes(self):
        scopes = self.cleaned_data["allowed_scopes"]
        if Scope.OPENID not in scopes:
            raise forms.ValidationError("« openid » est obligatoire : le service reçoit au moins l'identifiant.")
        return " ".join(s.value for s in Scope if s.value in scopes)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Donnez le nom du service : il est montré aux familles.")
        return name


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceForm
    list_display = ["name", "client_id", "client_type", "skip_authorization", "allowed_scopes", "updated"]
    list_filter = ["client_type", "skip_authorization"]
    search_fields = ["name", "client_id"]
    filter_horizontal = ["establishments"]

    def save_model(self, request, obj, form, change):
        obj.authorization_grant_type = Service.GRANT_AUTHORIZATION_CODE
        obj.algorithm = Service.RS256_ALGORITHM
        obj.hash_client_secret = True
        super().save_model(request, obj, form, change)
        forget_service_origins()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_service_origins()


@admin.register(ServiceUse)
class ServiceUseAdmin(admin.ModelAdmin):
    list_display = ["service", "account", "last_signed_in_at", "sign_in_count"]
    list_filter = ["service"]
    raw_id_fields = ["account"]
    search_fields = ["account__identifier"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
