"""The académie builder (`manage.py build_academie`), the surname spread of the generator, and what keeps
costs following the school in a whole académie: identifier allocation reading only the variants of
its bases, and the name-search index narrowing to the establishment first."""

import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.http import QueryDict

from accounts.academie import STAFF, build_academie
from accounts.identifiers import (
    FreeNumbers,
    IdentifierAllocator,
    _free_numbers_from,
    _variants_orm,
    free_numbers,
    numbered_variants,
)
from accounts.lists import filtered_queryset
from accounts.lists.students import ROW_VALUES, TROUBLESHOOTING_STUDENTS
from accounts.models import Account, AccountKind, AccountState, LegalRepresentative, Responsibility, Student
from accounts.selectors import student_account_values
from accounts.siecle import generator_data
from delegations.models import Assignment, Delegation, Establishment, Service
from educonnect.collation import french_key
from educonnect.text import fold
from tests.factories import AccountFactory, LegalRepresentativeFactory, StudentFactory

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


# Surnames ------------------------------------------------------------------------------------------


def test_surnames_are_long_tailed_with_about_ten_times_fewer_homonyms_than_83_even_names():
    names, weights = generator_data.SURNAMES, generator_data.SURNAME_WEIGHTS
    assert len(set(names)) == len(names) >= 2000
    total = sum(weights)
    shares = [w / total for w in weights]
    assert names[0] == "MARTIN" and 0.003 < shares[0] < 0.006  # ≈ 0.44 % (France: ≈ 0.4 %)
    assert weights == sorted(weights, reverse=True) and weights[-1] == 1
    homonym_chance = sum(s * s for s in shares)  # two people drawn at random share their name
    assert homonym_chance < (1 / 83) / 8
    # the generator draws with rng.choice over LAST_NAMES: each name as often as it weighs
    assert Counter(generator_data.LAST_NAMES) == dict(zip(names, weights, strict=True))
    for name in names:
        name.encode("iso-8859-15")  # SIECLE exports are ISO-8859-15


# The builder ---------------------------------------------------------------------------------------


@pytest.fixture
def academie(db):
    if connection.vendor != "postgresql":
        pytest.skip("build_academie writes PostgreSQL SQL")
    return build_academie(establishments=5, templates=2, scale=0.05, seed=3)


@postgresql_only
def test_a_tiny_academie_has_the_shape_asked(academie):
    establishments = list(Establishment.objects.order_by("uai"))
    assert academie.establishments == len(establishments) == 5
    assert len({e.uai for e in establishments}) == 5
    assert all(e.academie and e.academie.name == "Grenoble" for e in establishments)
    # copies 2 and 4 are of template 0, copy 3 of template 1: same numbers of rows as their template
    per_establishment = Counter(Student.objects.values_list("establishment__uai", flat=True))
    uais = [e.uai for e in establishments]
    assert per_establishment[uais[0]] == per_establishment[uais[2]] == per_establishment[uais[4]] > 0
    assert per_establishment[uais[1]] == per_establishment[uais[3]] > per_establishment[uais[0]]
    assert academie.students == Student.objects.count() == sum(per_establishment.values())
    assert academie.representatives == LegalRepresentative.objects.count() > academie.students
    # links never cross establishments; every account belongs to its owner's establishment
    assert Responsibility.objects.count() >= academie.students
    assert not Responsibility.objects.exclude(representative__establishment_id=F("student__establishment_id"))
    assert not Account.objects.filter(kind=AccountKind.STUDENT).exclude(establishment_id=F("student__establishment_id"))
    assert not Account.objects.filter(kind=AccountKind.REPRESENTATIVE).exclude(
        establishment_id=F("representative__establishment_id")
    )


@postgresql_only
def test_copied_identifiers_are_numbered_after_the_templates(academie):
    identifiers = list(Account.objects.values_list("identifier", flat=True))
    assert len(identifiers) == len(set(identifiers)) == academie.accounts
    assert not [i for i in identifiers if i.startswith("copy")]
    # per base, the identifiers are « base », « base1 » … « base(k-1) »: no gap, no collision
    by_base: dict[str, set[str]] = {}
    for identifier in identifiers:
        by_base.setdefault(re.sub(r"[0-9]+$", "", identifier), set()).add(identifier)
    for base, taken in by_base.items():
        assert taken == {base, *(f"{base}{n}" for n in range(1, len(taken)))}, base
    # and the allocator continues the numbering
    crowded = max(by_base, key=lambda b: len(by_base[b]))
    assert IdentifierAllocator([crowded]).allocate(crowded) == f"{crowded}{len(by_base[crowded])}"


@postgresql_only
def test_states_are_spread_and_consistent(academie):
    states = Counter(Account.objects.values_list("kind", "state"))
    for kind in AccountKind.values:
        assert all(states[(kind, state)] > 0 for state in AccountState.values), states
    activated = Account.objects.filter(state=AccountState.ACTIVATED)
    assert not activated.exclude(provisional_password_encrypted="").exists()
    assert not activated.filter(password_hash="").exists()
    assert not activated.filter(activated_at__isnull=True).exists()
    informed = Account.objects.filter(state=AccountState.INFORMED)
    assert not informed.filter(provisional_password_encrypted="").exists()
    assert not informed.filter(password_hash__gt="").exists()
    assert Account.objects.filter(origin="franceconnect").exists()


@postgresql_only
def test_staff_and_delegations_in_every_establishment(academie):
    assert academie.staff == 5 * len(STAFF)
    for establishment in Establishment.objects.all():
        functions = Counter(Assignment.objects.filter(establishment=establishment).values_list("function", flat=True))
        assert functions["DIR"] == 2 and sum(functions.values()) == len(STAFF)
        delegated = Delegation.objects.active().filter(establishment=establishment)
        assert set(delegated.values_list("service__code", flat=True)) == {
            Service.EDUCONNECT_DEPANNAGE,
            Service.EDUCONNECT_ADMINISTRATION,
        }
        assert all(d.granted_by.assignments.get(establishment=establishment).function == "DIR" for d in delegated)


@postgresql_only
def test_the_copied_tables_keep_working_after_the_copy(academie):
    # sequences were moved past the copied ids
    student = StudentFactory(establishment=Establishment.objects.first())
    assert student.pk > Student.objects.exclude(pk=student.pk).order_by("-pk").first().pk
    account = AccountFactory(student=student)
    assert account.pk > Account.objects.exclude(pk=account.pk).order_by("-pk").first().pk


@postgresql_only
def test_a_copy_is_searched_and_sorted_like_its_template(academie):
    """The SQL copy bypasses save() and the ORM: the folded names it copies (`search_text`) still find
    the copy's pupils by name, the renumbered identifiers find them by identifier, and the list shows
    them in the template's (French) order — the order is read from the names, nothing stored."""
    template, copy = list(Establishment.objects.order_by("uai"))[0:3:2]  # copy 2 is of template 0

    def listed(establishment, query: str) -> list[tuple[str, str, str]]:
        head = Assignment.objects.filter(establishment=establishment, function="DIR").first().user
        values = student_account_values(head, establishment, fields=ROW_VALUES)
        data = QueryDict(query)
        _form, rows, _sort = filtered_queryset(
            TROUBLESHOOTING_STUDENTS, values, data, form_kwargs={"establishment": establishment}
        )
        return [(row["last_name"], row["first_name"], row["identifier"]) for row in rows]

    everyone = listed(copy, "")
    assert [(last, first) for last, first, _ in everyone] == [(last, first) for last, first, _ in listed(template, "")]
    assert [(last, first) for last, first, _ in everyone] == sorted(
        ((last, first) for last, first, _ in everyone), key=lambda name: (french_key(name[0]), french_key(name[1]))
    )
    last, first, identifier = everyone[len(everyone) // 2]
    assert (last, first) in [(la, fi) for la, fi, _ in listed(copy, f"q={fold(first)}+{fold(last)}")]
    found = listed(copy, f"q={identifier}")  # « lea.martin » also finds « lea.martin1 »…
    assert (last, first, identifier) in found and all(identifier in row[2] for row in found)


@postgresql_only
def test_the_command_refuses_a_database_that_holds_establishments(academie):
    with pytest.raises(CommandError, match="déjà|already"):
        call_command("build_academie", establishments=3, templates=1, scale=0.05)


# Identifier allocation -----------------------------------------------------------------------------

VARIANT_IDENTIFIERS = [
    "lea.martin",
    "lea.martin1",
    "lea.martin2",
    "lea.martin12",
    "lea.martinez",
    "lea.martin-dupont",
    "lea.martineau3",
    "zoe.petit3",
    "zoe.petitjean",
    "paul.dubois",
]


@pytest.fixture
def variants(establishment):
    for identifier in VARIANT_IDENTIFIERS:
        AccountFactory(identifier=identifier, student=StudentFactory(establishment=establishment))


def test_numbered_variants_agree_with_the_orm_prefix_read(variants):
    bases = ["lea.martin", "zoe.petit", "paul.dubois", "ines.haddad"]
    read = numbered_variants(bases)
    orm = _variants_orm(bases)

    def relevant(identifiers):  # the base itself and « base<digits> »: what allocation looks at
        return {i for i in identifiers if any(re.fullmatch(re.escape(b) + r"[0-9]*", i) for b in bases)}

    assert (
        relevant(read)
        == relevant(orm)
        == {
            "lea.martin",
            "lea.martin1",
            "lea.martin2",
            "lea.martin12",
            "zoe.petit3",
            "paul.dubois",
        }
    )
    allocator = IdentifierAllocator(bases * 2)
    allocate = [allocator.allocate(b) for b in bases * 2]
    assert allocate[:4] == ["lea.martin3", "zoe.petit", "paul.dubois1", "ines.haddad"]
    assert allocate[4:] == ["lea.martin4", "zoe.petit1", "paul.dubois2", "ines.haddad1"]


def test_free_numbers_agree_with_the_identifiers_in_use(variants):
    bases = ["lea.martin", "zoe.petit", "paul.dubois", "ines.haddad", "lea.martine"]
    expected = {
        "lea.martin": FreeNumbers(3, frozenset({12})),  # 1, 2 and 12 taken: the gap first
        "zoe.petit": FreeNumbers(1, frozenset({3})),
        "paul.dubois": FreeNumbers(1),
        "ines.haddad": FreeNumbers(1),
        "lea.martine": FreeNumbers(1),  # « lea.martineau3 » is no variant of it
    }
    assert free_numbers(bases) == expected
    assert _free_numbers_from(bases, _variants_orm(bases)) == expected


@postgresql_only
def test_numbered_variants_read_ranges_of_the_identifier_pattern_index(variants):
    """The plan reaches identifiers by index ranges per base, not by reading the table."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: the planner would read it all
        cursor.execute(
            "EXPLAIN SELECT a.identifier FROM unnest(%s::text[]) AS b(base) JOIN accounts_account a "
            "ON a.identifier ~>=~ b.base AND a.identifier ~<~ (b.base || ':')",
            [["lea.martin"]],
        )
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "accounts_account_identifier_" in plan and "_like" in plan, plan
    assert "Index Cond" in plan and "~>=~" in plan, plan


# Name search index ----------------------------------------------------------------------------------


@postgresql_only
@pytest.mark.parametrize(
    ("model", "factory"), [(Student, StudentFactory), (LegalRepresentative, LegalRepresentativeFactory)]
)
def test_name_search_narrows_to_the_establishment_first(establishment, other_establishment, model, factory):
    """The lists' search (one establishment's active rows, a folded name, in the list's order) reaches the
    establishment's rows through an index on the establishment, never through an index of the whole
    deployment's names (no trigram index is left for the planner to prefer)."""
    for index in range(30):
        factory(establishment=establishment, last_name=f"MARTIN{index}", search_text=f"martin{index} lea")
        factory(establishment=other_establishment, last_name="MARTIN", search_text="martin lea")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE %s", ["%gin_trgm_ops%"])
        assert cursor.fetchall() == []
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: the planner would read it whole
    searches = [
        model.objects.filter(establishment=establishment, is_active=True, search_text__contains="martin"),
        model.objects.filter(establishment=establishment, is_active=True, search_text__icontains="martin"),
    ]
    for search in searches:
        plan = search.order_by("last_name", "first_name").explain()
        condition = next(line for line in plan.splitlines() if "Index Cond" in line)
        assert f"establishment_id = {establishment.pk}" in condition, plan
        assert "search_trgm" not in plan, plan
        assert list(search) and all(row.establishment_id == establishment.pk for row in search)
