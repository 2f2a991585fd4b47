"""The two lists: Représentants légaux, Élèves (filters without reload, sort, pagination, selection)."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect.http import is_partial, no_store

from ...lists import build_list
from ...models import AccountKind
from ..listing import ADMIN_REPRESENTATIVES, ADMIN_STUDENTS, admin_student_accounts, representative_rows
from .accounts import remember_search

TEMPLATE = "accounts/administration/list.html"


def _render(request, establishment, *, kind: AccountKind, spec, queryset):
    remember_search(request, establishment, kind)
    listing = build_list(spec, queryset, request.GET, form_kwargs={"establishment": establishment})
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
        "list_url": reverse(f"administration:{population}", args=[establishment.uai]),
        "bulk_urls": {
            action: reverse(f"administration:{population}_{action}", args=[establishment.uai])
            for action in ("notify", "list", "reset")
        },
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
    rows = admin_student_accounts(request.user, establishment)
    return _render(request, establishment, kind=AccountKind.STUDENT, spec=ADMIN_STUDENTS, queryset=rows)
