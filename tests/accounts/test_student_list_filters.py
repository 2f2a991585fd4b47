"""The Élèves list's filters, sorts and pages (`accounts.lists.students`, one ORM reading shared by the
troubleshooting and administration modules) against the data itself: every filter finds exactly
the accounts a plain Python reading of the population expects, every page of every sort follows on
from the previous one, and the bulk actions (which resolve « Sélectionner tout » on the accounts
themselves) get the same rows in the same order."""

import dataclasses
import datetime
import itertools
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from accounts.lists import build_list, filtered_queryset, resolve_selection
from accounts.lists.students import (
    ADMINISTRATION_STUDENTS,
    ROW_VALUES,
    SORT_KEYS,
    TROUBLESHOOTING_STUDENTS,
    student_rows,
)
from accounts.models import Account, AccountKind, AccountState, Student
from accounts.selectors import student_account_values, student_accounts_visible_to
from delegations.permissions import Right
from educonnect.text import fold
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


def list_pages(user, establishment, query: str, per_page: int, spec=TROUBLESHOOTING_STUDENTS) -> tuple[list[int], int]:
    """Every page of the search as the list reads it (pages of `per_page`), concatenated."""
    values = student_account_values(user, establishment, fields=ROW_VALUES)
    pks, total, number = [], None, 1
    while True:
        data = QueryDict(query, mutable=True)
        data["page"] = str(number)
        listing = build_list(
            dataclasses.replace(spec, per_page=per_page),
            values,
            data,
            form_kwargs={"establishment": establishment},
            rows=lambda page: student_rows(establishment, page),
        )
        pks += [row.pk for row in listing.rows]
        total = listing.total
        if not listing.page.has_next():
            return pks, total
        number += 1


def bulk_rows(user, establishment, query: str) -> list[int]:
    """« Sélectionner tout » of the same search, as the bulk actions resolve it."""
    data = QueryDict(query, mutable=True)
    data["select_all"] = "1"
    accounts = student_accounts_visible_to(user, establishment)
    rows = resolve_selection(TROUBLESHOOTING_STUDENTS, accounts, data, form_kwargs={"establishment": establishment})
    return [account.pk for account in rows]


def expected(population, query: str) -> set[int]:
    """The accounts a search must find, read from the data in Python (not through the list's code)."""
    data = QueryDict(query)
    terms = fold(data.get("q", "")).split()
    found = set()
    for account in population["accounts"]:
        student = account.student
        # Each term in the folded name; a term with a dot, an « @ » or a digit also in the identifier
        # or the e-mail (without case).
        name = fold(f"{student.last_name} {student.first_name}")
        if not all(
            term in name or (re.search(r"[.@\d]", term) and term in f"{account.identifier} {account.email.lower()}")
            for term in terms
        ):
            continue
        if data.get("mef") and str(student.mef_id) != data["mef"]:
            continue
        if data.getlist("division") and str(student.division_id) not in data.getlist("division"):
            continue
        if data.getlist("state") and account.state not in data.getlist("state"):
            continue
        found.add(account.pk)
    return found


def test_sort_keys_cover_the_sortable_columns_of_both_column_sets():
    for spec in (TROUBLESHOOTING_STUDENTS, ADMINISTRATION_STUDENTS):
        sortable = {column.key for column in spec.columns if column.sortable}
        assert sortable <= set(SORT_KEYS)
        assert {column.key for column in spec.columns} - sortable == ({"mot_de_passe"} & {c.key for c in spec.columns})


def filters_of(population) -> list[str]:
    sixth, third = population["mefs"]
    six_a, three_b = population["divisions"]
    return [
        "",
        "q=dubois",
        "q=ELOISE",
        "q=eloise+martin",
        "q=le_goff",
        "q=le%25",  # « le% »: finds nobody, « % » is no wildcard
        "q=100%25",
        "q=_",
        "q=n'diaye",
        f"q={population['accounts'][3].identifier}",  # an identifier
        "q=COMPTE.TEST1",  # identifiers, in capitals
        "q=E5%40EXAMPLE.ORG",  # an e-mail, in capitals
        "q=example.org+dubois",  # a part of the e-mail and a name
        f"mef={sixth.pk}",
        f"mef={third.pk}&q=dubois",
        f"division={six_a.pk}&division={three_b.pk}",
        f"division={three_b.pk}&state=informe&state=active",
        "state=non_informe",
        "q=nobody",
    ]


def test_every_filter_finds_exactly_the_expected_accounts(population, establishment, head):
    seen_empty = seen_some = False
    for query in filters_of(population):
        pks, total = list_pages(head, establishment, query, 50)
        assert set(pks) == expected(population, query), query
        assert total == len(pks) == len(set(pks)), query
        seen_empty |= not pks
        seen_some |= bool(pks)
    assert seen_empty and seen_some  # the cases cover both outcomes


def test_a_percent_or_an_underscore_is_a_literal_character(population, establishment, head):
    assert set(list_pages(head, establishment, "q=_", 50)[0]) == expected(population, "q=_")
    assert len(list_pages(head, establishment, "q=_", 50)[0]) == 2  # the two LE_GOFF Yann
    assert list_pages(head, establishment, "q=le%25", 50)[0] == []


def sorts() -> list[str]:
    keys = [key for key in SORT_KEYS if key not in {"information", "connexion"}]
    return ["", *(f"sort={key}" for key in keys), *(f"sort=-{key}" for key in keys)]


def test_pages_follow_on_and_the_bulk_actions_get_the_same_rows_in_the_same_order(population, establishment, head):
    for filter_query, sort in itertools.product(filters_of(population)[:11], sorts()):
        query = "&".join(part for part in (filter_query, sort) if part)
        whole, total = list_pages(head, establishment, query, 50)
        assert list_pages(head, establishment, query, 4) == (whole, total), query
        assert bulk_rows(head, establishment, query) == whole, query


def test_state_sort_follows_the_lifecycle_both_ways(population, establishment, head):
    rank = {state: i for i, state in enumerate(AccountState.values)}
    state_of = {account.pk: account.state for account in population["accounts"]}
    ascending = [rank[state_of[pk]] for pk in list_pages(head, establishment, "sort=etat", 50)[0]]
    descending = [rank[state_of[pk]] for pk in list_pages(head, establishment, "sort=-etat", 50)[0]]
    assert ascending == sorted(ascending) and ascending[0] == 0 and ascending[-1] == 3
    assert descending == sorted(descending, reverse=True)


def test_namesakes_are_ordered_by_id(population, establishment, head):
    pks = list_pages(head, establishment, "q=paul+dubois", 50)[0]
    assert len(pks) == 4 and pks == sorted(pks)


def test_rows_carry_what_the_list_shows(population, establishment, head):
    values = student_account_values(head, establishment, fields=ROW_VALUES).filter(
        pk=population["accounts"][1].pk  # DUBOIS Éloïse, informed: a provisional password
    )
    (row,) = student_rows(establishment, values, with_passwords=True)
    account = population["accounts"][1]
    assert (row.identifier, row.state, row.email) == (account.identifier, account.state, account.email)
    assert row.provisional_password_encrypted == account.provisional_password_encrypted
    assert row.provisional_password_expires_at == account.provisional_password_expires_at
    assert timezone.is_aware(row.provisional_password_expires_at)
    assert (row.first_name, row.last_name) == ("Éloïse", "DUBOIS")
    assert (row.list_name, row.person_name) == ("DUBOIS Éloïse", "Éloïse DUBOIS")
    assert (row.division, row.mef) == ("3B", "3EME")  # a MEF without short label shows its label
    assert row.password and row.shown_password == row.password


def test_nothing_without_the_right(population, establishment, staff, stranger_from_other_establishment, head):
    for user in (staff, stranger_from_other_establishment):
        assert list(student_account_values(user, establishment, fields=ROW_VALUES)) == []
        assert list(student_account_values(user, establishment, right=Right.ADMINISTRATION, fields=ROW_VALUES)) == []
    assert len(list(student_account_values(head, establishment, fields=ROW_VALUES))) == len(population["accounts"])


def test_past_the_last_page_the_list_shows_the_last_one(population, establishment, head):
    values = student_account_values(head, establishment, fields=ROW_VALUES)
    listing = build_list(
        TROUBLESHOOTING_STUDENTS, values, QueryDict("q=dubois&page=99"), form_kwargs={"establishment": establishment}
    )
    assert listing.page.number == 1
    assert {row["pk"] for row in listing.rows} == expected(population, "q=dubois")
    assert listing.total == len(expected(population, "q=dubois"))


def test_an_invalid_filter_lists_nothing(population, establishment, head, django_assert_num_queries):
    values = student_account_values(head, establishment, fields=ROW_VALUES)
    # The filter form's classes and MEFs (an establishment never imported: read each time), no page.
    with django_assert_num_queries(2):
        listing = build_list(
            TROUBLESHOOTING_STUDENTS, values, QueryDict("mef=abc"), form_kwargs={"establishment": establishment}
        )
    assert listing.total == 0 and listing.form.errors


def test_an_expired_provisional_password_is_masked_in_the_list(client, establishment, head):
    student = StudentFactory(establishment=establishment, last_name="EXPIRE", first_name="Jean")
    expired = timezone.now() - datetime.timedelta(minutes=1)
    AccountFactory(student=student, informed=True, provisional_password_expires_at=expired)
    client.force_login(head)
    response = client.get(f"/depannage/{establishment.uai}/eleves/", {"q": "expire"})
    assert "data-ec-password>********<" in response.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_lists_name_search_reaches_the_establishment_through_its_index(population, establishment, head):
    """EXPLAIN of the list's own page query (selector + filter form + sort), not a hand-typed one: the
    students are reached through an index on their establishment, so the
    cost follows the school, not the académie (no index of the whole deployment's names is left)."""
    # An establishment of 600 students (two « dubois »), as the planner knows it after an import.
    students = Student.objects.bulk_create(
        Student(
            establishment=establishment,
            eleve_id=f"bulk{i}",
            last_name=f"NOM{i:04d}",
            first_name="Prénom",
            birth_date=datetime.date(2012, 1, 1),
            search_text=f"nom{i:04d} prenom",
        )
        for i in range(600)
    )
    Account.objects.bulk_create(
        Account(identifier=f"bulk{s.pk}", kind=AccountKind.STUDENT, establishment=establishment, student=s)
        for s in students
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_student")
        cursor.execute("ANALYZE accounts_account")
        cursor.execute("SET LOCAL enable_seqscan = off")
    values = student_account_values(head, establishment, fields=ROW_VALUES)
    form, page, _sort = filtered_queryset(
        TROUBLESHOOTING_STUDENTS, values, QueryDict("q=dubois"), form_kwargs={"establishment": establishment}
    )
    assert form.is_valid()
    plan = page.explain()
    conditions = [line.strip() for line in plan.splitlines() if "Index Cond" in line]
    assert f"Index Cond: (establishment_id = {establishment.pk})" in conditions, plan
    assert "Seq Scan on accounts_student" not in plan and "search_trgm" not in plan, plan
