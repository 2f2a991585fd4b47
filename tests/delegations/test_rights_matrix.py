"""Role × URL matrix over every URL of the staff portal, DELEG-CE and the second factor.

Requests come from the intranet here (the OTP gate has its own tests): the matrix checks rights.
"""

import pytest
from django.test import Client

from delegations.models import Delegation, Service
from educonnect.models import AuditAction, AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hashing")]

UAI = "0380111P"
OTHER = "0450750W"
ROLES = ["head", "deputy", "delegate_depannage", "delegate_admin", "stranger_from_other_establishment", "anonymous"]
DIR = {"head", "deputy"}


@pytest.fixture
def world(intranet, head, deputy, delegate_depannage, delegate_admin, stranger_from_other_establishment):
    return {
        "head": head,
        "deputy": deputy,
        "delegate_depannage": delegate_depannage,
        "delegate_admin": delegate_admin,
        "stranger_from_other_establishment": stranger_from_other_establishment,
        "anonymous": None,
    }


def _client(world, role):
    client = Client()
    if world[role] is not None:
        client.force_login(world[role])
    return client


def _deleg_urls(world):
    staff = world["delegate_depannage"]
    return [
        f"/delegations/{UAI}/",
        f"/delegations/{UAI}/personnes/",
        f"/delegations/{UAI}/personnes/?q=mor",
        f"/delegations/{UAI}/personnes/{staff.pk}/",
        f"/delegations/{UAI}/services/",
        f"/delegations/{UAI}/services/{Service.EDUCONNECT_DEPANNAGE}/",
        f"/delegations/{UAI}/historique/",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_deleg_ce_get_urls(world, role):
    client = _client(world, role)
    for url in _deleg_urls(world):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/connexion/?next="), url
        elif role in DIR:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 404, url


@pytest.mark.parametrize("role", ROLES)
def test_deleg_ce_post_urls(world, role):
    client = _client(world, role)
    staff = world["delegate_depannage"]
    delegation = Delegation.objects.get(grantee=staff)
    before = Delegation.objects.count()
    posts = [
        (
            f"/delegations/{UAI}/personnes/{staff.pk}/",
            {"services": [Service.EDUCONNECT_DEPANNAGE, "sts-web"], "start_date": "2026-01-01"},
        ),
        (f"/delegations/{UAI}/services/annuaire-academique/", {"grantee": staff.pk, "start_date": "2026-01-01"}),
        (f"/delegations/{UAI}/retirer/{delegation.pk}/", {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        if role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/connexion/"), url
        elif role in DIR:
            assert response.status_code == 302, url
        else:
            assert response.status_code == 404, url
    if role not in DIR:
        # A delegate never grants nor revokes: nothing changed.
        assert Delegation.objects.count() == before
        assert Delegation.objects.get(pk=delegation.pk).revoked_at is None


@pytest.mark.parametrize("role", ROLES)
def test_portal_and_otp_urls(world, role):
    client = _client(world, role)
    for url in ["/", "/otp/", "/otp/enrolement/"]:
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/connexion/?next="), url
        elif url == "/otp/":
            # No device yet: sent on to the enrolment.
            assert response.status_code == 302 and response["Location"].startswith("/otp/enrolement/"), url
        else:
            assert response.status_code == 200, url
    assert client.get("/connexion/").status_code == 200


EXPECTED_HOME = {
    "head": {
        "Gestion des délégations",
        "ÉduConnect - Administration des comptes",
        "ÉduConnect - Dépannage des comptes élèves",
    },
    "deputy": {
        "Gestion des délégations",
        "ÉduConnect - Administration des comptes",
        "ÉduConnect - Dépannage des comptes élèves",
    },
    "delegate_depannage": {"ÉduConnect - Dépannage des comptes élèves"},
    "delegate_admin": {"ÉduConnect - Administration des comptes", "ÉduConnect - Dépannage des comptes élèves"},
    "stranger_from_other_establishment": {
        "Gestion des délégations",
        "ÉduConnect - Administration des comptes",
        "ÉduConnect - Dépannage des comptes élèves",
    },
}
ALL_APPS = EXPECTED_HOME["head"]


@pytest.mark.parametrize("role", list(EXPECTED_HOME))
def test_home_lists_exactly_the_applications_held(world, role):
    response = _client(world, role).get("/")
    shown = {label for label in ALL_APPS if f">{label}</a>" in response.text}
    assert shown == EXPECTED_HOME[role]
    uai = OTHER if role == "stranger_from_other_establishment" else UAI
    holds_delegations = "Gestion des délégations" in EXPECTED_HOME[role]
    assert (f"/delegations/{uai}/" in response.text) is holds_delegations
    hidden = UAI if uai == OTHER else OTHER
    assert hidden not in response.text


@pytest.mark.parametrize(
    "path",
    ["", "personnes/", "personnes/?q=a", "services/", f"services/{Service.EDUCONNECT_DEPANNAGE}/", "historique/"],
)
def test_foreign_establishment_urls_are_404_and_journaled(world, other_establishment, path):
    client = _client(world, "head")
    response = client.get(f"/delegations/{OTHER}/{path}")
    assert response.status_code == 404
    event = AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED).latest("id")
    assert event.actor == world["head"]
    assert event.establishment == other_establishment


def test_unknown_and_existing_foreign_establishments_answer_alike(world, other_establishment):
    client = _client(world, "head")
    assert client.get(f"/delegations/{OTHER}/").status_code == 404
    assert client.get("/delegations/0999999Z/").status_code == 404


def test_person_of_another_establishment_is_404(world):
    client = _client(world, "head")
    stranger = world["stranger_from_other_establishment"]
    assert client.get(f"/delegations/{UAI}/personnes/{stranger.pk}/").status_code == 404
    response = client.post(
        f"/delegations/{UAI}/personnes/{stranger.pk}/",
        {"services": [Service.EDUCONNECT_DEPANNAGE], "start_date": "2026-01-01"},
    )
    assert response.status_code == 404
    assert not Delegation.objects.filter(grantee=stranger).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED, details__reason="grantee").exists()


def test_by_service_form_refuses_a_person_of_another_establishment(world):
    client = _client(world, "head")
    stranger = world["stranger_from_other_establishment"]
    response = client.post(
        f"/delegations/{UAI}/services/{Service.EDUCONNECT_DEPANNAGE}/",
        {"grantee": stranger.pk, "start_date": "2026-01-01"},
    )
    assert response.status_code == 200  # not among the choices: a form error
    assert not Delegation.objects.filter(grantee=stranger).exists()


def test_revoking_another_establishments_delegation_is_404(world, other_establishment):
    from tests.factories import AssignmentFactory, DelegationFactory, UserFactory

    someone = UserFactory()
    AssignmentFactory(user=someone, establishment=other_establishment)
    foreign = DelegationFactory(
        establishment=other_establishment, grantee=someone, granted_by=world["stranger_from_other_establishment"]
    )
    response = _client(world, "head").post(f"/delegations/{UAI}/retirer/{foreign.pk}/")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_private_establishment_head_gets_deleg_ce_only(intranet):
    from delegations.models import Assignment
    from tests.factories import AssignmentFactory, EstablishmentFactory, UserFactory

    private = EstablishmentFactory(private=True)
    head = UserFactory()
    AssignmentFactory(user=head, establishment=private, function=Assignment.Function.DIR)
    client = Client()
    client.force_login(head)
    assert client.get(f"/delegations/{private.uai}/").status_code == 200
    home = client.get("/").text
    assert ">Gestion des délégations</a>" in home
    assert "ÉduConnect - Dépannage" not in home


def test_staff_without_right_sees_a_clear_message(intranet, staff):
    client = Client()
    client.force_login(staff)
    response = client.get("/")
    assert "Aucune application disponible" in response.text
    assert client.get(f"/delegations/{UAI}/").status_code == 404


def test_several_establishments_offer_the_chooser(intranet, fast_hashing, head, other_establishment):
    from delegations.models import Assignment
    from tests.factories import AssignmentFactory

    AssignmentFactory(user=head, establishment=other_establishment, function=Assignment.Function.DIR)
    client = Client()
    client.force_login(head)
    first = client.get("/").text
    assert "Choisir un établissement" in first
    assert f'<option value="{UAI}"' in first and f'<option value="{OTHER}"' in first
    chosen = client.get(f"/?uai={OTHER}").text
    assert f"/delegations/{OTHER}/" in chosen and f"/delegations/{UAI}/" not in chosen
    # An establishment not held is never shown, whatever the query string says.
    assert "0999999Z" not in client.get("/?uai=0999999Z").text


def test_single_establishment_has_no_chooser(intranet, fast_hashing, head):
    client = Client()
    client.force_login(head)
    assert "Choisir un établissement" not in client.get("/").text
