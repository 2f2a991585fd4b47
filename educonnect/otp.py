"""The second-factor rule (PRODUCT.md §1, « Second factor »).

DELEG-CE, the administration module (with its notifications, Paramètres and statistics) and the
platform administration (`/plateforme/`) need an OTP-verified session when the client is outside
EDUCONNECT_INTRANET_NETWORKS (client IP from `educonnect.network.client_ip`, which reads
X-Forwarded-For only behind EDUCONNECT_TRUSTED_PROXIES). The troubleshooting module never does.

From the extranet:
- a member of staff with a confirmed device is sent to `/otp/` (then back, `?next=`);
- one without any device is refused with the « clé OTP pas encore activée » page (403): a password
  alone never reaches the enrolment. Enrolment is open from the intranet, or with a single-use
  activation code issued by the head (DELEG-CE) or the operator (`delegations.otp_enrolment`).
Anonymous visitors go to the staff sign-in. HTMX requests get an HX-Redirect instead of a swap.

The access gate (`delegations.access.establishment_view`) applies this rule; views outside an
establishment use `otp_required_unless_intranet`.
"""

from functools import wraps
from urllib.parse import urlencode

import django_otp
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .http import no_store
from .network import is_intranet

OTP_VERIFY_URL_NAME = "delegations:otp_verify"
NOT_ENROLLED_MESSAGE = (
    "Votre clé OTP n'est pas encore activée. Activez-la depuis le réseau de l'établissement, "
    "ou demandez un code d'activation à votre chef d'établissement."
)


def is_otp_verified(user) -> bool:
    """True when django-otp's middleware says this session was verified with a device."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def otp_needed(request) -> bool:
    """A signed-in user outside the intranet whose session is not OTP-verified."""
    user = request.user
    return bool(user.is_authenticated) and not is_intranet(request) and not is_otp_verified(user)


def has_confirmed_device(user) -> bool:
    """A TOTP application or backup codes, confirmed (any django-otp device)."""
    return django_otp.user_has_device(user, confirmed=True)


def _redirect(request, url: str):
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def signin_redirect(request):
    """To the staff sign-in, back here after. An HTMX request's redirect is turned by
    `educonnect.middleware.HtmxSessionExpiredMiddleware` into a whole-page load (GET) or the
    « Votre session a expiré » alert (an action), in one place for staff and families."""
    return redirect_to_login(request.get_full_path())


def not_enrolled_page(request, next_url: str):
    """The refusal shown from the extranet to a member of staff without a confirmed device (403),
    with the form that takes an activation code."""
    context = {"message": NOT_ENROLLED_MESSAGE, "next": next_url}
    return no_store(render(request, "otp/not_enrolled.html", context, status=403))


def second_factor_refusal(request):
    """None when the request may go on; otherwise the sign-in redirect, the redirect to the OTP step,
    or the « clé OTP pas encore activée » page."""
    if not request.user.is_authenticated:
        return signin_redirect(request)
    if not otp_needed(request):
        return None
    next_url = request.get_full_path()
    if has_confirmed_device(request.user) or getattr(request, "htmx", False):
        # An HTMX request is sent to /otp/, which shows the refusal page itself when there is no device.
        return _redirect(request, f"{reverse(OTP_VERIFY_URL_NAME)}?{urlencode({'next': next_url})}")
    return not_enrolled_page(request, next_url)


def otp_required_unless_intranet(view):
    """Decorator: sign-in required, and a verified second factor unless the client is on the intranet."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        refusal = second_factor_refusal(request)
        if refusal is not None:
            return refusal
        return view(request, *args, **kwargs)

    wrapper.second_factor = True
    return wrapper
