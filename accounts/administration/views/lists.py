"""The two lists: Représentants légaux, Élèves (filters without reload, sort, pagination, selection)."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect.http import is_partial, no_store

from ...lists import build_list
from ...lists.students import ADMINISTRATION_STUDENTS, ROW_VALUES, student_rows
from ...models import AccountKind
from ...selectors import student_account_values
from ..listing import ADMIN_REPRESENTATIVES, representative_rows
from .accounts import BACK_PARAM

TEMPLATE = "accounts/administration/list.html"


BULK_ACTIONS = [
    ("notify", "(Re)notifier les comptes", True),
    ("list", "Lister les comptes", False),
    ("reset", "Réinitialiser les mots de passe", False),
]
STUDENT_COLUMNS = frozenset(column.key for column in ADMINISTRATION_STUDENTS.columns)


def _render(request, establishment, *, kind: AccountKind, spec, queryset, rows=None):
    listing = build_list(spec, queryset, request.GET, form_kwargs={"establishment": establishment}, rows=rows)
    is_representatives = kind == AccountKind.REPRESENTATIVE
    population = "representatives" if is_representatives else "students"
    context = {
        "establishment": establishment,
        "tab": population,
        "page_title": "Représentants légaux" if is_representatives else "Élèves",
        "is_representatives": is_representatives,
        "listing": listing,
        "form": listing.form,
        "rows": listing.rows,
        "module": "administration",
        # Appended to each row's eye link: the account page's « Retour à la liste » relaunches this search.
        "back_param": urlencode({BACK_PARAM: listing.current_querystring}) if listing.current_querystring else "",
        "columns": STUDENT_COLUMNS,
        "list_url": reverse(f"administration:{population}", args=[establishment.uai]),
        "select_all_url": reverse(f"administration:{population}_select_all", args=[establishment.uai]),
        "bulk_actions": [
            {
                "label": label,
                "url": reverse(f"administration:{population}_{action}", args=[establishment.uai]),
                "primary": primary,
            }
            for action, label, primary in BULK_ACTIONS
        ],
        "table_template": (
            "accounts/administration/representatives_table.html"
            if is_representatives
            else "accounts/lists/student_table.html"
        ),
    }
    template = f"{TEMPLATE}#results" if is_partial(request) else TEMPLATE
    return no_store(render(request, template, context))


@require_GET
@establishment_view(Right.ADMINISTRATION)
def representatives(request, establishment):
    rows = representative_rows(request.user, establishment)
    return _render(request, establishment, kind=AccountKind.REPRESENTATIVE, spec=ADMIN_REPRESENTATIVES, queryset=rows)


@require_GET
@establishment_view(Right.ADMINISTRATION)
def students(request, establishment):
    values = student_account_values(request.user, establishment, right=Right.ADMINISTRATION, fields=ROW_VALUES)
    return _render(
        request,
        establishment,
        kind=AccountKind.STUDENT,
        spec=ADMINISTRATION_STUDENTS,
        queryset=values,
        rows=lambda page: student_rows(establishment, page),
    )
