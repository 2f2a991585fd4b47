"""django-oauth-toolkit's request validator, adapted to family accounts (docs/oidc.md).

What changes from DOT's: the claims come from oidc.claims (pairwise `sub`, ÉduConnect's
attributes, only what the granted scopes allow); a code, a refresh token or an access token is
refused once the account was reset (its session_version moved) or may no longer use services;
scopes are limited to what the operator allowed the service.
"""

import json

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauth2_provider.settings import oauth2_settings

from . import claims, permissions
from .models import Grant, Service


class FamilyValidator(OAuth2Validator):
    oidc_claim_scope = claims.CLAIM_SCOPES

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        grant = Grant.objects.select_related("user").filter(code=code, application=client).first()
        if grant is None or grant.is_expired() or not permissions.token_still_valid(grant, grant.user):
            return False
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        request.grant_instance = grant
        return True

    def get_code_challenge(self, code, request):
        grant = getattr(request, "grant_instance", None)
        if grant is not None and grant.code == code:
            return grant.code_challenge or None
        return super().get_code_challenge(code, request)

    def get_code_challenge_method(self, code, request):
        grant = getattr(request, "grant_instance", None)
        if grant is not None and grant.code == code:
            return grant.code_challenge_method or None
        return super().get_code_challenge_method(code, request)

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        rt = request.refresh_token_instance
        return permissions.token_still_valid(rt, rt.user)

    def validate_bearer_token(self, token, scopes, request):
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if permissions.token_still_valid(request.access_token, request.user):
            return True
        request.oauth2_error = {"error": "invalid_token", "error_description": "The account was reset."}
        return False

    def get_additional_claims(self, request):  # the two-argument form: claims depend on the request
        return {}

    def get_claim_dict(self, request):
        account = claims.load_account(request.user.pk)
        return claims.claims_for(account, service_id=request.client.pk, scopes=request.scopes)

    def get_discovery_claims(self, request):
        return list(claims.CLAIM_SCOPES)

    def get_userinfo_claims(self, request):
        return self.get_claim_dict(request)


class ServiceScopes(BaseScopes):
    """Scopes: those of OAUTH2_PROVIDER["SCOPES"], limited per service to what the operator allowed."""

    def get_all_scopes(self):
        return oauth2_settings.SCOPES

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        if isinstance(application, Service):
            return [s for s in application.scope_list if s in oauth2_settings.SCOPES]
        return list(oauth2_settings.SCOPES)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return ["openid"]


def pkce_required(client_id: str) -> bool:
    """Public clients (no secret: a mobile app, a single-page app) must use PKCE; confidential
    ones may (and the demo ENT does)."""
    client_type = Service.objects.filter(client_id=client_id).values_list("client_type", flat=True).first()
    return client_type != Service.CLIENT_CONFIDENTIAL
