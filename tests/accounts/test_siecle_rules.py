"""Import rules (PRODUCT.md §3, siecle-format.md §7): who is active, who gets an account."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.identifiers import IdentifierAllocator
from accounts.models import Account, AccountKind, LegalRepresentative, Student
from tests.accounts.siecle_support import fixture_files, run_json
from tests.factories import AccountFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    return run_json(*fixture_files("new"))


def test_siblings_share_one_representative_and_one_account(imported):
    nathalie = LegalRepresentative.objects.get(personne_id="2004")
    assert set(nathalie.students.values_list("eleve_id", flat=True)) == {"1002", "1003"}
    assert Account.objects.filter(representative=nathalie).count() == 1
    assert LegalRepresentative.objects.filter(last_name="SABRIER").count() == 2


def test_contacts_and_persons_in_charge_get_nothing(imported):
    assert not LegalRepresentative.objects.filter(personne_id__in=["2003", "2010", "2011"]).exists()
    assert not Account.objects.filter(representative__first_name__in=["Jeanne", "Hugo"]).exists()


def test_student_without_ine_is_listed_but_gets_no_account(imported):
    chloe = Student.objects.get(eleve_id="1006")
    assert chloe.is_active
    assert not Account.objects.filter(student=chloe).exists()
    # Her legal representative, of an active student, has one.
    assert Account.objects.filter(representative__personne_id="2008").exists()


def test_student_without_class_is_inactive_without_account(imported):
    lucas = Student.objects.get(eleve_id="1008")
    assert (lucas.is_active, lucas.division) == (False, None)
    assert not Account.objects.filter(student=lucas).exists()


def test_inactifs_and_leavers_are_inactive_without_account(imported):
    for eleve_id in ("1004", "1005"):
        student = Student.objects.get(eleve_id=eleve_id)
        assert student.is_active is False
        assert not Account.objects.filter(student=student).exists()
    # Their only legal representatives are inactive too.
    assert set(LegalRepresentative.objects.filter(is_active=False).values_list("personne_id", flat=True)) == {
        "2006",
        "2007",
    }


def test_future_leave_date_keeps_the_student_active(imported):
    assert Student.objects.get(eleve_id="1007").is_active


def test_one_account_per_eligible_student_and_active_representative(imported):
    eligible = Student.objects.filter(is_active=True).exclude(ine="")
    assert set(Account.objects.filter(kind=AccountKind.STUDENT).values_list("student_id", flat=True)) == set(
        eligible.values_list("pk", flat=True)
    )
    assert set(
        Account.objects.filter(kind=AccountKind.REPRESENTATIVE).values_list("representative_id", flat=True)
    ) == set(LegalRepresentative.objects.filter(is_active=True).values_list("pk", flat=True))


def test_identifiers_are_unique_across_establishments(other_establishment):
    AccountFactory(identifier="paul.dubois", student=StudentFactory(establishment=other_establishment))
    AccountFactory(identifier="paul.dubois1", student=StudentFactory(establishment=other_establishment))

    run_json(*fixture_files("new"))

    assert Account.objects.get(student__eleve_id="1001").identifier == "paul.dubois2"


def test_identifier_allocation_is_batched(other_establishment):
    AccountFactory(identifier="lea.martin", student=StudentFactory(establishment=other_establishment))
    bases = [f"prenom{i}.nom" for i in range(1200)] + ["lea.martin", "lea.martin", "zoe.petit", "zoe.petit"]

    with CaptureQueriesContext(connection) as queries:
        allocator = IdentifierAllocator(bases)
    identifiers = [allocator.allocate(base) for base in bases]

    assert len(queries) == 4  # 3 chunks of exact look-ups + 1 prefix query for the crowded bases
    assert identifiers[-4:] == ["lea.martin1", "lea.martin2", "zoe.petit", "zoe.petit1"]
    assert len(set(identifiers)) == len(identifiers)
