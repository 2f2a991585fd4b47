"""Bulk actions of both lists: « (Re)notifier les comptes », « Lister les comptes », « Réinitialiser
les mots de passe ». The selection is POSTed (ticked rows, or « Sélectionner tout » with the filters
of the search) and resolved within the scoped queryset: a foreign id answers 404. Each action
applies the action matrix account by account and reports the outcome per state."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect.http import no_store

from ... import matrix
from ...exports import accounts_list
from ...lists import SORT_PARAM, ListSpec, resolve_selection, selection_hidden_fields
from ...models import Account, AccountState
from ...resets import ResetRefused, accounts_reset_passwords
from ..exports import representatives_list
from ..listing import ADMIN_REPRESENTATIVES, ADMIN_STUDENTS, admin_student_accounts, representative_rows

TEMPLATES = "accounts/administration/bulk/"
FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}
NOTIFY_URL_NAME = "notifications:notify"


@dataclass(frozen=True)
class Population:
    """One of the two lists: its key in URL names, its spec, its scoped rows selector."""

    key: str
    spec: ListSpec
    rows: Callable
    noun: str
    file_stem: str


POPULATIONS = {
    "representatives": Population(
        "representatives", ADMIN_REPRESENTATIVES, representative_rows, "représentant(s) légal(aux)", "ListeResponsables"
    ),
    "students": Population("students", ADMIN_STUDENTS, admin_student_accounts, "élève(s)", "ListeEleves"),
}


def _resolve(request, establishment, population: Population) -> list:
    queryset = population.rows(request.user, establishment)
    return list(
        resolve_selection(population.spec, queryset, request.POST, form_kwargs={"establishment": establishment})
    )


def accounts_of(population: Population, rows: list) -> list[Account]:
    """Distinct accounts of the selected rows, in list order (a representative of two children is
    one account)."""
    if population.key == "students":
        return rows
    seen, accounts = set(), []
    for row in rows:
        account = row.representative.account
        if account.pk not in seen:
            seen.add(account.pk)
            accounts.append(account)
    return accounts


def _list_url(establishment, population: Population, data) -> str:
    params = population.spec.filter_params(data)
    if data.get(SORT_PARAM):
        params.append((SORT_PARAM, data[SORT_PARAM]))
    url = reverse(f"administration:{population.key}", args=[establishment.uai])
    return f"{url}?{urlencode(params)}" if params else url


def _context(request, establishment, population: Population, accounts: list[Account]) -> dict:
    return {
        "establishment": establishment,
        "tab": population.key,
        "page_title": "Représentants légaux" if population.key == "representatives" else "Élèves",
        "population": population,
        "count": len(accounts),
        "by_state": _by_state(accounts),
        "hidden_fields": selection_hidden_fields(request.POST, population.spec),
        "back_url": _list_url(establishment, population, request.POST),
    }


def _by_state(accounts: list[Account]) -> list[tuple[str, int]]:
    counts = Counter(account.state for account in accounts)
    return [(label, counts[value]) for value, label in AccountState.choices if counts[value]]


def _nothing_selected(request, establishment, population: Population):
    messages.error(request, "Sélectionnez au moins un compte dans la liste.")
    return redirect(_list_url(establishment, population, request.POST))


def _selection(request, establishment, population_key: str):
    population = POPULATIONS[population_key]
    rows = _resolve(request, establishment, population)
    return population, rows, accounts_of(population, rows)


def outcome_summary(reasons: list[str], what: str) -> list[str]:
    """« 3 comptes non notifiables : sans adresse mail » — one sentence per reason."""
    counts = Counter(reasons)
    return [f"{n} compte{'s' if n > 1 else ''} {what}{'s' if n > 1 else ''} : {reason}" for reason, n in counts.items()]


@require_POST
@establishment_view(Right.ADMINISTRATION)
def reset_passwords(request, establishment, population: str):
    """Without `confirm`: the confirmation with what will happen per state. With it: the resets of
    the accounts the matrix allows, the others reported, and every new password shown once."""
    population, rows, accounts = _selection(request, establishment, population)
    if not accounts:
        return _nothing_selected(request, establishment, population)
    allowed, refused = [], []
    for account in accounts:
        if matrix.can_reset_password(account)[0]:
            allowed.append(account)
        else:
            refused.append(account.get_state_display())
    context = _context(request, establishment, population, accounts)
    context.update(allowed_count=len(allowed), refusals=outcome_summary(refused, "non réinitialisé"))
    if request.POST.get("confirm") != "1" or not allowed:
        return no_store(render(request, TEMPLATES + "reset_confirm.html", context))
    try:
        results = accounts_reset_passwords(
            actor=request.user, establishment=establishment, accounts=allowed, request=request
        )
    except ResetRefused as refused:  # reset meanwhile by another request: « déjà fait », nothing done
        context.update(allowed_count=0, refusals=[reason for _, reason in refused.refusals])
        return no_store(render(request, TEMPLATES + "reset_confirm.html", context, status=409))
    context["results"] = sorted(results, key=lambda r: (r.account.owner.last_name, r.account.owner.first_name))
    return no_store(render(request, TEMPLATES + "reset_result.html", context))


@require_POST
@establishment_view(Right.ADMINISTRATION)
def list_accounts(request, establishment, population: str):
    """« Lister les comptes »: without `format`, the choice; with it, the PDF or CSV file."""
    population, rows, accounts = _selection(request, establishment, population)
    if not accounts:
        return _nothing_selected(request, establishment, population)
    file_format = request.POST.get("format")
    if file_format not in FORMATS:
        context = _context(request, establishment, population, accounts)
        context["format_error"] = "format" in request.POST
        return no_store(render(request, TEMPLATES + "list_choose.html", context))
    if population.key == "students":
        content = accounts_list(
            actor=request.user, establishment=establishment, accounts=accounts, file_format=file_format, request=request
        )
    else:
        content = representatives_list(
            actor=request.user, establishment=establishment, links=rows, file_format=file_format, request=request
        )
    response = HttpResponse(content, content_type=FORMATS[file_format])
    filename = f"Educonnect-{population.file_stem}-{timezone.localtime():%Y%m%d%H%M%S}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)


def notify_url(establishment) -> str | None:
    """The notifications module's URL (accounts never imports notifications: STYLE.md floors)."""
    try:
        return reverse(NOTIFY_URL_NAME, args=[establishment.uai])
    except NoReverseMatch:
        return None


@require_POST
@establishment_view(Right.ADMINISTRATION)
def notify(request, establishment, population: str):
    """« (Re)notifier les comptes »: the choice of channel and reset, with what will happen per
    state; the form then posts the accounts to the notifications module."""
    population, rows, accounts = _selection(request, establishment, population)
    if not accounts:
        return _nothing_selected(request, establishment, population)
    context = _context(request, establishment, population, accounts)
    without_email = ["sans adresse mail" for a in accounts if not a.email]
    not_informed = [a for a in accounts if a.state == AccountState.NOT_INFORMED]
    context.update(
        notify_url=notify_url(establishment),
        account_ids=[a.pk for a in accounts],
        without_email=outcome_summary(without_email, "non notifiable"),
        without_email_count=len(without_email),
        not_informed_count=len(not_informed),
    )
    return no_store(render(request, TEMPLATES + "notify_confirm.html", context))
