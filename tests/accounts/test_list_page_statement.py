"""The troubleshooting list reads its page with its own statement (`selectors.student_account_page`);
the bulk actions and exports resolve the same search through the ORM (`accounts.lists`). Both must
give the same rows, in the same order, for every filter and sort."""

import datetime
import itertools

import pytest
from django.http import QueryDict
from django.utils import timezone

from accounts.lists import build_list, filtered_queryset
from accounts.selectors import PAGE_ORDER, StudentFilters, student_account_page, student_accounts_visible_to
from accounts.troubleshooting.listing import STUDENT_ACCOUNTS
from tests.factories import (
    AccountFactory,
    DivisionFactory,
    LegalRepresentativeFactory,
    MefFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("DUBOIS", "Paul"),
    ("DUBOIS", "Éloïse"),
    ("MARTIN", "Éloïse"),
    ("MARTIN-DUBOIS", "Léa"),
    ("N'DIAYE", "Mamadou"),
    ("LE_GOFF", "Yann"),  # « _ » and « % » are literal characters in a search, never wildcards
    ("100%", "Réussite"),
    ("ÉTIENNE", "Zoé"),
    ("DUBOIS", "Paul"),  # namesakes: the tie-breaker decides
]
STATES = [None, "informed", "activating", "activated"]  # None: the factory's « non informé »


@pytest.fixture
def population(establishment, other_establishment):
    sixth = MefFactory(establishment=establishment, code="10010012110", label="6EME", short_label="6EME")
    third = MefFactory(establishment=establishment, code="10310019110", label="3EME", short_label="")
    divisions = [
        DivisionFactory(establishment=establishment, code="6A", mef=sixth),
        DivisionFactory(establishment=establishment, code="3B", mef=third),
        None,  # a student without a class nor a MEF
    ]
    accounts = []
    for i, (last, first) in enumerate(PEOPLE * 2):
        division = divisions[i % 3]
        student = StudentFactory(
            establishment=establishment,
            last_name=last,
            first_name=first,
            division=division,
            mef=division.mef if division else None,
        )
        state = STATES[i % 4]
        traits = {state: True} if state else {}
        accounts.append(AccountFactory(student=student, **traits, **({} if i % 5 else {"email": f"e{i}@example.org"})))
    # Not listed: a student who left, a legal representative, the same names elsewhere.
    left = StudentFactory(establishment=establishment, last_name="DUBOIS", first_name="Paul", is_active=False)
    AccountFactory(student=left, informed=True)
    AccountFactory(for_representative=True, representative=LegalRepresentativeFactory(establishment=establishment))
    for last, first in PEOPLE:
        AccountFactory(student=StudentFactory(establishment=other_establishment, last_name=last, first_name=first))
    return {"accounts": accounts, "mefs": [sixth, third], "divisions": divisions[:2]}


def orm_reference(user, establishment, query: str) -> tuple[list[int], int]:
    """The rows of the search as the bulk actions resolve it (ORM), in the list's order."""
    data = QueryDict(query)
    _form, rows, _sort = filtered_queryset(
        STUDENT_ACCOUNTS,
        student_accounts_visible_to(user, establishment),
        data,
        form_kwargs={"establishment": establishment},
    )
    pks = list(rows.values_list("pk", flat=True))
    return pks, len(pks)


def statement_pages(user, establishment, query: str, per_page: int) -> tuple[list[int], int]:
    """Every page of the same search read with the list's own statement."""
    data = QueryDict(query, mutable=True)
    form = STUDENT_ACCOUNTS.filter_form(data, establishment=establishment)
    assert form.is_valid(), form.errors
    sort = STUDENT_ACCOUNTS.parse_sort(data.get("sort"))
    pks, total, start = [], 0, 0
    while True:
        rows, count = student_account_page(
            user, establishment, form.student_filters(), sort=sort, offset=start, limit=per_page
        )
        if not rows:
            return pks, total
        pks += [row.pk for row in rows]
        total = count
        start += per_page


def test_sort_keys_are_the_sortable_columns():
    assert set(PAGE_ORDER) == {column.key for column in STUDENT_ACCOUNTS.columns if column.sortable}


def queries(population):
    sixth, third = population["mefs"]
    six_a, three_b = population["divisions"]
    filters = [
        "",
        "q=dubois",
        "q=ELOISE",
        "q=eloise+martin",
        "q=le_goff",
        "q=le%25",  # « le% »: finds nobody, « % » is no wildcard
        "q=100%25",
        "q=_",
        "q=n'diaye",
        f"mef={sixth.pk}",
        f"mef={third.pk}&q=dubois",
        f"division={six_a.pk}&division={three_b.pk}",
        f"division={three_b.pk}&state=informe&state=active",
        "state=non_informe",
        "q=nobody",
    ]
    sorts = ["", *(f"sort={key}" for key in PAGE_ORDER), *(f"sort=-{key}" for key in PAGE_ORDER)]
    return ["&".join(part for part in combo if part) for combo in itertools.product(filters, sorts)]


def test_the_statement_gives_the_rows_of_the_orm_in_the_same_order(population, establishment, head):
    for query in queries(population):
        expected, expected_total = orm_reference(head, establishment, query)
        for per_page in (50, 4):
            assert statement_pages(head, establishment, query, per_page) == (expected, expected_total), query


def test_rows_carry_what_the_list_shows(population, establishment, head):
    rows, total = student_account_page(
        head, establishment, StudentFilters(terms=("dubois", "eloise")), sort="eleve", offset=0, limit=50
    )
    assert total == len(rows) == 2
    account = population["accounts"][1]  # DUBOIS Éloïse, informed: a provisional password
    row = next(row for row in rows if row.pk == account.pk)
    assert (row.identifier, row.state, row.email) == (account.identifier, account.state, account.email)
    assert row.get_state_display() == account.get_state_display()
    assert row.provisional_password_encrypted == account.provisional_password_encrypted
    # Read back as an aware datetime, as the ORM gives it (SQLite returns text).
    assert row.provisional_password_expires_at == account.provisional_password_expires_at
    assert timezone.is_aware(row.provisional_password_expires_at)
    student = account.student
    assert (row.student.first_name, row.student.last_name) == (student.first_name, student.last_name)
    assert (row.student.division_id, row.student.mef_id) == (student.division_id, student.mef_id)


def test_nothing_without_the_right(population, establishment, staff, stranger_from_other_establishment):
    for user in (staff, stranger_from_other_establishment):
        assert student_account_page(user, establishment, StudentFilters(), sort="eleve", offset=0, limit=50) == (
            [],
            None,
        )


def test_past_the_last_page_the_list_shows_the_last_one(population, establishment, head):
    def fetch(form, sort, start, size):
        return student_account_page(head, establishment, form.student_filters(), sort=sort, offset=start, limit=size)

    listing = build_list(
        STUDENT_ACCOUNTS, None, QueryDict("q=dubois&page=99"), form_kwargs={"establishment": establishment}, fetch=fetch
    )
    expected, total = orm_reference(head, establishment, "q=dubois")
    assert listing.total == total and listing.page.number == 1
    assert [row.pk for row in listing.rows] == expected


def test_an_invalid_filter_lists_nothing_without_querying_the_rows(population, establishment, head):
    def fetch(*args):
        raise AssertionError("an invalid form must not be fetched")

    listing = build_list(
        STUDENT_ACCOUNTS, None, QueryDict("mef=abc"), form_kwargs={"establishment": establishment}, fetch=fetch
    )
    assert listing.total == 0 and listing.form.errors


def test_an_expired_provisional_password_is_masked_in_the_list(client, establishment, head):
    student = StudentFactory(establishment=establishment, last_name="EXPIRE", first_name="Jean")
    expired = timezone.now() - datetime.timedelta(minutes=1)
    AccountFactory(student=student, informed=True, provisional_password_expires_at=expired)
    client.force_login(head)
    response = client.get(f"/depannage/{establishment.uai}/eleves/", {"q": "expire"})
    assert "data-ec-password>********<" in response.text
