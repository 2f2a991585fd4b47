"""Account pages: a legal representative's, a student's (PRODUCT.md §4 fields)."""

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect.http import no_store

from ... import matrix
from ...models import Account, AccountKind
from ...passwords import provisional_password
from ...services_used import services_used
from .. import selectors
from ..access import get_account_for

KIND_SLUGS = {AccountKind.REPRESENTATIVE: "representative", AccountKind.STUDENT: "student"}
LIST_URLS = {
    AccountKind.REPRESENTATIVE: "administration:representatives",
    AccountKind.STUDENT: "administration:students",
}
LIST_SESSION_KEY = "administration:last-search:{uai}:{kind}"
# The eye link of a list row carries the list's search (`?retour=<query string>`): a list request
# writes nothing, and the account page remembers the search for the actions that come back to it.
BACK_PARAM = "retour"


def back_to_list_url(request, establishment, kind: AccountKind) -> str:
    """« Retour à la liste » relaunches the previous search (guide détaillé §5.1)."""
    url = reverse(LIST_URLS[kind], kwargs={"uai": establishment.uai})
    key = LIST_SESSION_KEY.format(uai=establishment.uai, kind=kind)
    if BACK_PARAM in request.GET:
        query = QueryDict(request.GET[BACK_PARAM]).urlencode()  # re-encoded: only a query string
        if request.session.get(key) != query:
            request.session[key] = query
    else:
        query = request.session.get(key, "")
    return f"{url}?{query}" if query else url


def account_urls(establishment, account: Account) -> dict[str, str]:
    slug = KIND_SLUGS[AccountKind(account.kind)]
    kwargs = {"uai": establishment.uai, "account_id": account.pk}
    names = ["", "_reset_identifier", "_reset_password", "_resend_activation", "_inform"]
    return {name.strip("_") or "page": reverse(f"administration:{slug}{name}", kwargs=kwargs) for name in names}


def account_context(request, establishment, account: Account, **extra) -> dict:
    kind = AccountKind(account.kind)
    is_student = kind == AccountKind.STUDENT
    context = {
        "establishment": establishment,
        "tab": "students" if is_student else "representatives",
        "page_title": "Compte de l'élève" if is_student else "Compte du représentant légal",
        "account": account,
        "owner": account.owner,
        "is_student": is_student,
        "person": "l'élève" if is_student else "le représentant légal",
        "of_person": "de l'élève" if is_student else "du représentant légal",
        "to_person": "à l'élève" if is_student else "au représentant légal",
        "password": provisional_password(account),
        "linked": (
            selectors.linked_representatives(account.student)
            if is_student
            else selectors.linked_students(account.representative)
        ),
        "sources": selectors.data_sources(account),
        "services_used": services_used(account),
        "decisions": {
            "notify": matrix.can_notify(account),
            "reset_password": matrix.can_reset_password(account, abilities=request.abilities),
            "resend_activation": matrix.can_resend_activation_email(account),
            "reset_identifier": matrix.can_reset_identifier(account),
        },
        "urls": account_urls(establishment, account),
        "back_url": back_to_list_url(request, establishment, kind),
    }
    context.update(extra)
    return context


def render_account(request, establishment, account: Account, *, status: int = 200, **extra):
    response = render(
        request, "accounts/administration/account.html", account_context(request, establishment, account, **extra)
    )
    response.status_code = status
    return no_store(response)


@require_GET
@establishment_view(Right.ADMINISTRATION)
def representative_account(request, establishment, account_id: int):
    account = get_account_for(establishment, AccountKind.REPRESENTATIVE, account_id)
    return render_account(request, establishment, account)


@require_GET
@establishment_view(Right.ADMINISTRATION)
def student_account(request, establishment, account_id: int):
    account = get_account_for(establishment, AccountKind.STUDENT, account_id)
    return render_account(request, establishment, account)
