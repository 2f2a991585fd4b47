"""Actions on a selection of the Élèves list: « Réinitialiser les mots de passe » and « Lister les
comptes » (PDF / CSV), through the bulk flow every account list shares (`accounts.lists.bulk`)."""

from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from delegations.access import establishment_view
from delegations.permissions import Right

from ..exports import accounts_list
from ..lists.bulk import Population, list_accounts_step, reset_passwords_step, search_ids_step
from ..lists.students import TROUBLESHOOTING_STUDENTS
from ..selectors import student_accounts_visible_to
from .views import module_context


def _list_students(*, actor, establishment, rows, accounts, file_format, request):
    return accounts_list(
        actor=actor, establishment=establishment, accounts=accounts, file_format=file_format, request=request
    )


STUDENTS = Population(
    key="students",
    spec=TROUBLESHOOTING_STUDENTS,
    rows=student_accounts_visible_to,
    account_of=lambda account: account,
    list_file=_list_students,
    file_stem="ListeEleves",
)


def _base(request, establishment) -> dict:
    context = module_context(request, establishment, "students")
    return {
        **context,
        "layout": "accounts/troubleshooting/base.html",
        "page_title": "Élèves",
        "list_url": context["students_url"],
        "list_action_url": reverse("troubleshooting:list_accounts", args=[establishment.uai]),
    }


@require_POST
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def reset_passwords(request, establishment):
    return reset_passwords_step(request, establishment, STUDENTS, base=_base(request, establishment))


@require_POST
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def list_accounts(request, establishment):
    return list_accounts_step(request, establishment, STUDENTS, base=_base(request, establishment))


@require_GET
@establishment_view(Right.TROUBLESHOOTING, second_factor=False)
def select_all(request, establishment):
    return search_ids_step(request, establishment, STUDENTS)
