"""Actions on a selection of the Élèves list: « Réinitialiser les mots de passe » and « Lister les
comptes » (PDF / CSV). The selection is POSTed (ticked ids, or « Sélectionner tout » with the
filters of the search) and resolved within the scoped queryset: a foreign id answers 404."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect.http import no_store

from ..exports import accounts_list
from ..lists import SORT_PARAM, resolve_selection, selection_hidden_fields
from ..matrix import can_reset_password
from ..resets import ResetRefused, accounts_reset_passwords
from ..selectors import student_accounts_visible_to
from .listing import STUDENT_ACCOUNTS, StudentRow, passwords_table
from .views import TEMPLATES, module_context

FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}
SHOWN_REFUSALS = 20


def _selection(request, establishment):
    accounts = student_accounts_visible_to(request.user, establishment)
    return list(
        resolve_selection(STUDENT_ACCOUNTS, accounts, request.POST, form_kwargs={"establishment": establishment})
    )


def _back_querystring(data) -> str:
    params = STUDENT_ACCOUNTS.filter_params(data)
    if data.get(SORT_PARAM):
        params.append((SORT_PARAM, data[SORT_PARAM]))
    return urlencode(params)


def _step_context(request, establishment, selection) -> dict:
    return {
        **module_context(request, establishment, "students"),
        "count": len(selection),
        "hidden_fields": selection_hidden_fields(request.POST, STUDENT_ACCOUNTS),
        "back_querystring": _back_querystring(request.POST),
    }


def _nothing_selected(request, establishment):
    messages.error(request, "Sélectionnez au moins un élève dans la liste.")
    url = reverse("troubleshooting:students", args=[establishment.uai])
    query = _back_querystring(request.POST)
    return redirect(f"{url}?{query}" if query else url)


@require_POST
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def reset_passwords(request, establishment):
    """Without `confirm`: the confirmation (or why it cannot be done). With it: the resets, all or
    nothing, and the result page with every new password and the list to print."""
    selection = _selection(request, establishment)
    if not selection:
        return _nothing_selected(request, establishment)
    context = _step_context(request, establishment, selection)
    if request.POST.get("confirm") != "1":
        refusals = [(a, reason) for a in selection for allowed, reason in [can_reset_password(a)] if not allowed]
        context.update(refusals=[StudentRow.of(a) for a, _ in refusals[:SHOWN_REFUSALS]], refusal_count=len(refusals))
        return no_store(render(request, TEMPLATES + "bulk_confirm.html", context))
    try:
        results = accounts_reset_passwords(
            actor=request.user, establishment=establishment, accounts=selection, request=request
        )
    except ResetRefused as refused:
        context.update(
            refusals=[StudentRow.of(a) for a, _ in refused.refusals[:SHOWN_REFUSALS]],
            refusal_count=len(refused.refusals),
        )
        return no_store(render(request, TEMPLATES + "bulk_confirm.html", context, status=409))
    rows = [StudentRow.of(r.account, r.password) for r in results]
    rows.sort(key=lambda r: (str(r.student.division or ""), r.student.last_name, r.student.first_name))
    context["passwords_table"] = passwords_table(establishment, rows)
    return no_store(render(request, TEMPLATES + "reset_result.html", context))


@require_POST
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def list_accounts(request, establishment):
    """« Lister les comptes »: without `format`, the choice of format; with it, the file."""
    selection = _selection(request, establishment)
    if not selection:
        return _nothing_selected(request, establishment)
    file_format = request.POST.get("format")
    if file_format not in FORMATS:
        context = _step_context(request, establishment, selection)
        context["format_error"] = "format" in request.POST
        return no_store(render(request, TEMPLATES + "export_choose.html", context))
    content = accounts_list(
        actor=request.user, establishment=establishment, accounts=selection, file_format=file_format, request=request
    )
    content_type, extension = FORMATS[file_format]
    response = HttpResponse(content, content_type=content_type)
    filename = f"comptes-eleves-{establishment.uai}-{timezone.localdate():%Y%m%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)
