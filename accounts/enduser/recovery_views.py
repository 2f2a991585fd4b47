"""End-user side: the activation link, resending it, forgotten password and identifier.

Every answer that could tell whether an account exists is the same whatever the input, and takes
the same time: forgotten password / identifier only enqueue a task (the lookup and the mail happen
in the worker). Requests that send mail are counted per key and per IP (no mail bombing), past the
limit nothing is sent but the answer does not change.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.activation import LinkProblem
from accounts.models import Account, AccountState
from educonnect.http import no_store
from educonnect.network import client_ip
from educonnect.ratelimit import Limiter

from . import recovery, services
from .credentials import normalise_identifier
from .forms import ForgottenIdentifierForm, ForgottenPasswordForm, NewPasswordForm, ResendActivationForm
from .session import current_account, pending_step

recovery_limiter = Limiter("enduser-recovery", username_limit=3, ip_limit=20, window=3600, lockout=3600)

RESEND_ANSWER = (
    "Si un compte en cours d'activation correspond à cet identifiant, un nouveau mail d'activation vient "
    "d'être envoyé à l'adresse indiquée lors de la première connexion."
)
PASSWORD_ANSWER = (
    "Si un compte correspond à ces informations et qu'une adresse mail confirmée y est rattachée, un mail "
    "contenant un lien de réinitialisation vient d'y être envoyé. Sinon, adressez-vous à votre établissement."
)
IDENTIFIER_ANSWER = (
    "Si des comptes sont rattachés à cette adresse mail confirmée, un mail contenant leur identifiant "
    "vient d'y être envoyé. Sinon, adressez-vous à votre établissement."
)
PROBLEMS = {
    LinkProblem.INVALID: "Ce lien d'activation n'est pas valide : il a peut-être été mal copié.",
    LinkProblem.EXPIRED: "Ce lien d'activation a expiré (il est valable 7 jours).",
    LinkProblem.USED: "Ce lien d'activation a déjà été utilisé, ou un lien plus récent l'a remplacé.",
}


def _render(request, template: str, context: dict):
    response = render(request, f"accounts/enduser/{template}", {"enduser": current_account(request), **context})
    return no_store(response)


def _allowed(key: str, request) -> bool:
    """Count this mail-sending request; False once the key or the IP is over its limit."""
    ip = client_ip(request)
    if recovery_limiter.is_locked(username=key, ip=ip):
        return False
    recovery_limiter.register_failure(username=key, ip=ip)
    return True


@require_http_methods(["GET"])
def activate(request, token: str):
    check = services.account_confirm_email(token=token, request=request)
    if check.ok:
        return _render(request, "activated.html", {"account": check.account})
    if check.account is not None and check.account.state == AccountState.ACTIVATED and check.account.email_confirmed:
        # An authentic link followed again after the activation: nothing is wrong, say so.
        return _render(request, "activated.html", {"account": check.account, "already": True})
    enduser = current_account(request)
    context = {
        "problem": PROBLEMS[check.problem],
        "can_resend_signed_in": enduser is not None and enduser.state == AccountState.ACTIVATING,
        "form": ResendActivationForm(),
    }
    return _render(request, "activation_link_problem.html", context)


@require_http_methods(["GET", "POST"])
def resend_activation(request):
    enduser = current_account(request)
    form = ResendActivationForm(request.POST or None)
    if request.method == "POST":
        if enduser is not None and "identifier" not in request.POST:
            pending = pending_step(enduser)
            if pending is not None:  # first sign-in not finished: nothing to resend yet
                return redirect(pending)
            if enduser.state == AccountState.ACTIVATING and _allowed(enduser.identifier, request):
                services.account_resend_activation_by_user(account=enduser, request=request)
                messages.success(request, f"Un nouveau mail d'activation vient d'être envoyé à {enduser.email}.")
            return redirect("enduser:home")
        if form.is_valid():
            identifier = normalise_identifier(form.cleaned_data["identifier"])
            if _allowed(identifier, request):
                account = Account.objects.filter(identifier=identifier).select_related("establishment").first()
                services.account_resend_activation_by_user(account=account, request=request)
            return _render(request, "resend_activation.html", {"form": ResendActivationForm(), "answer": RESEND_ANSWER})
    return _render(request, "resend_activation.html", {"form": form})


@require_http_methods(["GET", "POST"])
def forgotten(request):
    password_form = ForgottenPasswordForm(request.POST if request.POST.get("kind") == "password" else None)
    identifier_form = ForgottenIdentifierForm(request.POST if request.POST.get("kind") == "identifier" else None)
    answer = None
    if request.method == "POST" and password_form.is_bound and password_form.is_valid():
        login = password_form.cleaned_data["login"].strip()
        if _allowed(login.lower(), request):
            services.recovery_request_enqueue(kind="password", value=login, request=request)
        answer, password_form = PASSWORD_ANSWER, ForgottenPasswordForm()
    elif request.method == "POST" and identifier_form.is_bound and identifier_form.is_valid():
        email = identifier_form.cleaned_data["email"]
        if _allowed(email.lower(), request):
            services.recovery_request_enqueue(kind="identifier", value=email, request=request)
        answer, identifier_form = IDENTIFIER_ANSWER, ForgottenIdentifierForm()
    context = {"password_form": password_form, "identifier_form": identifier_form, "answer": answer}
    return _render(request, "forgotten.html", context)


@require_http_methods(["GET", "POST"])
def reset(request, token: str):
    account = recovery.account_for_token(token)
    if account is None:
        return _render(request, "reset.html", {"invalid": True})
    form = NewPasswordForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        done = services.account_reset_password_with_link(
            token=token, password=form.cleaned_data["new_password1"], request=request
        )
        if done is None:
            return _render(request, "reset.html", {"invalid": True})
        messages.success(request, "Votre mot de passe a été modifié. Vous pouvez vous connecter.")
        return redirect("enduser:login")
    return _render(request, "reset.html", {"form": form, "account": account})
