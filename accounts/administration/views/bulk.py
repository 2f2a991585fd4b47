"""Bulk actions of both lists: « (Re)notifier les comptes », « Lister les comptes », « Réinitialiser
les mots de passe ». « Lister les comptes » and the resets are the bulk flow every account list
shares (`accounts.lists.bulk`); « (Re)notifier » confirms here and posts to the notifications module."""

import logging

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect.http import no_store

from ... import display
from ...exports import accounts_list
from ...lists.bulk import (
    Population,
    list_accounts_step,
    nothing_selected,
    reset_passwords_step,
    search_ids_step,
    select,
    step_context,
)
from ...lists.students import ADMINISTRATION_STUDENTS
from ...models import AccountState, Audience
from ...parameters import SCOLARITE_SERVICES_URL, address_switched_on
from ...selectors import student_accounts_visible_to
from ..exports import representatives_list
from ..listing import ADMIN_REPRESENTATIVES, representative_rows

NOTIFY_URL_NAME = "notifications:notify"
AUDIENCES = {"students": Audience.STUDENTS, "representatives": Audience.REPRESENTATIVES}

logger = logging.getLogger(__name__)


def _list_students(*, actor, establishment, rows, accounts, file_format, request):
    return accounts_list(
        actor=actor, establishment=establishment, accounts=accounts, file_format=file_format, request=request
    )


def _list_representatives(*, actor, establishment, rows, accounts, file_format, request):
    return representatives_list(
        actor=actor, establishment=establishment, links=rows, file_format=file_format, request=request
    )


POPULATIONS = {
    "representatives": Population(
        key="representatives",
        spec=ADMIN_REPRESENTATIVES,
        rows=representative_rows,
        account_of=lambda link: link.representative.account,
        list_file=_list_representatives,
        file_stem="ListeResponsables",
        establishment_path="student__establishment",
    ),
    "students": Population(
        key="students",
        spec=ADMINISTRATION_STUDENTS,
        rows=lambda user, establishment: student_accounts_visible_to(user, establishment, right=Right.ADMINISTRATION),
        account_of=lambda account: account,
        list_file=_list_students,
        file_stem="ListeEleves",
    ),
}


def _base(establishment, population: Population) -> dict:
    return {
        "establishment": establishment,
        "layout": "accounts/administration/layout.html",
        "tab": population.key,
        "page_title": "Représentants légaux" if population.key == "representatives" else "Élèves",
        "list_url": reverse(f"administration:{population.key}", args=[establishment.uai]),
        "list_action_url": reverse(f"administration:{population.key}_list", args=[establishment.uai]),
    }


@require_POST
@establishment_view(Right.ADMINISTRATION)
def reset_passwords(request, establishment, population: str):
    chosen = POPULATIONS[population]
    return reset_passwords_step(request, establishment, chosen, base=_base(establishment, chosen))


@require_POST
@establishment_view(Right.ADMINISTRATION)
def list_accounts(request, establishment, population: str):
    chosen = POPULATIONS[population]
    return list_accounts_step(request, establishment, chosen, base=_base(establishment, chosen))


@require_GET
@establishment_view(Right.ADMINISTRATION)
def select_all(request, establishment, population: str):
    return search_ids_step(request, establishment, POPULATIONS[population])


def notify_url(establishment) -> str | None:
    """The notifications module's URL (accounts never imports notifications: STYLE.md floors)."""
    try:
        return reverse(NOTIFY_URL_NAME, args=[establishment.uai])
    except NoReverseMatch:
        return None


def parameters_warning(establishment, audience: str) -> dict | None:
    """What the (re)notify confirmations need for the warning of seed 002 (« IMPORTANT - Paramétrage
    avant notification des comptes ») when no Paramètres address of `audience` is switched on, else
    None. Notifying stays possible: the address is optional, the letters then give the sign-in page
    (and Scolarité Services to legal representatives) only."""
    if address_switched_on(establishment, audience):
        return None
    logger.info("notify confirmation at %s: no Paramètres address switched on for %s", establishment.uai, audience)
    return {
        "for_students": audience == Audience.STUDENTS,
        "scolarite_services_url": SCOLARITE_SERVICES_URL,
        "parameters_url": reverse("parametres:index", args=[establishment.uai]),
    }


@require_POST
@establishment_view(Right.ADMINISTRATION)
def notify(request, establishment, population: str):
    """« (Re)notifier les comptes »: the choice of channel and reset, with what will happen per
    state; the form then posts the accounts to the notifications module."""
    chosen = POPULATIONS[population]
    base = _base(establishment, chosen)
    selection = select(request, establishment, chosen)
    if not selection.accounts:
        return nothing_selected(request, chosen, list_url=base["list_url"], selection=selection)
    accounts = selection.accounts
    context = step_context(request, chosen, selection, base=base)
    without_email = [a for a in accounts if not a.email]
    n = len(without_email)
    context.update(
        notify_url=notify_url(establishment),
        account_ids=[a.pk for a in accounts],
        without_email=[f"{display.plural(n, 'compte')} non {display.plural_word(n, 'notifiable')} : sans adresse mail"]
        if n
        else [],
        without_email_count=n,
        not_informed_count=sum(1 for a in accounts if a.state == AccountState.NOT_INFORMED),
        parameters_warning=parameters_warning(establishment, AUDIENCES[chosen.key]),
    )
    return no_store(render(request, "accounts/administration/bulk/notify_confirm.html", context))
