"""« ÉduConnect - Dépannage des comptes élèves »: Accueil, Élèves, reset of one password.

Every view: login → establishment accessor (404 for strangers) → scoped selector → service → render.
Pages that show provisional passwords are `no-store` and out of the HTMX history.
"""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from delegations.access import establishment_view
from delegations.permissions import Right, abilities
from educonnect.http import is_partial, no_store

from ..lists import build_list
from ..resets import ResetRefused, account_reset_password
from ..selectors import student_account_page, student_accounts_visible_to
from .listing import STUDENT_ACCOUNTS, RowRenderer, StudentRow, passwords_table

TEMPLATES = "accounts/troubleshooting/"


def module_context(request, establishment, tab: str) -> dict:
    return {
        "establishment": establishment,
        "abilities": abilities(request.user, establishment),
        "tab": tab,
        "home_url": reverse("troubleshooting:home", args=[establishment.uai]),
        "students_url": reverse("troubleshooting:students", args=[establishment.uai]),
    }


@require_GET
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def home(request, establishment):
    return render(request, TEMPLATES + "home.html", module_context(request, establishment, "home"))


def students_context(request, establishment) -> dict:
    def fetch(form, sort, start, size):
        filters = form.student_filters()
        return student_account_page(request.user, establishment, filters, sort=sort, offset=start, limit=size)

    listing = build_list(STUDENT_ACCOUNTS, None, request.GET, form_kwargs={"establishment": establishment}, fetch=fetch)
    renderer = RowRenderer(establishment, listing.current_querystring)
    return {
        **module_context(request, establishment, "students"),
        "listing": listing,
        "form": listing.form,
        "rows": [StudentRow.of(account).rendered(renderer) for account in listing.rows],
    }


@require_GET
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def students(request, establishment):
    context = students_context(request, establishment)
    if not is_partial(request):
        return no_store(render(request, TEMPLATES + "students.html", context))
    response = render(request, TEMPLATES + "students.html#results", context)
    # The address bar gets the canonical query string (no empty fields), so links can be shared.
    query = context["listing"].current_querystring
    response["HX-Push-Url"] = f"{context['students_url']}?{query}" if query else context["students_url"]
    return no_store(response)


def _student_account(request, establishment, account_id):
    accounts = student_accounts_visible_to(request.user, establishment)
    return get_object_or_404(accounts, pk=account_id)


@require_GET
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def row(request, establishment, account_id):
    """One line of the list (« Annuler » of the inline confirmation puts it back)."""
    account = _student_account(request, establishment, account_id)
    renderer = RowRenderer(establishment, request.GET.urlencode())
    context = {**module_context(request, establishment, "students"), "row": StudentRow.of(account).rendered(renderer)}
    return no_store(render(request, TEMPLATES + "students.html#row", context))


@require_http_methods(["GET", "POST"])
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def reset_password(request, establishment, account_id):
    """GET: the confirmation (inline in the row with HTMX, a page otherwise). POST: the reset, then
    the banner and the updated row (HTMX) or the result page."""
    account = _student_account(request, establishment, account_id)
    context = {
        **module_context(request, establishment, "students"),
        "row": StudentRow.of(account),
        "querystring": request.GET.urlencode() if request.method == "GET" else request.POST.get("back", ""),
    }
    if request.method == "GET":
        template = "reset_confirm.html#confirm_row" if is_partial(request) else "reset_confirm.html"
        return no_store(render(request, TEMPLATES + template, context))

    try:
        password = account_reset_password(
            actor=request.user, establishment=establishment, account=account, request=request
        )
    except ResetRefused as refused:
        context["error"] = refused.refusals[0][1]
        context["row"] = context["row"].rendered(RowRenderer(establishment, context["querystring"]))
        if is_partial(request):
            return no_store(render(request, TEMPLATES + "reset_done.html#refused_fragment", context))
        return no_store(render(request, TEMPLATES + "reset_confirm.html", context, status=409))
    context["row"] = StudentRow.of(account, password).rendered(RowRenderer(establishment, context["querystring"]))
    context["passwords_table"] = passwords_table(establishment, [context["row"]])
    if is_partial(request):
        return no_store(render(request, TEMPLATES + "reset_done.html#done_fragment", context))
    return no_store(render(request, TEMPLATES + "reset_done.html", context))
