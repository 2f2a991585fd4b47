"""« ÉduConnect - Dépannage des comptes élèves »: Accueil, Élèves, reset of one password.

Every view: login → establishment accessor (404 for strangers) → scoped selector → service → render.
Pages that show provisional passwords are `no-store` and out of the HTMX history.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect.http import is_partial, no_store

from ..lists import build_list
from ..lists.bulk import ResetLine
from ..lists.students import ROW_VALUES, TROUBLESHOOTING_STUDENTS, student_rows
from ..resets import ResetRefused, account_reset_password
from ..selectors import student_account_values, student_accounts_visible_to

TEMPLATES = "accounts/troubleshooting/"


def module_context(request, establishment, tab: str) -> dict:
    return {
        "establishment": establishment,
        "abilities": request.abilities,  # set by the access gate
        "tab": tab,
        "home_url": reverse("troubleshooting:home", args=[establishment.uai]),
        "students_url": reverse("troubleshooting:students", args=[establishment.uai]),
    }


@require_GET
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def home(request, establishment):
    return render(request, TEMPLATES + "home.html", module_context(request, establishment, "home"))


COLUMNS = frozenset(column.key for column in TROUBLESHOOTING_STUDENTS.columns)


def students_context(request, establishment) -> dict:
    values = student_account_values(request.user, establishment, fields=ROW_VALUES)
    listing = build_list(
        TROUBLESHOOTING_STUDENTS,
        values,
        request.GET,
        form_kwargs={"establishment": establishment},
        rows=lambda page: student_rows(establishment, page, with_passwords=True, abilities=request.abilities),
    )
    context = module_context(request, establishment, "students")
    return {
        **context,
        **row_context(context["students_url"], listing.current_querystring),
        "listing": listing,
        "form": listing.form,
        "rows": listing.rows,
        "select_all_url": reverse("troubleshooting:select_all", args=[establishment.uai]),
        "bulk_actions": [
            {"label": "Lister les comptes", "url": reverse("troubleshooting:list_accounts", args=[establishment.uai])},
            {
                "label": "Réinitialiser les mots de passe",
                "url": reverse("troubleshooting:bulk_reset", args=[establishment.uai]),
                "primary": True,
            },
        ],
    }


def row_context(list_url: str, querystring: str) -> dict:
    """What the row partial of accounts/lists/student_table.html reads besides the row."""
    return {"module": "troubleshooting", "columns": COLUMNS, "list_url": list_url, "querystring": querystring}


def student_row(request, establishment, account_id: int, password: str | None = None):
    """The list's row of one account (404 outside the actor's scope); `password`: the one just made."""
    values = student_account_values(request.user, establishment, fields=ROW_VALUES).filter(pk=account_id)
    rows = student_rows(
        establishment, values, with_passwords=True, passwords={account_id: password}, abilities=request.abilities
    )
    if not rows:
        raise Http404("Compte introuvable")
    return rows[0]


@require_GET
@vary_on_headers("HX-Request")
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
@vary_on_headers("HX-Request")
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def row(request, establishment, account_id):
    """One line of the list (« Annuler » of the inline confirmation puts it back)."""
    context = module_context(request, establishment, "students")
    context.update(row_context(context["students_url"], request.GET.urlencode()))
    context["row"] = student_row(request, establishment, account_id)
    return no_store(render(request, "accounts/lists/student_table.html#row", context))


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def reset_password(request, establishment, account_id):
    """GET: the confirmation (inline in the row with HTMX, a page otherwise). POST: the reset, then
    the banner and the updated row (HTMX) or the result page."""
    account = _student_account(request, establishment, account_id)
    context = module_context(request, establishment, "students")
    querystring = request.GET.urlencode() if request.method == "GET" else request.POST.get("back", "")
    context.update(row_context(context["students_url"], querystring))
    if request.method == "GET":
        context["row"] = student_row(request, establishment, account.pk)
        template = "reset_confirm.html#confirm_row" if is_partial(request) else "reset_confirm.html"
        return no_store(render(request, TEMPLATES + template, context))

    try:
        password = account_reset_password(
            actor=request.user, establishment=establishment, account=account, request=request
        )
    except ResetRefused as refused:
        context["error"] = refused.refusals[0][1]
        context["row"] = student_row(request, establishment, account.pk)
        if is_partial(request):
            return no_store(render(request, TEMPLATES + "reset_done.html#refused_fragment", context))
        return no_store(render(request, TEMPLATES + "reset_confirm.html", context, status=409))
    row = context["row"] = student_row(request, establishment, account.pk, password)
    context["lines"] = [ResetLine(row.list_name, row.division, row.identifier, password, row.state)]
    context["list_ids"] = str(row.pk)
    context["list_action_url"] = reverse("troubleshooting:list_accounts", args=[establishment.uai])
    if is_partial(request):
        return no_store(render(request, TEMPLATES + "reset_done.html#done_fragment", context))
    return no_store(render(request, TEMPLATES + "reset_done.html", context))
