"""The second-factor gate (PRODUCT.md §1, « Second factor »).

The administration module and DELEG-CE need an OTP-verified session when the client is outside
EDUCONNECT_INTRANET_NETWORKS (client IP from `educonnect.network.client_ip`, which reads
X-Forwarded-For only behind EDUCONNECT_TRUSTED_PROXIES). The troubleshooting module never does.

One line in a view module:

    from educonnect.otp import otp_required_unless_intranet

    @otp_required_unless_intranet
    def home(request, uai): ...

Anonymous visitors go to the staff sign-in; a signed-in member of staff who still needs the second
factor goes to `/otp/` (which sends them to the enrolment when they have no device yet), with
`?next=` bringing them back. HTMX requests get an HX-Redirect instead of a swapped login page.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .network import is_intranet

OTP_VERIFY_URL_NAME = "delegations:otp_verify"


def is_otp_verified(user) -> bool:
    """True when django-otp's middleware says this session was verified with a device."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def otp_needed(request) -> bool:
    """A signed-in user outside the intranet whose session is not OTP-verified."""
    user = request.user
    return bool(user.is_authenticated) and not is_intranet(request) and not is_otp_verified(user)


def _redirect(request, url: str):
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def otp_redirect_if_needed(request):
    """None when the request may go on; otherwise the redirect to sign-in or to the OTP step."""
    if not request.user.is_authenticated:
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")
        return redirect_to_login(request.get_full_path())
    if otp_needed(request):
        url = f"{reverse(OTP_VERIFY_URL_NAME)}?{urlencode({'next': request.get_full_path()})}"
        return _redirect(request, url)
    return None


def otp_required_unless_intranet(view):
    """Decorator: sign-in required, and a verified second factor unless the client is on the intranet."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        refusal = otp_redirect_if_needed(request)
        if refusal is not None:
            return refusal
        return view(request, *args, **kwargs)

    return wrapper
