"""The demo ENT's pages: home (what the ENT received), sign-in, callback, sign-out."""

import json
import logging
from functools import wraps
from importlib import import_module
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.csp import CSP
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from . import CLIENT_ID, CLIENT_SECRET, NAME

logger = logging.getLogger(__name__)

COOKIE = "ent_demo_session"
CLAIMS_KEY, ID_TOKEN_KEY, PAYLOAD_KEY = "ent_claims", "ent_id_token", "ent_id_token_payload"
SCOPES = "openid profile educonnect"


def provider_url(request) -> str:
    """Where the provider is: EDUCONNECT_DEMO_ENT_PROVIDER_URL, or this very server."""
    return getattr(settings, "EDUCONNECT_DEMO_ENT_PROVIDER_URL", "") or f"{request.scheme}://{request.get_host()}"


def ent_settings(request) -> dict:
    base = provider_url(request).rstrip("/")
    return {
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": SCOPES,
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{base}/o/authorize/",
        "OIDC_OP_TOKEN_ENDPOINT": f"{base}/o/token/",
        "OIDC_OP_USER_ENDPOINT": f"{base}/o/userinfo/",
        "OIDC_OP_JWKS_ENDPOINT": f"{base}/o/jwks/",
        "OIDC_AUTHENTICATION_CALLBACK_URL": "demo_ent:callback",
        "OIDC_TIMEOUT": 10,
        "OIDC_CREATE_USER": False,
    }


class _Configured:
    """mozilla-django-oidc reads its configuration from settings; the ENT gives its own."""

    conf: dict = {}

    def get_settings(self, attr, *args):
        if attr in self.conf:
            return self.conf[attr]
        if args:
            return args[0]
        raise SuspiciousOperation(f"demo ENT: {attr} is not configured")


class EntBackend(_Configured, OIDCAuthenticationBackend):
    """Token exchange, ID token signature (JWKS) and nonce checks, userinfo: the library's. The
    ENT keeps no user table: the « user » is what userinfo returned."""

    def __init__(self, conf: dict):
        self.conf = conf
        super().__init__()

    def get_or_create_user(self, access_token, id_token, payload):
        return {"claims": self.get_userinfo(access_token, id_token, payload), "id_token": id_token, "payload": payload}


class EntLoginView(_Configured, OIDCAuthenticationRequestView):
    def __init__(self, **kwargs):
        self.conf = {"OIDC_OP_AUTHORIZATION_ENDPOINT": "", "OIDC_RP_CLIENT_ID": CLIENT_ID}
        super().__init__(**kwargs)

    def get(self, request):
        self.conf = ent_settings(request)
        self.OIDC_OP_AUTH_ENDPOINT = self.conf["OIDC_OP_AUTHORIZATION_ENDPOINT"]
        return super().get(request)


def ent_session(view):
    """The ENT's own session (cookie `ent_demo_session`, path /ent-demo/), as on a separate site;
    the provider's session is put back before the response leaves."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        store_class = import_module(settings.SESSION_ENGINE).SessionStore
        provider_session = request.session
        request.session = store_class(request.COOKIES.get(COOKIE))
        try:
            response = view(request, *args, **kwargs)
            ent = request.session
            if ent.is_empty():
                response.delete_cookie(COOKIE, path="/ent-demo/")
            elif ent.modified or ent.session_key is None:
                ent.save()
                response.set_cookie(
                    COOKIE,
                    ent.session_key,
                    path="/ent-demo/",
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
        finally:
            request.session = provider_session
        response.headers["Cache-Control"] = "no-store"
        # As any site sending its users to a provider: its forms may end there (sign-out).
        response._csp_config = {**settings.SECURE_CSP, "form-action": [CSP.SELF, provider_url(request)]}
        return response

    return wrapper


def _render(request, context: dict, status: int = 200):
    return render(request, "oidc/demo_ent.html", {"ent_name": NAME, **context}, status=status)


@require_GET
@ent_session
def home(request):
    claims = request.session.get(CLAIMS_KEY)
    context = {"claims": claims}
    if claims:
        context["claims_json"] = json.dumps(claims, ensure_ascii=False, indent=2)
        context["payload_json"] = json.dumps(request.session.get(PAYLOAD_KEY), ensure_ascii=False, indent=2)
        context["children"] = claims.get("enfants") or []
    return _render(request, context)


@require_GET
@ent_session
def sign_in(request):
    return EntLoginView.as_view()(request)


@require_GET
@ent_session
def callback(request):
    """The provider's answer: check the state, redeem the code (PKCE), verify the ID token."""
    states = request.session.get("oidc_states") or {}
    state = request.GET.get("state", "")
    entry = states.pop(state, None)
    request.session["oidc_states"] = states
    if request.GET.get("error"):
        return _render(request, {"error": f"Connexion refusée par ÉduConnect ({request.GET['error']})."}, status=403)
    if entry is None or "code" not in request.GET:
        return _render(request, {"error": "Réponse d'ÉduConnect inattendue (state inconnu)."}, status=400)
    backend = EntBackend(ent_settings(request))
    try:
        result = backend.authenticate(request, nonce=entry["nonce"], code_verifier=entry.get("code_verifier"))
    except (SuspiciousOperation, requests.RequestException) as error:
        logger.warning("demo ENT: sign-in failed: %s", error)
        return _render(request, {"error": f"La connexion a échoué : {error}"}, status=400)
    if not result:
        return _render(request, {"error": "La connexion a échoué."}, status=400)
    request.session.cycle_key()
    request.session[CLAIMS_KEY] = result["claims"]
    request.session[ID_TOKEN_KEY] = result["id_token"]
    request.session[PAYLOAD_KEY] = result["payload"]
    return redirect("demo_ent:home")


@require_POST
@ent_session
def sign_out(request):
    """End the ENT session, then ask ÉduConnect to end its own (RP-initiated logout)."""
    id_token = request.session.get(ID_TOKEN_KEY)
    request.session.flush()
    if not id_token:
        return redirect("demo_ent:home")
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("demo_ent:home")),
            "state": get_random_string(16),
        }
    )
    return redirect(f"{provider_url(request).rstrip('/')}/o/logout/?{query}")
