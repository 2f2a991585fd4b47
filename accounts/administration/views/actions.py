"""Actions on one account, each behind a confirmation (« Êtes-vous sûr… ? Confirmer / Annuler »):
GET shows the confirmation (a panel swapped into the account page with HTMX, or a page of its own),
POST acts through the service and shows the account page with the outcome."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect.http import no_store
from educonnect.text import de

from ... import matrix
from ...activation import ActivationError, account_send_activation_email
from ...identifier_reset import IdentifierResetRefused, account_reset_identifier
from ...models import AccountKind
from ...parameters import audience_of
from ...resets import ResetRefused, account_reset_password
from ..access import get_account_for
from ..forms import ActivationEmailForm, InformForm
from .accounts import account_context, account_urls, render_account
from .bulk import notify_url, parameters_warning

CONFIRM_TEMPLATE = "accounts/administration/account_action.html"


def _confirm(request, establishment, account, action: str, *, form=None, status=200, **extra):
    context = account_context(request, establishment, account, action=action, form=form, **extra)
    template = f"{CONFIRM_TEMPLATE}#panel" if request.htmx else CONFIRM_TEMPLATE
    response = render(request, template, context, status=status)
    return no_store(response)


def _refused(request, establishment, account, reason: str):
    return render_account(request, establishment, account, status=409, banner={"level": "error", "text": reason})


def _owner_name(account) -> str:
    return account.owner.full_name


@require_http_methods(["GET", "POST"])
@establishment_view(Right.ADMINISTRATION)
def reset_identifier(request, establishment, account_id: int, kind: AccountKind):
    account = get_account_for(establishment, kind, account_id)
    if request.method == "GET":
        return _confirm(request, establishment, account, "reset_identifier")
    try:
        identifier = account_reset_identifier(
            actor=request.user, establishment=establishment, account=account, request=request
        )
    except IdentifierResetRefused as refusal:
        return _refused(request, establishment, account, str(refusal))
    messages.success(
        request,
        f"L'identifiant {de(_owner_name(account))} a bien été réinitialisé. Le nouvel identifiant est {identifier}.",
    )
    return redirect(account_urls(establishment, account)["page"])


@require_http_methods(["GET", "POST"])
@establishment_view(Right.ADMINISTRATION)
def reset_password(request, establishment, account_id: int, kind: AccountKind):
    account = get_account_for(establishment, kind, account_id)
    allowed, reason = matrix.can_reset_password(account, abilities=request.abilities)
    if not allowed:
        return _refused(request, establishment, account, reason)
    if request.method == "GET":
        return _confirm(request, establishment, account, "reset_password")
    try:
        password = account_reset_password(
            actor=request.user, establishment=establishment, account=account, request=request
        )
    except ResetRefused as refusal:
        return _refused(request, establishment, account, refusal.refusals[0][1])
    who = "de l'élève" if kind == AccountKind.STUDENT else "du représentant légal"
    banner = {
        "level": "success",
        "text": f"Le mot de passe {who} {_owner_name(account)} a bien été réinitialisé.",
        "secret": password,
        "after": "Ce mot de passe est à modifier lors de la prochaine connexion.",
    }
    return render_account(request, establishment, account, banner=banner)


@require_http_methods(["GET", "POST"])
@establishment_view(Right.ADMINISTRATION)
def resend_activation(request, establishment, account_id: int, kind: AccountKind):
    account = get_account_for(establishment, kind, account_id)
    allowed, reason = matrix.can_resend_activation_email(account)
    if not allowed:
        return _refused(request, establishment, account, reason)
    if request.method == "GET":
        form = ActivationEmailForm(initial={"email": account.email})
        return _confirm(request, establishment, account, "resend_activation", form=form)
    form = ActivationEmailForm(request.POST)
    if not form.is_valid():
        return _confirm(request, establishment, account, "resend_activation", form=form, status=422)
    try:
        account_send_activation_email(
            actor=request.user, account=account, email=form.cleaned_data["email"], request=request
        )
    except ActivationError as refusal:
        return _refused(request, establishment, account, str(refusal))
    messages.success(request, f"Le mail a été renvoyé à l'adresse {form.cleaned_data['email']}.")
    return redirect(account_urls(establishment, account)["page"])


@require_http_methods(["GET"])
@establishment_view(Right.ADMINISTRATION)
def inform(request, establishment, account_id: int, kind: AccountKind):
    """The « Informer » confirmation; its form posts to the notifications module."""
    account = get_account_for(establishment, kind, account_id)
    return _confirm(
        request,
        establishment,
        account,
        "inform",
        form=InformForm(),
        notify_url=notify_url(establishment),
        parameters_warning=parameters_warning(establishment, audience_of(account)),
    )
