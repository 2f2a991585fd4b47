"""An HTMX request whose session has expired never gets the sign-in page injected into the page.

`login_required` (staff) and `enduser_required` (families) answer a redirect to their sign-in page;
HTMX would follow it silently and swap the sign-in form into the results. Here, such a redirect
answering an HTMX request becomes:
- for a GET (live search, paging, opening a confirmation): `HX-Redirect` to the sign-in page, so the
  browser loads it as a whole page, with `?next=` the page the person was on;
- for any other method (an action): a 401 with the « Votre session a expiré » alert and a sign-in
  link, shown where the action was by static/educonnect/htmx-errors.js (nothing was done).
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .views import SESSION_EXPIRED, error_response

FAMILY_SIGN_IN_URL_NAME = "enduser:login"


def sign_in_paths() -> set[str]:
    return {urlsplit(str(settings.LOGIN_URL)).path, reverse(FAMILY_SIGN_IN_URL_NAME)}


def current_page(request) -> str:
    """The page the person was on (HX-Current-URL), as a local path; the request's path otherwise."""
    current = request.headers.get("HX-Current-URL", "")
    parts = urlsplit(current)
    if parts.path and (not parts.netloc or parts.netloc == request.get_host()):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


class HtmxSessionExpiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.headers.get("HX-Request") or response.status_code not in (301, 302, 303, 307, 308):
            return response
        target = urlsplit(response.get("Location", "")).path
        if target not in sign_in_paths():
            return response
        sign_in = f"{target}?{urlencode({'next': current_page(request)})}"
        if request.method == "GET":
            return HttpResponseClientRedirect(sign_in)
        return error_response(request, SESSION_EXPIRED, link=(sign_in, "Se reconnecter"))
