"""Reads, already scoped to what the actor may see (STYLE.md « Where things live » 2)."""

from django.db.models import F, QuerySet

from delegations.models import Establishment
from delegations.permissions import Right, has_right

from .models import Account, AccountKind

# What a row of the lists, a reset and an export read (fewer columns: a lighter query and lighter rows).
ROW_FIELDS = (
    "identifier",
    "kind",
    "establishment_id",
    "student_id",
    "state",
    "email",
    "reset_requested",
    "last_notified_at",
    "provisional_password_encrypted",
    "provisional_password_expires_at",
    "password_hash",
    "session_version",
    "updated_at",
    "student__first_name",
    "student__last_name",
    "student__establishment_id",
    "student__division__code",
    "student__mef__code",
    "student__mef__label",
    "student__mef__short_label",
)


def student_accounts_visible_to(
    user, establishment: Establishment, *, right: Right = Right.TROUBLESHOOTING
) -> QuerySet:
    """The ÉduConnect accounts of the active students of `establishment` (the troubleshooting
    list: « no filter = the whole establishment »), with what a row shows, in one query."""
    if not has_right(user, establishment, right):
        return Account.objects.none()
    return _student_accounts(establishment).select_related("student__division", "student__mef").only(*ROW_FIELDS)


def student_account_values(
    user, establishment: Establishment, *, right: Right = Right.TROUBLESHOOTING, fields: dict[str, str]
) -> QuerySet:
    """The same accounts as `student_accounts_visible_to`, read as dicts (`.values()`): `fields`
    maps each key to its ORM path from Account. What the Élèves lists page through: no model
    instance per row, no join besides the student."""
    if not has_right(user, establishment, right):
        return Account.objects.none().values()
    own = [name for name, path in fields.items() if name == path]
    related = {name: F(path) for name, path in fields.items() if name != path}
    return _student_accounts(establishment).values(*own, **related)


def _student_accounts(establishment: Establishment) -> QuerySet:
    # Scoped through the student (the account's own establishment is the same one): the planner then
    # walks the students of the establishment and reaches each account by its unique student_id.
    return Account.objects.filter(
        kind=AccountKind.STUDENT,
        student__establishment=establishment,
        student__is_active=True,
    )
