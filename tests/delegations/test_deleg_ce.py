"""DELEG-CE screens and services: par personne, par service, historique, revocation on next request."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from delegations.models import Delegation, Service, end_of_school_year
from delegations.permissions import Right, has_right
from delegations.services import delegation_grant, delegation_revoke, delegations_set_for_person
from educonnect.models import AuditAction, AuditEvent
from tests.factories import AssignmentFactory, DelegationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hashing", "intranet")]

UAI = "0380111P"
DEPANNAGE = Service.EDUCONNECT_DEPANNAGE
ADMINISTRATION = Service.EDUCONNECT_ADMINISTRATION


@pytest.fixture
def head_client(head):
    client = Client()
    client.force_login(head)
    return client


def _service(code):
    return Service.objects.get(code=code)


def test_person_page_shows_the_summary_and_the_9_domain_tree(head_client, delegate_depannage, head, establishment):
    DelegationFactory(
        establishment=establishment, grantee=delegate_depannage, granted_by=head, service=_service("sts-web")
    )
    DelegationFactory(
        establishment=establishment, grantee=delegate_depannage, granted_by=head, service=_service("gi-gc")
    )
    DelegationFactory(
        establishment=establishment, grantee=delegate_depannage, granted_by=head, service=_service("ramsese")
    )
    response = head_client.get(f"/delegations/{UAI}/personnes/{delegate_depannage.pk}/")
    text = response.text
    assert "MORAND, Bruno" in text
    assert (
        "Délégation pour l&#x27;établissement 0380111P (UAJ)" in text
        or "Délégation pour l'établissement 0380111P (UAJ)" in text
    )
    assert "Il y a 4 délégations pour cette personne, dans 2 domaines sur 9." in text
    assert len(re.findall(r'class="fr-accordion__btn"', text)) == 9
    assert "Outils de gestion des identités et habilitations" in text
    assert len(re.findall(r'type="checkbox" name="services"', text)) == Service.objects.count()
    assert re.search(rf'value="{DEPANNAGE}" id="service-{DEPANNAGE}" checked', text)
    assert not re.search(rf'value="{ADMINISTRATION}" id="service-{ADMINISTRATION}" checked', text)
    assert f'value="{end_of_school_year(datetime.date.today()).isoformat()}"' in text


def test_valider_grants_the_checked_and_revokes_the_unchecked_with_audit(head_client, delegate_depannage, head):
    url = f"/delegations/{UAI}/personnes/{delegate_depannage.pk}/"
    response = head_client.post(
        url, {"services": [ADMINISTRATION, "sts-web"], "start_date": datetime.date.today().isoformat(), "end_date": ""}
    )
    assert response.status_code == 302
    open_codes = set(
        Delegation.objects.filter(grantee=delegate_depannage, revoked_at__isnull=True).values_list(
            "service__code", flat=True
        )
    )
    assert open_codes == {ADMINISTRATION, "sts-web"}
    revoked = Delegation.objects.get(grantee=delegate_depannage, service__code=DEPANNAGE)
    assert revoked.revoked_by == head and revoked.revoked_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.DELEGATION_GRANTED, actor=head).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.DELEGATION_REVOKED, actor=head).count() == 1
    page = head_client.get(url).text
    assert "Il y a 2 délégations pour cette personne, dans 2 domaines sur 9." in page
    assert "ont été enregistrées" in page


def test_valider_is_all_or_nothing(delegate_depannage, head, establishment, monkeypatch):
    from delegations import services

    calls = []

    def failing_audit(action, **kwargs):
        calls.append(action)
        if len(calls) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_audit", failing_audit)
    with pytest.raises(RuntimeError):
        delegations_set_for_person(
            actor=head,
            establishment=establishment,
            grantee=delegate_depannage,
            services=[_service(ADMINISTRATION)],
            start_date=datetime.date.today(),
        )
    assert Delegation.objects.get(grantee=delegate_depannage).revoked_at is None
    assert not Delegation.objects.filter(service__code=ADMINISTRATION, grantee=delegate_depannage).exists()


def test_revocation_takes_effect_on_the_next_request(head_client, delegate_depannage, establishment):
    delegate = Client()
    delegate.force_login(delegate_depannage)
    assert "ÉduConnect - Dépannage des comptes élèves</a>" in delegate.get("/").text
    head_client.post(
        f"/delegations/{UAI}/personnes/{delegate_depannage.pk}/", {"services": [], "start_date": datetime.date.today()}
    )
    # Same live session, very next request: the right is gone.
    assert "ÉduConnect - Dépannage des comptes élèves</a>" not in delegate.get("/").text
    assert "Aucune application disponible" in delegate.get("/").text
    fresh = type(delegate_depannage).objects.get(pk=delegate_depannage.pk)
    assert not has_right(fresh, establishment, Right.TROUBLESHOOTING)


def test_a_delegate_can_never_grant_even_through_the_service(delegate_admin, staff, establishment):
    with pytest.raises(PermissionDenied):
        delegation_grant(
            actor=delegate_admin,
            establishment=establishment,
            grantee=staff,
            service=_service(DEPANNAGE),
            start_date=datetime.date.today(),
        )
    assert not Delegation.objects.filter(grantee=staff).exists()


def test_only_staff_of_the_establishment_can_receive(head, establishment, stranger_from_other_establishment):
    with pytest.raises(PermissionDenied):
        delegation_grant(
            actor=head,
            establishment=establishment,
            grantee=stranger_from_other_establishment,
            service=_service(DEPANNAGE),
            start_date=datetime.date.today(),
        )


def test_an_expired_delegation_can_be_granted_again(head, staff, establishment):
    old = DelegationFactory(
        establishment=establishment,
        grantee=staff,
        granted_by=head,
        start_date=datetime.date(2024, 9, 1),
        end_date=datetime.date(2025, 8, 31),
    )
    new = delegation_grant(
        actor=head, establishment=establishment, grantee=staff, service=old.service, start_date=datetime.date.today()
    )
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert new.revoked_at is None and new.pk != old.pk
    assert has_right(type(staff).objects.get(pk=staff.pk), establishment, Right.TROUBLESHOOTING)


def test_granting_twice_changes_nothing(head, delegate_depannage, establishment):
    assert (
        delegation_grant(
            actor=head,
            establishment=establishment,
            grantee=delegate_depannage,
            service=_service(DEPANNAGE),
            start_date=datetime.date.today(),
        )
        is None
    )
    assert Delegation.objects.filter(grantee=delegate_depannage).count() == 1


def test_end_date_before_start_is_refused(head_client, staff):
    response = head_client.post(
        f"/delegations/{UAI}/personnes/{staff.pk}/",
        {"services": [DEPANNAGE], "start_date": "2026-12-01", "end_date": "2026-11-01"},
    )
    assert response.status_code == 200
    assert "La date de fin doit être postérieure" in response.text
    assert not Delegation.objects.filter(grantee=staff).exists()


def test_search_by_first_letters_ignores_case_and_accents(head_client, establishment):
    elise = UserFactory(first_name="Élise", last_name="ÉTIENNE", username="elise.etienne")
    AssignmentFactory(user=elise, establishment=establishment)
    outsider = UserFactory(first_name="Éric", last_name="ETAMPES", username="eric.etampes")  # not attached here
    text = head_client.get(f"/delegations/{UAI}/personnes/?q=eti").text
    assert "ÉTIENNE, Élise" in text
    assert "ETAMPES" not in text
    assert outsider.username not in text


def test_people_are_listed_in_french_order(head_client, establishment):
    """« Céline » before « Clément », « ÉCHARD » among the E's, « de La Tour » among the D's (the
    byte order of a « C » database put them after « Clément », after « EDOUARD » and last)."""
    names = [
        ("de La Tour", "Anne"),
        ("DUPONT", "Céline"),
        ("DUPONT", "Clément"),
        ("ÉCHARD", "Léa"),
        ("EDOUARD", "Paul"),
    ]
    for index in (4, 2, 0, 3, 1):
        last, first = names[index]
        AssignmentFactory(user=UserFactory(last_name=last, first_name=first), establishment=establishment)
    text = head_client.get(f"/delegations/{UAI}/personnes/?q=").text
    shown = re.findall(r'<a href="/delegations/0380111P/personnes/\d+/">([^<]+)</a>', text)
    expected = ["DE LA TOUR, Anne", "DUPONT, Céline", "DUPONT, Clément", "ÉCHARD, Léa", "EDOUARD, Paul"]
    assert [name for name in shown if name in expected] == expected


def test_htmx_search_returns_the_same_fragment_as_a_reload(head_client, staff):
    url = f"/delegations/{UAI}/personnes/?q=mor"
    partial = head_client.get(url, headers={"HX-Request": "true"})
    full = head_client.get(url)
    assert "HX-Request" in partial["Vary"]
    assert partial.text.strip().startswith('<div id="results"')
    assert "<html" not in partial.text
    assert partial.text.strip() in full.text
    assert "MORAND, Bruno" in partial.text
    # The search box works without JavaScript too (a GET form with a button) and has an href fallback.
    assert 'method="get"' in full.text and 'hx-get="/delegations/0380111P/personnes/"' in full.text


def test_by_service_lists_holders_adds_and_removes(head_client, delegate_depannage, delegate_admin, head):
    url = f"/delegations/{UAI}/services/{DEPANNAGE}/"
    page = head_client.get(url).text
    assert "MORAND, Bruno" in page
    assert "VIESCOLAIRE" not in page.split("Ajouter une personne")[0]
    response = head_client.post(url, {"grantee": delegate_admin.pk, "start_date": datetime.date.today().isoformat()})
    assert response.status_code == 302
    assert Delegation.objects.filter(grantee=delegate_admin, service__code=DEPANNAGE, revoked_at__isnull=True).exists()
    delegation = Delegation.objects.get(grantee=delegate_depannage, service__code=DEPANNAGE)
    response = head_client.post(f"/delegations/{UAI}/retirer/{delegation.pk}/", {"back": url})
    assert response["Location"] == url
    delegation.refresh_from_db()
    assert delegation.revoked_by == head
    assert "MORAND, Bruno" not in head_client.get(url).text.split("Ajouter une personne")[0]


def test_services_page_counts_holders(head_client, delegate_depannage):
    text = head_client.get(f"/delegations/{UAI}/services/").text
    assert "ÉduConnect - Dépannage des comptes élèves</a>" in text
    assert "1 personne<" in text


def test_history_keeps_grants_and_revocations(head_client, delegate_depannage, head):
    delegation_revoke(actor=head, delegation=Delegation.objects.get(grantee=delegate_depannage))
    text = head_client.get(f"/delegations/{UAI}/historique/").text
    assert "MORAND, Bruno" in text
    assert "Retirée" in text
    assert Delegation.objects.filter(grantee=delegate_depannage).count() == 1


def test_revoked_delegation_cannot_be_revoked_twice(head_client, delegate_depannage, head):
    delegation = Delegation.objects.get(grantee=delegate_depannage)
    delegation_revoke(actor=head, delegation=delegation)
    assert head_client.post(f"/delegations/{UAI}/retirer/{delegation.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DELEGATION_REVOKED).count() == 1


def test_htmx_history_restore_gets_the_whole_page(head_client, staff):
    response = head_client.get(
        f"/delegations/{UAI}/personnes/?q=mor", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.text
