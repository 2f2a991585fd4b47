"""The rights function (`delegations.permissions`): one query per request, the same rule as
`Delegation.objects.active()`, and the establishment of a module's URL read with the rights."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from delegations.auth import StaffBackend
from delegations.models import Assignment, Delegation, Establishment, Service, User
from delegations.permissions import (
    Right,
    all_rights,
    establishments_with_right,
    forget_rights,
    get_establishment_for,
    has_right,
)
from educonnect.models import AuditAction, AuditEvent
from tests.factories import AssignmentFactory, DelegationFactory, EstablishmentFactory, UserFactory, catalogue_service

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
ALL_EDUCONNECT = {Right.DELEGATIONS, Right.ADMINISTRATION, Right.TROUBLESHOOTING}


@pytest.mark.parametrize(
    ("start", "end", "revoked", "held"),
    [
        (TODAY - DAY, None, False, True),
        (TODAY, TODAY, False, True),  # starts and ends today
        (TODAY - 10 * DAY, TODAY - DAY, False, False),  # ended yesterday
        (TODAY + DAY, None, False, False),  # starts tomorrow
        (TODAY - DAY, None, True, False),  # revoked
    ],
)
def test_a_delegation_gives_its_right_only_while_active(establishment, staff, head, start, end, revoked, held):
    delegation = DelegationFactory(
        establishment=establishment, grantee=staff, granted_by=head, start_date=start, end_date=end
    )
    if revoked:
        Delegation.objects.filter(pk=delegation.pk).update(
            revoked_at=datetime.datetime.now(datetime.UTC), revoked_by=head
        )
    assert has_right(staff, establishment, Right.TROUBLESHOOTING) is held
    # The rule written in SQL is the rule of the model's queryset.
    assert Delegation.objects.active().filter(pk=delegation.pk).exists() is held


def test_administration_implies_troubleshooting(delegate_admin, establishment):
    assert all_rights(delegate_admin) == {establishment.pk: frozenset({Right.ADMINISTRATION, Right.TROUBLESHOOTING})}


def test_other_services_of_the_catalogue_give_no_educonnect_right(establishment, staff, head):
    DelegationFactory(establishment=establishment, grantee=staff, granted_by=head, service=catalogue_service("sts-web"))
    assert all_rights(staff) == {}


def test_a_delegation_needs_an_assignment_in_that_establishment(establishment, other_establishment, staff, head):
    DelegationFactory(establishment=other_establishment, grantee=staff, granted_by=head)
    assert all_rights(staff) == {}


def test_heads_of_public_and_private_establishments(head, establishment):
    private = EstablishmentFactory(private=True)
    AssignmentFactory(user=head, establishment=private, function=Assignment.Function.DIR)
    DelegationFactory(establishment=private, grantee=head, granted_by=head)
    assert all_rights(head) == {
        establishment.pk: frozenset(ALL_EDUCONNECT),
        # DIR of a private establishment: DELEG-CE, and the ÉduConnect modules by delegation only.
        private.pk: frozenset({Right.DELEGATIONS, Right.TROUBLESHOOTING}),
    }
    assert set(establishments_with_right(head, Right.ADMINISTRATION)) == {establishment}


def test_several_delegations_on_several_establishments(establishment, other_establishment, staff, head):
    AssignmentFactory(user=staff, establishment=other_establishment, function=Assignment.Function.ADM)
    DelegationFactory(establishment=establishment, grantee=staff, granted_by=head)
    DelegationFactory(establishment=establishment, grantee=staff, granted_by=head, service=catalogue_service("sts-web"))
    DelegationFactory(
        establishment=other_establishment,
        grantee=staff,
        granted_by=head,
        service=catalogue_service(Service.EDUCONNECT_ADMINISTRATION),
    )
    assert all_rights(staff) == {
        establishment.pk: frozenset({Right.TROUBLESHOOTING}),
        other_establishment.pk: frozenset({Right.ADMINISTRATION, Right.TROUBLESHOOTING}),
    }


def test_inactive_or_anonymous_users_hold_nothing(head, django_assert_num_queries):
    head.is_active = False
    with django_assert_num_queries(0):
        assert all_rights(head) == {}


def test_rights_and_establishment_in_one_query_per_request(head, establishment, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = get_establishment_for(head, establishment.uai, Right.TROUBLESHOOTING)
        assert get_establishment_for(head, establishment.uai, Right.DELEGATIONS) is found
        assert has_right(head, establishment, Right.ADMINISTRATION)
    # The establishment is whole, with its académie, as a fetch by UAI would give it.
    fresh = Establishment.objects.select_related("academie").get(uai=establishment.uai)
    for field in Establishment._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(fresh, field.attname), field.name
    with django_assert_num_queries(0):
        assert found.academie == fresh.academie and found.academie.name == fresh.academie.name


def test_a_revocation_is_seen_once_the_memo_is_dropped(delegate_depannage, establishment, head):
    assert has_right(delegate_depannage, establishment, Right.TROUBLESHOOTING)
    now = datetime.datetime.now(datetime.UTC)
    Delegation.objects.filter(grantee=delegate_depannage).update(revoked_at=now, revoked_by=head)
    forget_rights(delegate_depannage)
    assert not has_right(delegate_depannage, establishment, Right.TROUBLESHOOTING)


def test_a_refusal_names_the_existing_establishment_in_the_journal(staff, establishment, other_establishment):
    with pytest.raises(Http404):
        get_establishment_for(staff, establishment.uai, Right.TROUBLESHOOTING)
    with pytest.raises(Http404):
        get_establishment_for(staff, "9999999Z", Right.TROUBLESHOOTING)
    refused = AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED, actor=staff).order_by("pk")
    assert [event.establishment for event in refused] == [establishment, None]


def test_the_backend_reads_a_session_user_and_their_rights_in_one_query(
    head, establishment, other_establishment, django_assert_num_queries
):

    AssignmentFactory(user=head, establishment=other_establishment, function=Assignment.Function.ADM)
    with django_assert_num_queries(1):
        user = StaffBackend().get_user(head.pk)
    with django_assert_num_queries(0):
        assert get_establishment_for(user, establishment.uai, Right.TROUBLESHOOTING).academie.name
        assert all_rights(user) == {establishment.pk: frozenset(ALL_EDUCONNECT)}
    # The user is whole, converted as the ORM converts it (SQLite gives text dates, integer booleans).
    fresh = User.objects.get(pk=head.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(fresh, field.attname), field.name
    assert user.is_active is True and user.date_joined.tzinfo is not None
    assert user.get_session_auth_hash() == fresh.get_session_auth_hash()


def test_the_backend_refuses_unknown_and_inactive_users(staff):

    assert StaffBackend().get_user(staff.pk + 1000) is None
    staff.is_active = False
    staff.save()
    assert StaffBackend().get_user(staff.pk) is None


def test_a_user_without_assignment_has_no_right(db, django_assert_num_queries):

    user = StaffBackend().get_user(UserFactory().pk)
    assert user is not None
    with django_assert_num_queries(0):
        assert all_rights(user) == {}


def test_a_list_page_costs_three_queries_session_user_with_rights_and_page(client, head, establishment):

    # As an import leaves it: the classes and MEFs of the filters are then cached between requests.
    Establishment.objects.filter(pk=establishment.pk).update(siecle_imported_at=timezone.now())
    cache.clear()
    client.force_login(head)
    url = f"/depannage/{establishment.uai}/eleves/"
    client.get(url)
    for headers in ({}, {"HX-Request": "true"}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"q": "dubois"}, headers=headers).status_code == 200
        tables = [q["sql"].split(" FROM ", 1)[1].split()[0] for q in queries.captured_queries]
        assert tables == ['"django_session"', '"delegations_user"', '"accounts_student"'], tables
