"""DELEG-CE off the happy path (issue 14 item 12): « Retirer » asks for confirmation; granting
« Administration » to a holder of « Dépannage » explains that it includes it and ends the redundant
one (audited); the head is never offered to herself as a grantee."""

import datetime

import pytest
from django.test import Client
from django.utils.html import escape

from delegations.models import Delegation, Service
from delegations.services import delegation_grant, delegations_set_for_person, includes
from educonnect.models import AuditAction, AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hashing", "intranet")]

UAI = "0380111P"
DEPANNAGE = Service.EDUCONNECT_DEPANNAGE
ADMINISTRATION = Service.EDUCONNECT_ADMINISTRATION
TODAY = datetime.date.today()


@pytest.fixture
def head_client(head):
    client = Client()
    client.force_login(head)
    return client


def open_codes(user) -> set[str]:
    return set(Delegation.objects.filter(grantee=user, revoked_at__isnull=True).values_list("service__code", flat=True))


def test_retirer_is_a_link_to_a_confirmation_that_changes_nothing(head_client, delegate_depannage):
    url = f"/delegations/{UAI}/services/{DEPANNAGE}/"
    delegation = Delegation.objects.get(grantee=delegate_depannage)
    revoke_url = f"/delegations/{UAI}/retirer/{delegation.pk}/"
    page = head_client.get(url).text
    assert f'href="{revoke_url}?back=/delegations/{UAI}/services/{DEPANNAGE}/"' in page
    confirm = head_client.get(f"{revoke_url}?back={url}")
    assert confirm.status_code == 200
    text = confirm.text
    assert (
        "Êtes-vous sûr de vouloir retirer la délégation « ÉduConnect - Dépannage des comptes élèves » à M. Bruno MORAND ?"
        in text
    )
    assert f'<a class="fr-btn fr-btn--secondary" href="{url}">Annuler</a>' in text
    assert f'action="{revoke_url}"' in text and f'name="back" value="{url}"' in text
    delegation.refresh_from_db()
    assert delegation.revoked_at is None
    # « Confirmer »
    response = head_client.post(revoke_url, {"back": url})
    assert response["Location"] == url
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


def test_confirmation_back_link_never_leaves_the_establishment(head_client, delegate_depannage):
    delegation = Delegation.objects.get(grantee=delegate_depannage)
    text = head_client.get(f"/delegations/{UAI}/retirer/{delegation.pk}/?back=https://ailleurs.example/").text
    assert "ailleurs.example" not in text
    assert f'href="/delegations/{UAI}/services/{DEPANNAGE}/">Annuler' in text


def test_granting_administration_by_service_ends_the_included_depannage_and_says_why(head_client, delegate_depannage):
    url = f"/delegations/{UAI}/services/{ADMINISTRATION}/"
    assert "Ce service inclut « ÉduConnect - Dépannage des comptes élèves »" in head_client.get(url).text
    response = head_client.post(url, {"grantee": delegate_depannage.pk, "start_date": TODAY.isoformat()})
    assert response.status_code == 302
    assert open_codes(delegate_depannage) == {ADMINISTRATION}
    ended = Delegation.objects.get(grantee=delegate_depannage, service__code=DEPANNAGE)
    event = AuditEvent.objects.get(action=AuditAction.DELEGATION_REVOKED, target_id=str(ended.pk))
    assert event.details["included_in"] == ADMINISTRATION
    page = head_client.get(url).text
    assert (
        escape(
            "« ÉduConnect - Dépannage des comptes élèves » n'est plus nécessaire : « ÉduConnect - Administration des "
            "comptes » l'inclut déjà (il est inutile d'attribuer les deux). Elle a été retirée à M. Bruno MORAND."
        )
        in page
    )


def test_checking_both_by_person_grants_administration_only_and_says_why(head_client, staff, head):
    url = f"/delegations/{UAI}/personnes/{staff.pk}/"
    page = head_client.get(url).text
    assert "Inclut « ÉduConnect - Dépannage des comptes élèves » : il est inutile d'attribuer les deux." in page
    head_client.post(url, {"services": [ADMINISTRATION, DEPANNAGE], "start_date": TODAY.isoformat(), "end_date": ""})
    assert open_codes(staff) == {ADMINISTRATION}
    assert not Delegation.objects.filter(grantee=staff, service__code=DEPANNAGE).exists()  # never granted
    assert escape("Elle n'a pas été accordée.") in head_client.get(url).text


def test_keeping_both_checked_by_person_ends_the_held_depannage(head, delegate_depannage, establishment):
    services = list(Service.objects.filter(code__in=[ADMINISTRATION, DEPANNAGE]))
    changes = delegations_set_for_person(
        actor=head, establishment=establishment, grantee=delegate_depannage, services=services, start_date=TODAY
    )
    assert [d.service.code for d in changes.granted] == [ADMINISTRATION]
    assert [d.service.code for d in changes.included] == [DEPANNAGE]
    assert changes.revoked == []
    assert open_codes(delegate_depannage) == {ADMINISTRATION}


def test_a_shorter_administration_keeps_a_longer_depannage(head, delegate_depannage, establishment):
    """Administration until 31 August does not replace a Dépannage without end date."""
    service = Service.objects.get(code=ADMINISTRATION)
    delegation_grant(
        actor=head,
        establishment=establishment,
        grantee=delegate_depannage,
        service=service,
        start_date=TODAY,
        end_date=TODAY + datetime.timedelta(days=30),
    )
    assert open_codes(delegate_depannage) == {ADMINISTRATION, DEPANNAGE}


def test_inclusion_compares_periods():
    def d(start, end=None):
        return Delegation(
            start_date=TODAY + datetime.timedelta(days=start), end_date=end and TODAY + datetime.timedelta(days=end)
        )

    assert includes(d(0), d(0, 10))
    assert includes(d(0, 20), d(-5, 20))
    assert not includes(d(0, 20), d(0))
    assert not includes(d(0, 20), d(0, 30))
    assert not includes(d(5), d(0))  # starts later: Dépannage still needed until then


def test_the_head_is_not_offered_to_herself(head_client, head, staff, establishment):
    search = head_client.get(f"/delegations/{UAI}/personnes/?q=")
    assert "MORAND, Bruno" in search.text
    assert "JAMIER, Monique" not in search.text
    service_page = head_client.get(f"/delegations/{UAI}/services/{DEPANNAGE}/").text
    form = service_page.split("Ajouter une personne")[1]
    assert f'value="{staff.pk}"' in form
    assert f'value="{head.pk}"' not in form
    assert head_client.get(f"/delegations/{UAI}/personnes/{head.pk}/").status_code == 404
    refused = head_client.post(
        f"/delegations/{UAI}/services/{DEPANNAGE}/", {"grantee": head.pk, "start_date": TODAY.isoformat()}
    )
    assert refused.status_code == 200
    assert not Delegation.objects.filter(grantee=head).exists()


def test_a_deputy_still_sees_the_head(deputy, head):
    client = Client()
    client.force_login(deputy)
    text = client.get(f"/delegations/{UAI}/personnes/?q=").text
    assert "JAMIER, Monique" in text
    assert "ADJOINT, Alain" not in text
