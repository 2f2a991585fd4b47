"""Second factor: verification (`/otp/`) and enrolment (`/otp/enrolement/`)."""

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

from educonnect.otp import is_otp_verified

from ..forms import OtpEnrolForm, OtpForm
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
    if not has_second_factor(request.user):
        return redirect(_with_next("delegations:otp_enrol", next_url))
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


@sensitive_post_parameters("token")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    next_url = safe_next(request)
    # Replacing an existing device needs that device first: a password alone never re-enrols.
    if has_second_factor(request.user) and not is_otp_verified(request.user):
        return redirect(_with_next("delegations:otp_verify", next_url))
    device = otp_pending_device(user=request.user)
    form = OtpEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp_confirm_enrolment(
            user=request.user, device=device, token=form.cleaned_data["token"], request=request
        )
        if codes is not None:
            device.refresh_from_db()
            _mark_verified(request, device)
            messages.success(request, "Votre application d'authentification est enregistrée.")
            response = render(request, "otp/backup_codes.html", {"codes": codes, "next": next_url})
            response["Cache-Control"] = "no-store"
            return response
        form.add_error("token", "Code incorrect. Vérifiez l'heure de votre téléphone et saisissez le code affiché.")
    secret = totp_secret(device)
    context = {
        "form": form,
        "next": next_url,
        "qr_data_uri": _qr_svg(device),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "replacing": has_second_factor(request.user),
    }
    response = render(request, "otp/enrol.html", context)
    response["Cache-Control"] = "no-store"
    return response
