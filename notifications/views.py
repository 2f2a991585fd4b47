"""(Re)notify accounts, follow a notification job, download its letters."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect import idempotency, mail
from educonnect.http import is_partial, no_store

from . import jobs
from .forms import NotifyForm
from .selectors import accounts_by_ids, job_for_requester
from .services import notification_request


def _safe_next(request, value: str) -> str:
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
    url = reverse("notifications:job", kwargs={"uai": establishment.uai, "public_id": job.public_id})
    back = _safe_next(request, request.POST.get("next", ""))
    if back:
        url += "?" + urlencode({"next": back})
    response = HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)
    return no_store(response)


@require_GET
@establishment_view(Right.ADMINISTRATION)
def job_detail(request, establishment, public_id):
    """The notification's page: progress bar polled by HTMX every 2 s until done, then the result."""
    job = job_for_requester(request.user, establishment, public_id)
    if job.pdf_expires_at and job.pdf_expires_at <= timezone.now():
        jobs.job_delete_pdf(job)
    context = {
        "establishment": establishment,
        "job": job,
        "title": "Notification des comptes",
        "back_url": _safe_next(request, request.GET.get("next", "")),
    }
    if job.channel == "email":
        context["pending_mails"] = mail.pending_count(establishment)
        context["failed_mails"] = mail.failed_count(establishment)
    template = "notifications/job.html#progress" if is_partial(request) else "notifications/job.html"
    return no_store(render(request, template, context))


@require_GET
@establishment_view(Right.ADMINISTRATION)
def job_pdf(request, establishment, public_id):
    """The job's letters: only its requester, until the retention delay (then deleted, 404)."""
    job = job_for_requester(request.user, establishment, public_id)
    if not job.pdf_path:
        raise Http404("Courrier introuvable")
    if job.pdf_expires_at is None or job.pdf_expires_at <= timezone.now():
        jobs.job_delete_pdf(job)
        raise Http404("Courrier expiré")
    path = jobs.pdf_file(job)
    if not path.is_file():
        raise Http404("Courrier introuvable")
    filename = f"courriers-educonnect-{establishment.uai}-{job.created_at:%Y%m%d-%H%M}.pdf"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
    return no_store(response)
