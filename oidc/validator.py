"""django-oauth-toolkit's request validator, adapted to family accounts (docs/oidc.md).

What changes from DOT's: the claims come from oidc.claims (pairwise `sub`, ÉduConnect's
attributes, only what the granted scopes allow); a code, a refresh token or an access token is
refused once the account was reset (its session_version moved) or may no longer use services;
scopes are limited to what the operator allowed the service.
"""

import datetime
import hashlib
import json

from django.db.models import F
from django.utils import timezone
from oauth2_provider.models import refresh_token_expire_timedelta
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauth2_provider.settings import oauth2_settings

from . import claims, permissions
from .models import AccessToken, FamilyUser, Grant, RefreshToken, Service


class FamilyValidator(OAuth2Validator):
    oidc_claim_scope = claims.CLAIM_SCOPES

    # The token request reads its authorization code once (with the account and what the claims
    # need) instead of once per oauthlib hook: scopes, nonce, redirect URI, PKCE, validation.
    def _grant(self, code, request):
        grant = getattr(request, "grant_instance", None)
        if grant is None or grant.code != code:
            related = (f"user__{path}" for path in claims.ACCOUNT_RELATED)
            columns = [f.name for f in Grant._meta.concrete_fields] + [f"user__{c}" for c in claims.ACCOUNT_COLUMNS]
            queryset = Grant.objects.select_related(*related).only(*columns).filter(code=code)
            grant = next(iter(queryset[:1]), None)  # the code is unique
            request.grant_instance = grant
        return grant

    def get_authorization_code_scopes(self, client_id, code, redirect_uri, request):
        grant = self._grant(code, request)
        return grant.scope.split() if grant is not None else []

    def get_authorization_code_nonce(self, client_id, code, redirect_uri, request):
        grant = self._grant(code, request)
        return (grant.nonce or None) if grant is not None else None

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs):
        grant = self._grant(code, request)
        return grant is not None and grant.application_id == client.pk and grant.redirect_uri_allowed(redirect_uri)

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        grant = self._grant(code, request)
        if grant is None or grant.application_id != client.pk or grant.is_expired():
            return False
        if not permissions.token_still_valid(grant, grant.user):
            return False
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        return True

    def get_code_challenge(self, code, request):
        grant = self._grant(code, request)
        return (grant.code_challenge or None) if grant is not None else None

    def get_code_challenge_method(self, code, request):
        grant = self._grant(code, request)
        return (grant.code_challenge_method or None) if grant is not None else None

    def _check_and_set_request_resource(self, request):
        """DOT's (RFC 8707), without reading the code a third time in the common case: no
        `resource` asked at the token endpoint nor stored on the code."""
        grant = getattr(request, "grant_instance", None)
        if (
            request.grant_type == "authorization_code"
            and not getattr(request, "resource", None)
            and grant is not None
            and grant.code == request.code
            and not grant.resource
        ):
            request.resource = []
            return
        super()._check_and_set_request_resource(request)

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        """DOT's, linking the ID token just issued (finalize_id_token keeps it on the request)
        instead of verifying and reading it back."""
        id_token = getattr(request, "id_token", None) if token.get("id_token") else None
        access_token = AccessToken(
            user=request.user,
            scope=token["scope"],
            expires=expires,
            id_token=id_token,
            application=request.client,
            source_refresh_token=source_refresh_token,
            resource=getattr(request, "resource", []),
        )
        self._set_token_value(access_token, token["access_token"])
        access_token.save()
        return access_token

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        """DOT 3.4.1's checks, in its order (reuse protection, grace period, sliding expiry), then
        the account must still be allowed (oidc.permissions). The token is read with its access
        token as DOT does, then the account once with everything the checks and the claims read
        (`claims.ACCOUNT_RELATED`) instead of four to six lazy reads; not in one joined statement:
        PostgreSQL plans an eight-table join in longer than two short reads take
        (docs/performance.md, the refresh grant)."""
        checksum = hashlib.sha256(refresh_token.encode("utf-8")).hexdigest()
        queryset = RefreshToken.objects.select_related("access_token").filter(token_checksum=checksum)
        # Several rows may share a checksum (unique with `revoked`): the live one first.
        rt = next(iter(queryset.order_by(F("revoked").desc(nulls_first=True))[:1]), None)
        if rt is None:
            return False
        if rt.revoked is not None:
            grace = oauth2_settings.REFRESH_TOKEN_GRACE_PERIOD_SECONDS
            grace_expired = rt.revoked <= timezone.now() - datetime.timedelta(seconds=grace)
            # A rotated token replayed after its grace period, or a revoked one never used to
            # mint a successor: refused, and its whole family revoked (reuse protection).
            superseded = AccessToken.objects.filter(source_refresh_token=rt).exists()
            if grace_expired or not superseded:
                if oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION and rt.token_family:
                    RefreshToken.revoke_family(rt.token_family)
                return False
        else:
            if rt.access_token is None:
                return False
            expire_delta = refresh_token_expire_timedelta()
            if expire_delta and rt.access_token.expires + expire_delta <= timezone.now():
                return False
        if rt.application_id != client.pk:
            return False
        rt.user = FamilyUser.objects.select_related(*claims.ACCOUNT_RELATED).get(pk=rt.user_id)
        request.user = rt.user
        request.refresh_token = refresh_token
        request.refresh_token_instance = rt
        return permissions.token_still_valid(rt, rt.user)

    def validate_bearer_token(self, token, scopes, request):
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if permissions.token_still_valid(request.access_token, request.user):
            return True
        request.oauth2_error = {"error": "invalid_token", "error_description": "The account was reset."}
        return False

    # prompt=none (DOT 3.4.1 leaves these two to the project: it raised NotImplementedError).
    def validate_silent_login(self, request):
        """Whether someone is signed in is decided by the view (FamilyAuthorizationView): without a
        family session DOT answers login_required itself."""
        return True

    def validate_silent_authorization(self, request):
        """No consent is stored: only a trusted service gets a code without its consent screen;
        another one receives consent_required."""
        return bool(request.client and request.client.skip_authorization)

    def get_additional_claims(self, request):  # the two-argument form: claims depend on the request
        return {}

    def _load_access_token(self, token):
        """DOT's, with the account and what the claims read in the same statement (userinfo)."""
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        related = ["application", *(f"user__{path}" for path in claims.ACCOUNT_RELATED)]
        columns = [f.name for f in AccessToken._meta.concrete_fields] + [f"user__{c}" for c in claims.ACCOUNT_COLUMNS]
        columns += [f"application__{f.name}" for f in Service._meta.concrete_fields]
        queryset = AccessToken.objects.select_related(*related).only(*columns).filter(token_checksum=checksum)
        return next(iter(queryset[:1]), None)  # a slice, not first(): no ORDER BY (the checksum is unique)

    def get_claim_dict(self, request):
        user = request.user
        account = user if claims.related_loaded(user) else claims.load_account(user.pk)
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
