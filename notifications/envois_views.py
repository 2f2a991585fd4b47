"""« Envois », a tab of the administration module: the establishment's notifications (newest first),
each one's page (progress polled by HTMX, result, downloads) and its letters — the whole PDF, or
the same letters as one PDF per class in a zip. Any administrator of the establishment follows a
notification; its letters hold provisional passwords, so only the person who launched it downloads
them, until the retention delay. A download that cannot be served says why, in French, on a page
of the module (not yours, not ready yet, interrupted, failed, deleted, no letters)."""

import logging

from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.display import plural, plural_word
from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect import mail
from educonnect.http import is_partial, no_store

from . import jobs
from .models import Channel, JobStatus, NotificationJob
from .selectors import job_of, jobs_of
from .services import letters_downloaded, sync_max
from .views import safe_next

logger = logging.getLogger(__name__)
PAGE_SIZE = 20
SUPPORT = "Si le problème persiste, contactez l'assistance en indiquant la référence {ref}."


def _base(establishment, title: str) -> dict:
    return {"establishment": establishment, "tab": "envois", "page_title": title}


@require_GET
@establishment_view(Right.ADMINISTRATION)
def index(request, establishment):
    """The establishment's notifications, 20 a page: who, when, channel, counts, state, letters."""
    page = Paginator(jobs_of(establishment), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {**_base(establishment, "Envois"), "page": page, "now": timezone.now()}
    return render(request, "notifications/envois/index.html", context)


def _forget_expired(job: NotificationJob) -> None:
    if job.pdf_path and job.pdf_expires_at is not None and job.pdf_expires_at <= timezone.now():
        jobs.job_delete_pdf(job)


@require_GET
@establishment_view(Right.ADMINISTRATION)
def job_detail(request, establishment, public_id):
    """A notification's page: progress polled by HTMX every 2 s until done (10 s once interrupted),
    then the result and, for its requester, the letters."""
    job = job_of(request, establishment, public_id)
    _forget_expired(job)
    back_url = safe_next(request, request.GET.get("next", ""))
    context = {
        **_base(establishment, "Notification des comptes"),
        "job": job,
        "can_download": job.requested_by_id == request.user.pk,
        "back_url": back_url,
        # Launched from a list: that list's selection is done with (static/accounts/lists.js).
        "list_path": back_url.partition("?")[0] if job.requested_by_id == request.user.pk else "",
        "retention_hours": _hours(),
    }
    if job.channel == Channel.EMAIL:
        context["pending_mails"] = mail.pending_count(establishment)
        context["failed_mails"] = mail.failed_count(establishment)
    template = "notifications/job.html#progress" if is_partial(request) else "notifications/job.html"
    return no_store(render(request, template, context))


def _hours() -> str:
    hours = jobs.retention().total_seconds() / 3600
    return f"{hours:g}".replace(".", ",") + " " + plural_word(int(hours), "heure")


def letters_refusal(user, job: NotificationJob, *, by_class: bool) -> tuple[int, str] | None:
    """Why the letters of `job` cannot be given to `user` now: (HTTP status, French message), or None."""
    ref = SUPPORT.format(ref=job.public_id)
    if job.channel == Channel.EMAIL:
        return 404, "Cette notification a été faite par courrier électronique : elle n'a pas de courrier à imprimer."
    if job.requested_by_id != user.pk:
        return 403, (
            "Ce courrier contient des mots de passe provisoires : seule la personne qui a lancé la notification "
            f"({job.requested_by.display_name}) peut le télécharger."
        )
    if job.status == JobStatus.FAILED:
        return 409, f"La notification a échoué : aucun courrier n'a été produit. {ref}"
    if job.is_interrupted:
        return 409, (
            "La notification s'est interrompue sur une erreur avant que le courrier soit prêt. Elle reprendra "
            "automatiquement au redémarrage du service de traitement ; les comptes déjà notifiés le restent. "
            f"{ref}"
        )
    if not job.is_finished:
        if job.status == JobStatus.PENDING:
            return 409, (
                "Le courrier n'est pas encore prêt : la notification est en attente de traitement. Le lien de "
                "téléchargement apparaîtra sur la page de la notification dès qu'il sera prêt."
            )
        if job.status == JobStatus.RENDERING:
            progress = f"{plural(job.written, 'courrier')} {plural_word(job.written, 'écrit')} sur {job.processed}"
        else:
            progress = f"{plural(job.processed, 'compte')} {plural_word(job.processed, 'notifié')} sur {job.total}"
        return 409, (
            f"Le courrier n'est pas encore prêt : la notification est en cours ({progress}). Le lien de "
            "téléchargement apparaîtra sur la page de la notification dès qu'il sera prêt."
        )
    _forget_expired(job)
    if job.letters_deleted:
        return 410, (
            f"Le courrier a été supprimé le {timezone.localtime(job.pdf_expires_at):%d/%m/%Y à %H:%M} : il "
            f"contenait des mots de passe provisoires et n'est conservé que {_hours()}. Pour imprimer de "
            "nouveaux courriers, (re)notifiez les comptes depuis la liste des élèves ou des représentants légaux."
        )
    if not job.pdf_path:
        return 404, "Aucun compte n'a été notifié : cette notification n'a pas de courrier."
    if by_class and not job.zip_path:
        return 404, (
            f"Le courrier par classe n'est préparé que pour les notifications de plus de {sync_max()} comptes, "
            "traitées en arrière-plan. Téléchargez le courrier au format PDF : il est trié par classe."
        )
    return None


def _download(request, establishment, public_id, *, by_class: bool):
    job = job_of(request, establishment, public_id)
    refusal = letters_refusal(request.user, job, by_class=by_class)
    path = jobs.zip_file(job) if by_class else jobs.pdf_file(job)
    if refusal is None and not path.is_file():
        logger.error("notification job %s: letters file %s missing", job.public_id, path.name)
        refusal = 404, f"Le fichier du courrier est introuvable sur le serveur. {SUPPORT.format(ref=job.public_id)}"
    if refusal is not None:
        status, message = refusal
        logger.info("letters of notification job %s not given to user %s: %s", job.public_id, request.user.pk, status)
        context = {
            **_base(establishment, "Courrier indisponible"),
            "job": job,
            "message": message,
            "level": "info" if status == 409 and not job.is_interrupted and job.status != JobStatus.FAILED else "error",
            "job_url": reverse("envois:job", args=[establishment.uai, job.public_id]),
        }
        return no_store(render(request, "notifications/envois/unavailable.html", context, status=status))
    letters_downloaded(actor=request.user, job=job, by_class=by_class, request=request)
    moment = f"{timezone.localtime(job.created_at):%Y%m%d-%H%M}"
    if by_class:
        name, content_type = f"courriers-par-classe-{establishment.uai}-{moment}.zip", "application/zip"
    else:
        name, content_type = f"courriers-educonnect-{establishment.uai}-{moment}.pdf", "application/pdf"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    return no_store(response)


@require_GET
@establishment_view(Right.ADMINISTRATION)
def job_pdf(request, establishment, public_id):
    """The job's letters as one PDF (by class, then name)."""
    return _download(request, establishment, public_id, by_class=False)


@require_GET
@establishment_view(Right.ADMINISTRATION)
def job_zip(request, establishment, public_id):
    """The same letters as one PDF per class, in a zip."""
    return _download(request, establishment, public_id, by_class=True)
