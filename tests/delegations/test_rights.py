"""The rights function (`delegations.permissions`): one query per request, the same rule as
`Delegation.objects.active()`, and the establishment of a module's URL read with the rights."""

import datetime

import pytest
from django.http import Http404

from delegations.models import Assignment, Delegation, Establishment, Service
from delegations.permissions import (
    Right,
    all_rights,
    establishments_with_right,
    forget_rights,
    get_establishment_for,
    has_right,
)
from educonnect.models import AuditAction, AuditEvent
from tests.factories import AssignmentFactory, DelegationFactory, EstablishmentFactory, catalogue_service

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
