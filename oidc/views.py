"""The provider's endpoints: DOT's views, with the family session as the signed-in user.

The family side keeps its own session keys (accounts.enduser.session), never a Django login.
`_as_family_user` puts the signed-in account on request.user (as oidc.models.FamilyUser) for DOT's
authorization and logout views; everyone else — nobody signed in, or a staff session — is
anonymous there and is sent to the family sign-in of /compte/connexion/.
"""

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from oauth2_provider.signals import app_authorized
from oauth2_provider.views import AuthorizationView, RPInitiatedLogoutView, TokenView

from accounts.enduser import services as enduser_services
from accounts.enduser import session
from accounts.enduser.session import enduser_required

from . import claims, permissions, services
from .models import FamilyUser, Service


def _as_family_user(request):
    """The signed-in family account as DOT's user, or None (request.user is then anonymous)."""
    account = session.current_account(request)
    if account is None:
        request.user = AnonymousUser()
        return None
    user = FamilyUser.objects.select_related("establishment", "student", "representative").get(pk=account.pk)
    request.user = user
    return user


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


class FamilyAuthorizationView(AuthorizationView):
    """/o/authorize/: sign-in (the family's), first sign-in steps when pending, then the consent
    screen — or none for a trusted service — and back to the service with a code."""

    template_name = "oidc/consent.html"
    login_url = reverse_lazy("enduser:login")

    def dispatch(self, request, *args, **kwargs):
        user = _as_family_user(request)
        if user is not None:
            pending = session.pending_step(user)
            if pending is not None and "none" in request.GET.get("prompt", "").split():
                request.user = AnonymousUser()  # prompt=none: no interaction, DOT answers login_required
                user = None
            elif pending is not None:  # provisional password or activation to finish first
                session.remember_next(request, request.get_full_path())
                return redirect(pending)
        if user is not None:
            client_id = request.GET.get("client_id") or request.POST.get("client_id")
            service = Service.objects.filter(client_id=client_id).prefetch_related("establishments").first()
            if service is not None and not permissions.can_sign_in_to(user, service):
                reason = "establishment" if permissions.account_may_use_services(user) else "account"
                services.service_sign_in_refuse(account=user, service=service, reason=reason, request=request)
                context = {"enduser": user, "service": service, "reason": reason}
                return _no_store(render(request, "oidc/refused.html", context, status=403))
        return _no_store(super().dispatch(request, *args, **kwargs))

    def handle_prompt_login(self):
        session.sign_out(self.request)  # prompt=login: sign in again, whatever the session holds
        return super().handle_prompt_login()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scopes = context.get("scopes") or []
        context["enduser"] = self.request.user
        context["scope_descriptions"] = [claims.SCOPE_DESCRIPTIONS[s] for s in scopes if s in claims.SCOPE_DESCRIPTIONS]
        return context

    def create_authorization_response(self, request, scopes, credentials, allow):
        with transaction.atomic():
            result = super().create_authorization_response(request, scopes, credentials, allow)
            service = Service.objects.get(client_id=credentials["client_id"])
            services.service_sign_in_record(account=request.user, service=service, request=request)
        return result


class FamilyLogoutView(RPInitiatedLogoutView):
    """/o/logout/ (end_session_endpoint): ends the family session at the provider, revokes the
    tokens of the ID token's account, then goes back to the service's registered logout URI."""

    template_name = "oidc/logout_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        _as_family_user(request)
        return _no_store(super().dispatch(request, *args, **kwargs))

    def do_logout(self, application=None, post_logout_redirect_uri=None, state=None, token_user=None):
        if self.request.user.is_authenticated:
            enduser_services.account_record_sign_out(account=self.request.user, request=self.request)
        return super().do_logout(application, post_logout_redirect_uri, state, token_user)


@require_POST
@enduser_required
def sign_out_everywhere(request):
    """« Se déconnecter de tous les services » on /compte/."""
    count = services.account_sign_out_of_services(account=request.enduser, request=request)
    if count:
        messages.success(
            request,
            f"Vous êtes déconnecté de {count} service{'s' if count > 1 else ''} : "
            "chacun vous demandera de vous reconnecter avec ÉduConnect.",
        )
    else:
        messages.info(request, "Aucun service n'était connecté à votre compte.")
    return redirect("enduser:home")


class FamilyTokenView(TokenView):
    """/o/token/: DOT's, reading the new access token back only when someone listens to its
    `app_authorized` signal (nobody does here): one statement less per token."""

    @method_decorator(sensitive_post_parameters("password", "client_secret", "code_verifier"))
    def authorization_flow_token_response(self, request, *args, **kwargs):
        if app_authorized.has_listeners(type(self)):
            return super().authorization_flow_token_response(request, *args, **kwargs)
        url, headers, body, status = self.create_token_response(request)
        response = HttpResponse(content=body, status=status)
        for key, value in headers.items():
            response[key] = value
        return response
