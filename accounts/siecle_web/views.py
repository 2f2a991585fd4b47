"""Pages of the browser SIECLE import (URLs under /import-siecle/, see urls.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from delegations.access import establishment_view
from delegations.permissions import Right, refuse
from educonnect.otp import second_factor_refusal

from ..models import SiecleImport
from . import services
from .access import get_import_for, importable_establishments, is_operator
from .forms import ConfirmForm, UploadForm

HISTORY = 30


def _finish(request, response):
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    return response


def _bound(request) -> tuple:
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _upload(request, form, establishment):
    if not form.is_valid():
        return None
    record = services.import_upload(
        actor=request.user,
        files=form.cleaned_data["files"],
        establishment=establishment,
        uai=form.cleaned_data.get("uai", ""),
    )
    return redirect("siecle_import:detail", public_id=record.public_id)


@require_http_methods(["GET", "POST"])
@login_required
def index(request):
    """The operator: upload for any establishment (the files' UAJ, created when new) and every
    recent import. The head of a private establishment: their establishment's page."""
    refusal = second_factor_refusal(request)
    if refusal:
        return refusal
    if not is_operator(request.user):
        own = importable_establishments(request.user)
        if len(own) == 1:
            return redirect("siecle_import:establishment", uai=own[0].uai)
        if not own:
            raise refuse(request.user, reason="siecle_import", request=request)
        return _finish(request, render(request, "accounts/siecle_import/choose.html", {"choices": own}))
    services.purge_stale_uploads()
    form = UploadForm(*_bound(request), ask_uai=True)
    if request.method == "POST" and (response := _upload(request, form, None)):
        return response
    context = {
        "form": form,
        "establishment": None,
        "imports": SiecleImport.objects.select_related("establishment", "actor")[:HISTORY],
        "title": "Import SIECLE",
    }
    return _finish(
        request, render(request, "accounts/siecle_import/index.html", context, status=422 if form.errors else 200)
    )


@require_http_methods(["GET", "POST"])
@establishment_view(Right.DELEGATIONS)
def establishment_imports(request, establishment):
    """A private establishment's head: upload its exports, its past imports with their reports (the
    operator uploads for any establishment from `index`)."""
    if not establishment.is_private:
        raise refuse(request.user, reason="siecle_import:public", establishment=establishment, request=request)
    services.purge_stale_uploads()
    form = UploadForm(*_bound(request))
    if request.method == "POST" and (response := _upload(request, form, establishment)):
        return response
    context = {
        "form": form,
        "establishment": establishment,
        "imports": establishment.siecle_imports.select_related("actor")[:HISTORY],
        "title": f"Import SIECLE — {establishment.uai}",
    }
    return _finish(
        request, render(request, "accounts/siecle_import/index.html", context, status=422 if form.errors else 200)
    )


@require_GET
@login_required
def detail(request, public_id):
    """One import: progress (polled by HTMX while it works), then the (dry-run) report; when
    checked, « Importer » / « Annuler »."""
    record = get_import_for(request, public_id)
    refusal = second_factor_refusal(request)
    if refusal:
        return refusal
    context = {"record": record, "report": record.report, "title": "Import SIECLE"}
    template = "accounts/siecle_import/detail.html#status" if request.htmx else "accounts/siecle_import/detail.html"
    return _finish(request, render(request, template, context))


@require_POST
@login_required
def confirm(request, public_id):
    record = get_import_for(request, public_id)
    refusal = second_factor_refusal(request)
    if refusal:
        return refusal
    form = ConfirmForm(request.POST)
    force = form.is_valid() and form.cleaned_data["force"]
    try:
        services.import_confirm(actor=request.user, record=record, force=force)
    except services.AlreadyHandled as exc:
        messages.info(request, f"Cet import a déjà été traité ({str(exc).lower()}).")
    except ValueError:
        messages.error(request, "Cochez « Importer malgré ces avertissements » pour confirmer cet import.")
    return HttpResponseRedirect(reverse("siecle_import:detail", kwargs={"public_id": record.public_id}))


@require_POST
@login_required
def cancel(request, public_id):
    record = get_import_for(request, public_id)
    refusal = second_factor_refusal(request)
    if refusal:
        return refusal
    try:
        services.import_cancel(actor=request.user, record=record)
        messages.success(request, "Import annulé : les fichiers déposés ont été supprimés.")
    except services.AlreadyHandled as exc:
        messages.info(request, f"Cet import ne peut plus être annulé ({str(exc).lower()}).")
    return HttpResponseRedirect(reverse("siecle_import:detail", kwargs={"public_id": record.public_id}))
