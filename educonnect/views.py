"""Site-wide pages of the kernel: the error pages (handler400/403/404/500, the CSRF failure) and the
legal pages linked from every footer. No domain import: these pages know nothing of accounts.

An error answering an HTMX request is a DSFR alert fragment (`errors/_alert.html`), which
`static/educonnect/htmx-errors.js` shows where the action was; any other request gets the whole
French page with a way back (« Mes applications » for staff, « Mon compte » for families).
"""

import logging
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

FAMILY_PREFIX = "/compte/"


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: str
    message: str
    hint: str = ""


ERRORS = {
    400: ErrorPage(
        400,
        "Demande incorrecte",
        "La demande envoyée n'a pas pu être traitée : elle est incomplète ou mal formée.",
        "Revenez à la page précédente, rechargez-la et réessayez.",
    ),
    403: ErrorPage(
        403,
        "Accès refusé",
        "Vous n'êtes pas autorisé à accéder à cette page.",
        "Si vous pensez devoir y accéder, demandez à votre chef d'établissement la délégation nécessaire "
        "dans « Gestion des délégations ».",
    ),
    404: ErrorPage(
        404,
        "Page non trouvée",
        "La page que vous cherchez est introuvable, ou vous n'y avez pas accès.",
        "Si vous avez tapé l'adresse, vérifiez-la ; si vous avez suivi un lien, il n'est peut-être plus valable.",
    ),
    500: ErrorPage(
        500,
        "Erreur inattendue",
        "Désolé, le service rencontre un problème. Votre demande n'a pas été traitée.",
        "Réessayez dans quelques minutes ; si le problème persiste, signalez-le à l'assistance de votre académie.",
    ),
}
# In a page already open, a 404 to an HTMX request is most often a right withdrawn meanwhile
# (revoked delegation): the alert says so without revealing whether the object exists.
HTMX_NOT_FOUND = ErrorPage(
    404,
    "Accès refusé",
    "Cet élément n'existe pas ou vous n'y avez plus accès : un droit vous a peut-être été retiré.",
)
SESSION_EXPIRED = ErrorPage(
    401,
    "Votre session a expiré",
    "Votre action n'a pas été enregistrée. Reconnectez-vous puis recommencez.",
)
CSRF_FAILURE = ErrorPage(
    403,
    "Page expirée",
    "Le formulaire envoyé n'est plus valable : la page était ouverte depuis trop longtemps ou votre session a "
    "expiré. Rien n'a été enregistré.",
    "Rechargez la page, reconnectez-vous si nécessaire, puis recommencez.",
)


def is_family_path(request) -> bool:
    return request.path.startswith(FAMILY_PREFIX)


def error_response(request, page: ErrorPage, *, link: tuple[str, str] | None = None) -> HttpResponse:
    """The error page, or its alert fragment for an HTMX request; `link` = (url, label) replaces the
    way back in the fragment (e.g. the sign-in page after an expired session)."""
    family = is_family_path(request)
    context = {"error": page, "family": family, "enduser": None}
    if link is not None:
        context["link_url"], context["link_label"] = link
    if getattr(request, "htmx", False):
        if page.status == 404:
            context["error"] = HTMX_NOT_FOUND
        response = render(request, "errors/_alert.html", context, status=page.status)
    else:
        response = render(request, "errors/error.html", context, status=page.status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None):
    return error_response(request, ERRORS[400])


def permission_denied(request, exception=None):
    return error_response(request, ERRORS[403])


def page_not_found(request, exception=None):
    return error_response(request, ERRORS[404])


def server_error(request):
    """Renders with the request's context when it can; a page in plain HTML when even that fails
    (the database may be what failed)."""
    try:
        return error_response(request, ERRORS[500])
    except Exception:
        logger.exception("error page 500 could not be rendered with the request context")
        html = render_to_string("errors/500_plain.html", {"error": ERRORS[500]})
        return HttpResponse(html, status=500)


def csrf_failure(request, reason=""):
    logger.warning("CSRF failure on %s %s: %s", request.method, request.path, reason)
    return error_response(request, CSRF_FAILURE)


def _page(template: str):
    @require_GET
    def view(request):
        return render(request, f"pages/{template}", {"family": is_family_path(request)})

    return view


accessibility = _page("accessibility.html")
legal_notice = _page("legal_notice.html")
personal_data = _page("personal_data.html")
