"""The rights function (`delegations.permissions`): one query per request, the same rule as
`Delegation.objects.active()`, and the establishment of a module's URL read with the rights."""

import datetime
import random

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
REQUEST = RequestFactory().get("/depannage/0380111P/", REMOTE_ADDR="203.0.113.7")
DAY = datetime.timedelta(days=1)
SERVICE_CODES = (Service.EDUCONNECT_ADMINISTRATION, Service.EDUCONNECT_DEPANNAGE)
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
        found = get_establishment_for(head, establishment.uai, Right.TROUBLESHOOTING, request=REQUEST)
        assert get_establishment_for(head, establishment.uai, Right.DELEGATIONS, request=REQUEST) is found
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
        get_establishment_for(staff, establishment.uai, Right.TROUBLESHOOTING, request=REQUEST)
    with pytest.raises(Http404):
        get_establishment_for(staff, "9999999Z", Right.TROUBLESHOOTING, request=REQUEST)
    refused = AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED, actor=staff).order_by("pk")
    assert [event.establishment for event in refused] == [establishment, None]
    assert {(event.details["path"], event.ip_address) for event in refused} == {("/depannage/0380111P/", "203.0.113.7")}


def test_the_session_user_is_loaded_by_djangos_model_backend(settings):
    assert settings.AUTHENTICATION_BACKENDS == ["django.contrib.auth.backends.ModelBackend"]


def test_rights_of_a_user_loaded_by_the_backend_cost_one_query(
    head, establishment, other_establishment, django_assert_num_queries
):
    AssignmentFactory(user=head, establishment=other_establishment, function=Assignment.Function.ADM)
    user = ModelBackend().get_user(head.pk)
    with django_assert_num_queries(1):
        assert get_establishment_for(user, establishment.uai, Right.TROUBLESHOOTING, request=REQUEST).academie.name
        assert all_rights(user) == {establishment.pk: frozenset(ALL_EDUCONNECT)}


def test_a_user_without_assignment_has_no_right(db, django_assert_num_queries):
    user = get_user_model().objects.get(pk=UserFactory().pk)
    with django_assert_num_queries(1):
        assert all_rights(user) == {}


def test_rights_agree_with_the_active_rule_of_the_model_on_random_delegations(head, establishment):
    """Differential: the rights read in one statement equal the rights derived, delegation by
    delegation, from `Delegation.objects.active()` and the assignments."""
    rng = random.Random(13)
    schools = [establishment, *(EstablishmentFactory(private=rng.random() < 0.3) for _ in range(3))]
    services = [catalogue_service(code) for code in (*SERVICE_CODES, "sts-web")]
    people = [UserFactory() for _ in range(6)]
    for person in people:
        for school in rng.sample(schools, rng.randint(0, len(schools))):
            function = rng.choice([Assignment.Function.DIR, Assignment.Function.ADM, Assignment.Function.ENS])
            AssignmentFactory(user=person, establishment=school, function=function)
    triples = [(school, person, service) for school in schools for person in people for service in services]
    for school, person, service in rng.sample(triples, 40):  # at most one open delegation per triple
        start = TODAY + rng.randint(-20, 5) * DAY
        end = rng.choice([None, start + rng.randint(0, 30) * DAY])
        delegation = DelegationFactory(
            establishment=school, grantee=person, granted_by=head, service=service, start_date=start, end_date=end
        )
        if rng.random() < 0.2:
            Delegation.objects.filter(pk=delegation.pk).update(revoked_at=timezone.now(), revoked_by=head)
    active = set(Delegation.objects.active().values_list("grantee_id", "establishment_id", "service__code"))
    for person in people:
        expected = {}
        for assignment in Assignment.objects.filter(user=person).select_related("establishment"):
            school = assignment.establishment
            granted = set()
            if assignment.function == Assignment.Function.DIR:
                granted.add(Right.DELEGATIONS)
                if not school.is_private:
                    granted |= {Right.ADMINISTRATION, Right.TROUBLESHOOTING}
            if (person.pk, school.pk, Service.EDUCONNECT_ADMINISTRATION) in active:
                granted |= {Right.ADMINISTRATION, Right.TROUBLESHOOTING}
            if (person.pk, school.pk, Service.EDUCONNECT_DEPANNAGE) in active:
                granted.add(Right.TROUBLESHOOTING)
            if granted:
                expected[school.pk] = frozenset(granted)
        assert all_rights(User.objects.get(pk=person.pk)) == expected, person


def test_a_list_page_costs_four_queries_session_user_rights_and_page(client, head, establishment):

    # As an import leaves it: the classes and MEFs of the filters are then cached between requests.
    Establishment.objects.filter(pk=establishment.pk).update(siecle_imported_at=timezone.now())
    cache.clear()
    client.force_login(head)
    url = f"/depannage/{establishment.uai}/eleves/"
    client.get(url)
    for headers in ({}, {"HX-Request": "true"}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"q": "dubois"}, headers=headers).status_code == 200
        sqls = [q["sql"] for q in queries.captured_queries]
        assert len(sqls) == 4, sqls
        for sql, table in zip(
            sqls, ("django_session", "delegations_user", "delegations_assignment", "accounts_account"), strict=True
        ):
            assert f'FROM "{table}"' in sql, (table, sql)
