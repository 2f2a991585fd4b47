"""(Re)notify accounts. The notification's page and its letters: `envois_views`."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect import idempotency
from educonnect.http import no_store

from .forms import NotifyForm
from .selectors import accounts_by_ids
from .services import notification_request


def safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}) and value.startswith("/"):
        return value
    return ""


@require_POST
@establishment_view(Right.ADMINISTRATION)
def notify(request, establishment):
    """POST account=<id>… (or selection=<id>…), channel=sheet|email, with_reset=1, next=<list URL>,
    idempotency_key (the form acts once: a second submission shows the first result). Small batches are notified at once, bigger ones (> EDUCONNECT_NOTIFY_SYNC_MAX) in the
    background; either way the answer is a redirect to the notification's page (progress, result,
    « Télécharger le courrier au format PDF »). Accounts of another establishment: 404."""
    form = NotifyForm(request.POST)
    if form.has_error("account", "invalid_choice"):
        raise Http404("Compte introuvable")  # an id that was never offered (issue 12, bad ids)
    if not form.is_valid():
        return HttpResponseBadRequest("Demande de notification invalide.")
    accounts = accounts_by_ids(establishment, form.cleaned_data["account"])
    try:
        job, replayed = notification_request(
            actor=request.user,
            establishment=establishment,
            accounts=accounts,
            channel=form.cleaned_data["channel"],
            with_reset=form.cleaned_data["with_reset"],
            key=idempotency.from_request(request),
            request=request,
        )
    except PermissionError:
        return HttpResponseBadRequest("Demande de notification invalide.")
    if replayed:
        messages.info(request, "Déjà fait : cette demande avait déjà été envoyée. Voici son résultat.")
    url = reverse("envois:job", kwargs={"uai": establishment.uai, "public_id": job.public_id})
    back = safe_next(request, request.POST.get("next", ""))
    if back:
        url += "?" + urlencode({"next": back})
    response = HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)
    return no_store(response)
