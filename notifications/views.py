"""(Re)notify accounts, follow a notification job, download its letters."""

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from delegations.permissions import Right, get_establishment_for
from educonnect import idempotency, mail
from educonnect.otp import otp_redirect_if_needed

from . import jobs
from .forms import NotifyForm
from .selectors import accounts_by_ids, job_for_requester
from .services import notification_request


def _no_store(response):
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def administration_view(view):
    """Signed-in staff holding « Administration des comptes » on `<uai>` (else 404), then the OTP
    gate of the administration module (second factor outside the intranet)."""

    @functools.wraps(view)
    def wrapper(request, uai, *args, **kwargs):
        establishment = get_establishment_for(request.user, uai, Right.ADMINISTRATION)
        response = otp_redirect_if_needed(request) or view(request, establishment, *args, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response

    return login_required(wrapper)


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}) and value.startswith("/"):
        return value
    return ""


@require_POST
@administration_view
def notify(request, establishment):
    """POST account=<id>… (or selection=<id>…), channel=sheet|email, with_reset=1, next=<list URL>,
    idempotency_key (the form acts once: a second submission shows the first result). Small batches are notified at once, bigger ones (> EDUCONNECT_NOTIFY_SYNC_MAX) in the
    background; either way the answer is a redirect to the notification's page (progress, result,
    « Télécharger le courrier au format PDF »). Accounts of another establishment: 404."""
    form = NotifyForm(request.POST)
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
    return _no_store(response)


@require_GET
@administration_view
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
    template = "notifications/job.html#progress" if request.htmx else "notifications/job.html"
    return _no_store(render(request, template, context))


@require_GET
@administration_view
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
    return _no_store(response)
