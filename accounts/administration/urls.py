"""URLs of « ÉduConnect - Administration des comptes », included at `administration/`.
(`<uai>/statistiques/` is the stats app; `<uai>/parametres/` is notifications.parametres_urls.)"""

from django.urls import path

from .. import guide
from ..models import AccountKind
from .views import accounts, actions, bulk, home, lists

app_name = "administration"

REPRESENTATIVE = {"kind": AccountKind.REPRESENTATIVE}
STUDENT = {"kind": AccountKind.STUDENT}


def _account_actions(prefix: str, segment: str, kind: dict) -> list:
    base = f"<str:uai>/{segment}/<int:account_id>/"
    return [
        path(f"{base}informer/", actions.inform, kind, name=f"{prefix}_inform"),
        path(f"{base}reinitialiser-identifiant/", actions.reset_identifier, kind, name=f"{prefix}_reset_identifier"),
        path(f"{base}reinitialiser-mot-de-passe/", actions.reset_password, kind, name=f"{prefix}_reset_password"),
        path(f"{base}renvoyer-mail-activation/", actions.resend_activation, kind, name=f"{prefix}_resend_activation"),
    ]


def _bulk_actions(population: str, segment: str) -> list:
    kind = {"population": population}
    return [
        path(f"<str:uai>/{segment}/notifier/", bulk.notify, kind, name=f"{population}_notify"),
        path(f"<str:uai>/{segment}/lister/", bulk.list_accounts, kind, name=f"{population}_list"),
        path(f"<str:uai>/{segment}/reinitialiser/", bulk.reset_passwords, kind, name=f"{population}_reset"),
        path(f"<str:uai>/{segment}/selection/", bulk.select_all, kind, name=f"{population}_select_all"),
    ]


urlpatterns = [
    path("", home.index, name="index"),
    path("<str:uai>/", home.home, name="home"),
    path("<str:uai>/guide/", guide.administration_guide, name="guide"),
    path("<str:uai>/responsables/", lists.representatives, name="representatives"),
    path("<str:uai>/eleves/", lists.students, name="students"),
    path("<str:uai>/responsables/<int:account_id>/", accounts.representative_account, name="representative"),
    path("<str:uai>/eleves/<int:account_id>/", accounts.student_account, name="student"),
    *_bulk_actions("representatives", "responsables"),
    *_bulk_actions("students", "eleves"),
    *_account_actions("representative", "responsables", REPRESENTATIVE),
    *_account_actions("student", "eleves", STUDENT),
]
