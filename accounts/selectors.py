"""Reads, already scoped to what the actor may see (STYLE.md « Where things live » 2)."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from delegations.models import Establishment
from delegations.permissions import Right, has_right
from educonnect.rows import RowReader

from .models import Account, AccountKind, AccountState, Division, Mef, Student


def students_visible_to(user, establishment: Establishment, *, right: Right = Right.TROUBLESHOOTING) -> QuerySet:
    """Active students of `establishment`, or nothing when `user` holds no `right` there."""
    if not has_right(user, establishment, right):
        return Student.objects.none()
    return Student.objects.filter(establishment=establishment, is_active=True)


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
    # Scoped through the student (the account's own establishment is the same one): the planner then
    # walks the students of the establishment and reaches each account by its unique student_id.
    return (
        Account.objects.filter(
            kind=AccountKind.STUDENT,
            student__establishment=establishment,
            student__is_active=True,
        )
        .select_related("student__division", "student__mef")
        .only(*ROW_FIELDS)
    )


# The troubleshooting list's page, in one hand-written statement ------------------------------------
#
# The list is the screen staff use most (a name typed, a password reset). Through the ORM its page
# cost ~2 ms of query building and ~60 µs per row of model instantiation on top of the query itself;
# here the statement is assembled from the filter form's cleaned data and read into slim rows. The
# ORM path (`student_accounts_visible_to` filtered by the same form, `accounts.lists.resolve_selection`)
# stays what the bulk actions and exports use; tests check that both give the same rows in the same order.


LISTED_ACCOUNT_FIELDS = (
    "identifier",
    "state",
    "email",
    "provisional_password_encrypted",
    "provisional_password_expires_at",
)
LISTED_STUDENT_FIELDS = ("first_name", "last_name", "division_id", "mef_id")


@dataclass(frozen=True, slots=True)
class ListedStudent:
    first_name: str
    last_name: str
    division_id: int | None
    mef_id: int | None


@dataclass(frozen=True, slots=True)
class ListedAccount:
    """A student account as one row of the list shows it (what `StudentRow` and the action matrix read)."""

    pk: int
    identifier: str
    state: str
    email: str
    provisional_password_encrypted: str
    provisional_password_expires_at: datetime.datetime | None
    student: ListedStudent

    def get_state_display(self) -> str:
        return AccountState(self.state).label


@dataclass(frozen=True)
class StudentFilters:
    """The list's filters, as the filter form cleans them."""

    terms: tuple[str, ...] = ()
    mef_id: int | None = None
    division_ids: tuple[int, ...] = ()
    states: tuple[str, ...] = ()


# Sort keys of the list → columns of the statement below (the ORM twin: troubleshooting.listing).
STATE_RANK = (
    "CASE a.state " + " ".join(f"WHEN '{s}' THEN {rank}" for rank, s in enumerate(AccountState.values)) + " END"
)
PAGE_ORDER = {
    "eleve": ("s.last_name", "s.first_name"),
    "classe": ("d.code", "s.last_name", "s.first_name"),
    "mef": ("m.short_label", "s.last_name", "s.first_name"),
    "identifiant": ("a.identifier",),
    "etat": (STATE_RANK, "s.last_name", "s.first_name"),
    "mail": ("a.email", "s.last_name", "s.first_name"),
}


def student_account_page(
    user,
    establishment: Establishment,
    filters: StudentFilters,
    *,
    sort: str,
    offset: int,
    limit: int,
    right: Right = Right.TROUBLESHOOTING,
) -> tuple[list[ListedAccount], int | None]:
    """One page of the active students' accounts of `establishment` matching `filters`, sorted by
    `sort` (a key of PAGE_ORDER, "-" for descending), and the number of matches (None when the page
    is empty: past the last page, or nothing matches). Nothing when `user` holds no `right` there."""
    if not has_right(user, establishment, right):
        return [], None
    descending = sort.startswith("-")
    order = [f"{column} DESC" if descending else column for column in PAGE_ORDER[sort.removeprefix("-")]]
    order.append("a.id")  # the tie-breaker stays ascending, as in ListSpec.ordering
    like = connection.operators["contains"]  # "LIKE %s" (with ESCAPE on SQLite), as the ORM writes it
    where = ['s."establishment_id" = %s', 's."is_active"', "a.kind = %s"]
    params: list = [establishment.pk, AccountKind.STUDENT]
    for term in filters.terms:
        where.append(f"s.search_text {like}")
        params.append(f"%{connection.ops.prep_for_like_query(term)}%")
    if filters.mef_id:
        where.append("s.mef_id = %s")
        params.append(filters.mef_id)
    if filters.division_ids:
        where.append(f"s.division_id IN ({', '.join(['%s'] * len(filters.division_ids))})")
        params.extend(filters.division_ids)
    if filters.states:
        where.append(f"a.state IN ({', '.join(['%s'] * len(filters.states))})")
        params.extend(filters.states)
    joins = ""
    if sort.removeprefix("-") == "classe":
        joins += f' LEFT OUTER JOIN "{Division._meta.db_table}" d ON d.id = s.division_id'
    if sort.removeprefix("-") == "mef":
        joins += f' LEFT OUTER JOIN "{Mef._meta.db_table}" m ON m.id = s.mef_id'
    account, student = _page_readers()
    sql = (
        f"SELECT {account.columns('a')}, {student.columns('s')}, COUNT(*) OVER () "  # noqa: S608
        f'FROM "{Student._meta.db_table}" s INNER JOIN "{Account._meta.db_table}" a ON a.student_id = s.id{joins} '
        f"WHERE {' AND '.join(where)} ORDER BY {', '.join(order)} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        fetched = cursor.fetchall()
    rows = [
        ListedAccount(*account.values(row), student=ListedStudent(*student.values(row)))  # fields in order
        for row in fetched
    ]
    return rows, (fetched[0][-1] if fetched else None)


def _page_readers() -> tuple[RowReader, RowReader]:
    """The columns of a page row, in the order of ListedAccount's and ListedStudent's fields."""
    account = RowReader.of(Account, 0, ("id", *LISTED_ACCOUNT_FIELDS))
    return account, RowReader.of(Student, account.end, LISTED_STUDENT_FIELDS)
