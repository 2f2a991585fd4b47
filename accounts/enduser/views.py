"""End-user side: sign-in, first sign-in steps, the signed-in space (« services en ligne »)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.activation import LINK_VALIDITY_DAYS
from accounts.models import AccountKind, AccountState
from accounts.services_used import services_used
from educonnect.http import no_store
from educonnect.network import client_ip
from educonnect.ratelimit import Limiter
from educonnect.text import de

from . import services, session
from .credentials import check_credentials
from .forms import ChangePasswordForm, EmailForm, FirstSignInForm, NewPasswordForm, SignInForm
from .selectors import birth_date_subject, linked_students
from .session import current_account, enduser_required

signin_limiter = Limiter("enduser-signin", username_limit=5, ip_limit=30)

# One message for an unknown identifier, a wrong password, a locked identifier or IP, and an
# expired provisional password: the answer never tells which.
SIGN_IN_REFUSED = (
    "L'identifiant ou le mot de passe est incorrect, ou le mot de passe provisoire n'est plus valable. "
    "Après plusieurs essais infructueux, la connexion est suspendue pendant quelques minutes."
)


def _render(request, template: str, context: dict | None = None, status: int = 200):
    context = {"enduser": getattr(request, "enduser", None), **(context or {})}
    response = render(request, f"accounts/enduser/{template}", context, status=status)
    return no_store(response)


@require_http_methods(["GET", "POST"])
def sign_in(request):
    next_url = session.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if current_account(request) is not None:
        return redirect(next_url or "enduser:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier, ip = form.cleaned_data["identifier"], client_ip(request)
        locked = signin_limiter.is_locked(username=identifier, ip=ip)
        result = check_credentials(identifier, form.cleaned_data["password"])  # runs even when locked
        if result.account is not None and not locked:
            signin_limiter.reset(username=identifier)
            account = services.account_sign_in(
                account=result.account, with_provisional=result.with_provisional, request=request
            )
            session.sign_in(request, account)
            session.remember_next(request, next_url)
            return redirect(session.pending_step(account) or session.pop_next(request) or "enduser:home")
        signin_limiter.register_failure(username=identifier, ip=ip)
        services.account_record_failed_sign_in(identifier=identifier, request=request)
        form.add_error(None, SIGN_IN_REFUSED)
    return _render(request, "sign_in.html", {"form": form, "next": next_url or ""})


@require_POST
def sign_out(request):
    account = current_account(request)
    if account is not None:
        services.account_record_sign_out(account=account, request=request)
    session.sign_out(request)
    messages.info(request, "Vous êtes déconnecté.")
    return redirect("enduser:login")


@require_http_methods(["GET", "POST"])
@enduser_required(step="enduser:first_password")
def first_password(request):
    account = request.enduser
    form = NewPasswordForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        account = services.account_choose_password(
            account=account, password=form.cleaned_data["new_password1"], via="first_sign_in", request=request
        )
        session.refresh_version(request, account)
        messages.success(request, "Votre nouveau mot de passe est enregistré.")
        return redirect(session.pending_step(account) or session.pop_next(request) or "enduser:home")
    return _render(request, "first_password.html", {"form": form, "step": 1, "steps": _steps(account)})


def _steps(account) -> int:
    return 2 if session.needs_activation(account) else 1


@require_http_methods(["GET", "POST"])
@enduser_required(step="enduser:first_activation")
def first_activation(request):
    account = request.enduser
    subject = birth_date_subject(account)
    if account.kind == AccountKind.STUDENT:
        label = "Votre date de naissance"
    else:
        label = f"Date de naissance {de(f'{subject.first_name} {subject.last_name}')}" if subject else ""
    form = FirstSignInForm(
        request.POST or None, initial={"email": account.email or account.owner.email}, birth_date_label=label
    )
    if request.method == "POST" and subject is not None and form.is_valid():
        outcome, account = services.account_complete_first_sign_in(
            account=account,
            email=form.cleaned_data["email"],
            birth_date=form.cleaned_data["birth_date"],
            request=request,
        )
        if outcome == services.FirstSignInOutcome.STARTED:
            messages.success(
                request,
                f"Un mail d'activation a été envoyé à {account.email}. Cliquez sur le lien qu'il contient "
                f"(valable {LINK_VALIDITY_DAYS} jours) pour activer votre compte.",
            )
            return redirect(session.pop_next(request) or "enduser:home")
        if outcome == services.FirstSignInOutcome.WRONG_BIRTH_DATE:
            left = services.BIRTH_DATE_MAX_FAILURES - account.birth_date_failures
            form.add_error(
                "birth_date",
                f"La date de naissance ne correspond pas. Il vous reste {left} essai{'s' if left > 1 else ''}.",
            )
    locked = bool(account.birth_date_locked_until and account.birth_date_locked_until > timezone.now())
    context = {
        "form": form,
        "subject": subject,
        "locked": locked,
        "step": _steps(account),
        "steps": _steps(account),
        "lock_minutes": int(services.BIRTH_DATE_LOCK.total_seconds() // 60),
    }
    return _render(request, "first_activation.html", context)


@require_http_methods(["GET"])
@enduser_required
def home(request):
    account = request.enduser
    context = {
        "account": account,
        "students": linked_students(account) if account.kind == AccountKind.REPRESENTATIVE else None,
        "activating": account.state == AccountState.ACTIVATING,
        "services_used": services_used(account),
    }
    return _render(request, "home.html", context)


@require_http_methods(["GET", "POST"])
@enduser_required
def change_email(request):
    account = request.enduser
    form = EmailForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        account = services.account_change_email(account=account, email=form.cleaned_data["email"], request=request)
        messages.success(
            request,
            f"Votre adresse mail est maintenant {account.email}. Un mail de confirmation vient d'y être "
            "envoyé : cliquez sur le lien qu'il contient pour la confirmer.",
        )
        return redirect("enduser:home")
    return _render(request, "change_email.html", {"form": form, "account": account})


@require_http_methods(["GET", "POST"])
@enduser_required
def change_password(request):
    account = request.enduser
    form = ChangePasswordForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        account = services.account_choose_password(
            account=account, password=form.cleaned_data["new_password1"], via="space", request=request
        )
        session.refresh_version(request, account)
        messages.success(request, "Votre mot de passe a été modifié.")
        return redirect("enduser:home")
    return _render(request, "change_password.html", {"form": form})
