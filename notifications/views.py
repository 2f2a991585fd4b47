"""(Re)notify accounts, follow a notification job, download its letters."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from delegations.permissions import Right, get_establishment_for

from . import jobs
from .forms import NotifyForm
from .selectors import accounts_by_ids, job_for_requester
from .services import accounts_notify


def _no_store(response):
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


@login_required
@require_POST
def notify(request, uai):
    """POST account=<id>… channel=sheet|email with_reset=on: the PDF (sheet, small batch), the
    result page (e-mail), or a redirect to the job page (more than EDUCONNECT_NOTIFY_SYNC_MAX)."""
    establishment = get_establishment_for(request.user, uai, Right.ADMINISTRATION)
    form = NotifyForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Demande de notification invalide.")
    accounts = accounts_by_ids(establishment, form.cleaned_data["account"])
    result = accounts_notify(
        actor=request.user,
        establishment=establishment,
        accounts=accounts,
        channel=form.cleaned_data["channel"],
        with_reset=form.cleaned_data["with_reset"],
        request=request,
    )
    if result.job is not None:
        return redirect("notifications:job", uai=establishment.uai, public_id=result.job.public_id)
    if result.pdf is not None:
        response = HttpResponse(result.pdf, content_type="application/pdf")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="courriers-educonnect-{establishment.uai}-{stamp}.pdf"'
        return _no_store(response)
    return render(
        request,
        "notifications/notify_result.html",
        {"establishment": establishment, "result": result, "title": "Notification des comptes"},
    )


@login_required
@require_GET
def job_detail(request, uai, public_id):
    establishment = get_establishment_for(request.user, uai, Right.ADMINISTRATION)
    job = job_for_requester(request.user, establishment, public_id)
    if job.pdf_expires_at and job.pdf_expires_at <= timezone.now():
        jobs.job_delete_pdf(job)
    context = {"establishment": establishment, "job": job, "title": "Notification des comptes"}
    template = "notifications/job.html#progress" if request.htmx else "notifications/job.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return _no_store(response)


@login_required
@require_GET
def job_pdf(request, uai, public_id):
    """The job's letters: only its requester, until the retention delay (then deleted, 404)."""
    establishment = get_establishment_for(request.user, uai, Right.ADMINISTRATION)
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
