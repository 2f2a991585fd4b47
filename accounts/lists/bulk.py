"""The bulk actions of the account lists — one flow for every list (troubleshooting Élèves,
administration Élèves and Représentants légaux), parameterised by the population:

1. the selection is POSTed (ticked rows, or « Sélectionner tout » with the filters of the search)
   and resolved within the actor's scoped rows (a foreign id answers 404);
2. the action matrix sorts the selected accounts into those the action will treat and those it
   cannot, with the reason; the confirmation says « N comptes seront traités, M ne peuvent pas
   l'être (raison) » and « Continuer » acts on the first ones only;
3. « Lister les comptes » offers the same formats (PDF, CSV) under the same file names.

The modules' views are thin: their access decorator, then `reset_passwords_step` /
`list_accounts_step` with their layout and their URLs.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from delegations.permissions import refuse
from educonnect.http import no_store

from .. import display, matrix
from ..models import Account, AccountKind, AccountState
from ..resets import ResetRefused, accounts_reset_passwords
from . import (
    SELECTION_PACKED_PARAM,
    SELECTION_PARAM,
    SORT_PARAM,
    ListSpec,
    is_select_all,
    resolve_selection,
    search_ids,
    selected_ids,
    selection_hidden_fields,
)

logger = logging.getLogger(__name__)
TEMPLATES = "accounts/lists/bulk/"
FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class Population:
    """One list the bulk actions apply to: its spec, its scoped rows, how a row leads to its account,
    how the selection is listed in a file, and the stem of that file's name."""

    key: str
    spec: ListSpec
    # (user, establishment) -> QuerySet of the list's rows (model instances), scoped to the actor.
    rows: Callable
    # A row -> its account (a representative of two children is two rows, one account).
    account_of: Callable
    # (actor, establishment, rows, accounts, file_format, request) -> bytes, audited.
    list_file: Callable
    file_stem: str
    # The rows' path to their establishment: tells a row that has left the list since it was
    # ticked (a pupil who left the school) from one that never was this establishment's.
    establishment_path: str = "establishment"

    @property
    def noun_plural(self) -> str:
        return self.spec.noun_plural


@dataclass
class Selection:
    rows: list
    accounts: list[Account]
    # Ticked rows of this establishment that are no longer in the list (left the school since).
    gone: int = 0

    @property
    def by_state(self) -> list[tuple[str, int]]:
        counts = Counter(account.state for account in self.accounts)
        return [(label, counts[value]) for value, label in AccountState.choices if counts[value]]


def search_ids_step(request, establishment, population: Population):
    """« Sélectionner tout »: {"rows": [[row id, account id], …]} of the search in the query string."""
    queryset = population.rows(request.user, establishment)
    pairs = search_ids(population.spec, queryset, request.GET, form_kwargs={"establishment": establishment})
    return no_store(JsonResponse({"rows": pairs}))


def selection_summary(rows: int, accounts: int) -> str:
    """« 2 comptes sélectionnés », or when rows share accounts « 3 lignes sélectionnées — 2 comptes »:
    the words of the list's counter (static/accounts/lists.js), so both say the same."""
    if rows == accounts:
        return f"{display.plural(accounts, 'compte')} {display.plural_word(accounts, 'sélectionné')}"
    lines = f"{display.plural(rows, 'ligne')} {display.plural_word(rows, 'sélectionnée')}"
    return f"{lines} — {display.plural(accounts, 'compte')}"


def select(request, establishment, population: Population) -> Selection:
    """The rows and distinct accounts (in list order) the POSTed selection designates. A ticked row
    of this establishment that has left the list since (the selection is kept while the person
    works: static/accounts/lists.js) is left out and counted in `gone`. A row the actor could never
    see (another establishment's, or no row at all) was never offered: 404, and the refusal is
    journaled."""
    queryset = population.rows(request.user, establishment)
    form_kwargs = {"establishment": establishment}
    data, gone = request.POST, 0
    try:
        rows = list(resolve_selection(population.spec, queryset, data, form_kwargs=form_kwargs))
    except Http404:
        ids = set(selected_ids(data)) if not is_select_all(data) else set()
        present = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
        missing = ids - present
        left = queryset.model._default_manager.filter(pk__in=missing, **{population.establishment_path: establishment})
        if not missing or left.count() != len(missing):
            raise refuse(
                request.user, reason=f"selection:{population.key}", establishment=establishment, request=request
            ) from None
        data = data.copy()
        data.setlist(SELECTION_PARAM, [])
        data[SELECTION_PACKED_PARAM] = ",".join(str(pk) for pk in sorted(present))
        rows = list(resolve_selection(population.spec, queryset, data, form_kwargs=form_kwargs))
        gone = len(missing)
        logger.info(
            "bulk selection in %s: %d ticked row(s) no longer in the %s list, left out",
            establishment.uai,
            gone,
            population.key,
        )
    seen, accounts = set(), []
    for row in rows:
        account = population.account_of(row)
        if account.pk not in seen:
            seen.add(account.pk)
            accounts.append(account)
    return Selection(rows, accounts, gone)


def back_querystring(population: Population, data) -> str:
    """The list's filters and sort, to go back to the same search."""
    params = population.spec.filter_params(data)
    if data.get(SORT_PARAM):
        params.append((SORT_PARAM, data[SORT_PARAM]))
    return urlencode(params)


@dataclass
class Partition:
    """The selected accounts an action will treat, and those the action matrix refuses (with why)."""

    allowed: list[Account]
    refused: list[tuple[Account, str]]

    @property
    def headline(self) -> str:
        """« 3 comptes seront traités, 1 ne peut pas l'être »."""
        n, m = len(self.allowed), len(self.refused)
        treated = f"{display.plural(n, 'compte')} {'sera traité' if n <= 1 else 'seront traités'}"
        return f"{treated}, {m} ne {'peut' if m <= 1 else 'peuvent'} pas l'être"

    @property
    def refusals(self) -> list[str]:
        """Why, one sentence per reason: « 2 comptes : <the matrix's reason> »."""
        counts = Counter(reason for _account, reason in self.refused)
        return [f"{display.plural(n, 'compte')} : {reason}" for reason, n in counts.items()]


def partition(accounts: list[Account], decide: Callable) -> Partition:
    allowed, refused = [], []
    for account in accounts:
        ok, reason = decide(account)
        if ok:
            allowed.append(account)
        else:
            refused.append((account, reason))
    return Partition(allowed, refused)


def step_context(request, population: Population, selection: Selection, *, base: dict) -> dict:
    """`base`: the module's context — its layout (`layout`), tab and URLs, and `list_url`."""
    query = back_querystring(population, request.POST)
    return {
        **base,
        "population": population,
        "count": len(selection.accounts),
        "selection_summary": selection_summary(len(selection.rows), len(selection.accounts)),
        "shared_accounts": len(selection.rows) != len(selection.accounts),
        "by_state": selection.by_state,
        "gone": selection.gone,
        "hidden_fields": selection_hidden_fields(request.POST, population.spec),
        "back_url": f"{base['list_url']}?{query}" if query else base["list_url"],
    }


def nothing_selected(request, population: Population, *, list_url: str, selection: Selection | None = None):
    if selection is not None and selection.gone:
        messages.error(
            request,
            "Les lignes sélectionnées ne figurent plus dans la liste (élèves sortis de l'établissement "
            "depuis) : aucun compte n'a été traité. Cliquez sur « Tout désélectionner », puis choisissez "
            "de nouveau.",
        )
    else:
        messages.error(request, "Sélectionnez au moins un compte dans la liste.")
    query = back_querystring(population, request.POST)
    return redirect(f"{list_url}?{query}" if query else list_url)


@dataclass(frozen=True)
class ResetLine:
    """A line of the table of new passwords: one per account reset."""

    name: str
    division: str
    identifier: str
    password: str
    state: str


def _reset_lines(population: Population, selection: Selection, results) -> tuple[list[ResetLine], str]:
    """The table of new passwords (by class, then name) and the ids of the list rows of those
    accounts, packed in the table's order, for « Lister les comptes » below it."""
    passwords = {result.account.pk: result.password for result in results}
    rows_of: dict[int, list] = {}
    for row in selection.rows:
        rows_of.setdefault(population.account_of(row).pk, []).append(row)
    lines = []
    for account_pk, rows in rows_of.items():
        if account_pk not in passwords:
            continue
        account = population.account_of(rows[0])
        student = account.student if account.kind == AccountKind.STUDENT else None
        division = student.division.code if student is not None and student.division_id else ""
        line = ResetLine(
            name=display.list_name_of(account.owner),
            division=division,
            identifier=account.identifier,
            password=passwords[account_pk],
            state=account.state,
        )
        lines.append((line, [row.pk for row in rows]))
    lines.sort(key=lambda item: (item[0].division, item[0].name, item[1][0]))
    return [line for line, _ids in lines], ",".join(str(pk) for _line, ids in lines for pk in ids)


def reset_passwords_step(request, establishment, population: Population, *, base: dict):
    """Without `confirm`: the confirmation — what will be reset, what cannot be and why. With it:
    the resets of the accounts the matrix allows (checked again under lock by the service), and
    every new password shown once with « Lister les comptes » below."""
    selection = select(request, establishment, population)
    if not selection.accounts:
        return nothing_selected(request, population, list_url=base["list_url"], selection=selection)
    split = partition(selection.accounts, partial(matrix.can_reset_password, abilities=request.abilities))
    context = step_context(request, population, selection, base=base)
    context.update(
        allowed_count=len(split.allowed),
        refused_count=len(split.refused),
        headline=split.headline,
        refusals=split.refusals,
    )
    if request.POST.get("confirm") != "1" or not split.allowed:
        return no_store(render(request, TEMPLATES + "reset_confirm.html", context))
    try:
        results = accounts_reset_passwords(
            actor=request.user, establishment=establishment, accounts=split.allowed, request=request
        )
    except ResetRefused as refused:
        # An account changed state between the confirmation and « Continuer »: nothing was reset.
        context["changed"] = [reason for _account, reason in refused.refusals]
        return no_store(render(request, TEMPLATES + "reset_confirm.html", context, status=409))
    context["lines"], context["list_ids"] = _reset_lines(population, selection, results)
    context["reset_count"] = len(results)
    return no_store(render(request, TEMPLATES + "reset_result.html", context))


def list_accounts_step(request, establishment, population: Population, *, base: dict):
    """« Lister les comptes »: without `format`, the choice of format; with it, the file."""
    selection = select(request, establishment, population)
    if not selection.accounts:
        return nothing_selected(request, population, list_url=base["list_url"], selection=selection)
    file_format = request.POST.get("format")
    if file_format not in FORMATS:
        context = step_context(request, population, selection, base=base)
        context["format_error"] = "format" in request.POST
        return no_store(render(request, TEMPLATES + "list_choose.html", context))
    content = population.list_file(
        actor=request.user,
        establishment=establishment,
        rows=selection.rows,
        accounts=selection.accounts,
        file_format=file_format,
        request=request,
    )
    response = HttpResponse(content, content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{list_file_name(population, establishment, file_format)}"'
    return no_store(response)


def list_file_name(population: Population, establishment, file_format: str) -> str:
    """« Educonnect-ListeEleves-0380111P-20261202181500.csv », the same from every module."""
    return f"Educonnect-{population.file_stem}-{establishment.uai}-{timezone.localtime():%Y%m%d%H%M%S}.{file_format}"
