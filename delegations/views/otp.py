"""Second factor: verification (`/otp/`), activation code (`/otp/activation/`) and enrolment
(`/otp/enrolement/`, only for sessions `otp_enrolment.may_enrol` admits)."""

from urllib.parse import quote

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from educonnect.http import no_store
from educonnect.otp import has_confirmed_device, is_otp_verified, not_enrolled_page

from ..forms import EnrolmentCodeForm, OtpEnrolForm, OtpForm
from ..otp_enrolment import end_grant, enrolment_code_redeem, may_enrol
from ..otp_services import (
    has_second_factor,
    otp_confirm_enrolment,
    otp_pending_device,
    otp_verify,
    remaining_backup_codes,
    totp_secret,
)
from .common import safe_next

ISSUER = "ÉduConnect"


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _mark_verified(request, device) -> None:
    django_otp.login(request, device)
    request.session.cycle_key()  # a new session key once the second factor is verified


@sensitive_post_parameters("token")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    next_url = safe_next(request)
    if is_otp_verified(request.user):
        return redirect(next_url)
    if not has_confirmed_device(request.user):
        if may_enrol(request):
            return redirect(_with_next("delegations:otp_enrol", next_url))
        return not_enrolled_page(request, next_url)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = otp_verify(user=request.user, token=form.cleaned_data["token"], request=request)
        if result.ok:
            _mark_verified(request, result.device)
            return redirect(next_url)
        if result.throttled_until is not None:
            wait = max(1, int((result.throttled_until - timezone.now()).total_seconds()) + 1)
            form.add_error("token", f"Trop d'essais : patientez {wait} seconde(s) avant de saisir un nouveau code.")
        else:
            form.add_error("token", "Code incorrect.")
    return render(
        request,
        "otp/verify.html",
        {"form": form, "next": next_url, "backup_codes_left": remaining_backup_codes(request.user)},
    )


def _qr_svg(device) -> str:
    """The otpauth:// URI as a QR code, a data: URI (the CSP allows img data:)."""
    label = quote(f"{ISSUER}:{device.user.get_username()}")
    params = urlencode(
        {"secret": totp_secret(device), "issuer": ISSUER, "digits": device.digits, "period": device.step}
    )
    return segno.make(f"otpauth://totp/{label}?{params}", error="m").svg_data_uri(scale=5, border=2)


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["POST"])
def activate(request):
    """The activation code typed on the « clé OTP pas encore activée » page."""
    next_url = safe_next(request)
    form = EnrolmentCodeForm(request.POST)
    if form.is_valid() and enrolment_code_redeem(user=request.user, code=form.cleaned_data["code"], request=request):
        return redirect(_with_next("delegations:otp_enrol", next_url))
    context = {
        "next": next_url,
        "code_error": "Code d'activation incorrect, expiré ou déjà utilisé. Demandez-en un nouveau à votre chef "
        "d'établissement.",
    }
    return no_store(render(request, "otp/not_enrolled.html", context, status=403))


@sensitive_post_parameters("token")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    next_url = safe_next(request)
    if not may_enrol(request):
        # Replacing an existing device needs that device first (or an activation code).
        if has_confirmed_device(request.user):
            return redirect(_with_next("delegations:otp_verify", next_url))
        return not_enrolled_page(request, next_url)
    form = OtpEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = otp_confirm_enrolment(user=request.user, token=form.cleaned_data["token"], request=request)
        if confirmed is not None:
            device, codes = confirmed
            end_grant(request)
            _mark_verified(request, device)
            messages.success(request, "Votre application d'authentification est enregistrée.")
            return no_store(render(request, "otp/backup_codes.html", {"codes": codes, "next": next_url}))
        form.add_error("token", "Code incorrect. Vérifiez l'heure de votre téléphone et saisissez le code affiché.")
    device = otp_pending_device(user=request.user, request=request)
    secret = totp_secret(device)
    context = {
        "form": form,
        "next": next_url,
        "qr_data_uri": _qr_svg(device),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "replacing": has_second_factor(request.user),
    }
    return no_store(render(request, "otp/enrol.html", context))
