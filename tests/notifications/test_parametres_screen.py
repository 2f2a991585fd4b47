"""The Paramètres screen of the administration module: « Vérifier » then « Intégrer dans les
courriers et mails », one address per audience. Reachability is checked against a throwaway HTTP
server on 127.0.0.1 (`local_site`, tests/notifications/site_support.py; never anything outside)."""

import html
import socket

import pytest
from django.urls import reverse

from accounts.models import NotificationAddress
from educonnect.models import AuditAction, AuditEvent

UAI = "0380111P"
INDEX = reverse("parametres:index", kwargs={"uai": UAI})
VERIFY = reverse("parametres:verify", kwargs={"uai": UAI})
SWITCH = reverse("parametres:switch", kwargs={"uai": UAI})


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    # The local test server speaks plain HTTP; production accepts https only.
    settings.EDUCONNECT_PARAMETERS_URL_SCHEMES = ["https", "http"]
    settings.EDUCONNECT_PARAMETERS_CHECK_TIMEOUT = 2
    # « Vérifier » refuses loopback addresses unless the deployment lists them (tests/test_safefetch).
    settings.EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_screen_shows_both_addresses_switched_off(client, head):
    client.force_login(head)
    body = page_text(client.get(INDEX))
    for text in [
        "Courriers et mails de communication",
        "Ajouter une adresse internet",
        "Élèves",
        "Représentants légaux",
        "Intégrer dans les courriers et mails",
        "Désactivé",
        "https://teleservices.education.gouv.fr",
    ]:
        assert text in body, text
    assert body.count('class="fr-toggle__input"') == 2


def test_verify_then_switch_on_then_edit_requires_switching_off(client, head, establishment, local_site):
    client.force_login(head)
    response = client.post(VERIFY, {"audience": "eleves", "url": local_site}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "L'adresse a bien été vérifiée" in page_text(response)
    assert "<html" not in page_text(response)
    row = NotificationAddress.objects.get(establishment=establishment, audience="eleves")
    assert row.url == local_site and row.verified_at is not None and not row.is_active

    response = client.post(SWITCH, {"audience": "eleves", "on": "1"}, headers={"HX-Request": "true"})
    assert "L'adresse est intégrée dans les courriers et mails." in page_text(response)
    row.refresh_from_db()
    assert row.is_active

    # Active: the address cannot be changed until switched off.
    response = client.post(VERIFY, {"audience": "eleves", "url": local_site + "/autre"})
    assert response.status_code == 422
    assert "Désactivez" in page_text(response)
    row.refresh_from_db()
    assert row.url == local_site
    assert "readonly" in page_text(client.get(INDEX))

    client.post(SWITCH, {"audience": "eleves"})
    row.refresh_from_db()
    assert not row.is_active
    assert client.post(VERIFY, {"audience": "eleves", "url": local_site + "/autre"}).status_code == 302
    row.refresh_from_db()
    assert row.url == local_site + "/autre"

    changes = list(
        AuditEvent.objects.filter(action=AuditAction.PARAMETER_CHANGED).order_by("id").values_list("details", flat=True)
    )
    assert [c["change"] for c in changes] == ["verified", "on", "off", "verified"]
    assert all(e.actor == head for e in AuditEvent.objects.filter(action=AuditAction.PARAMETER_CHANGED))
    # The other audience is untouched.
    assert not NotificationAddress.objects.filter(audience="responsables", is_active=True).exists()


def test_malformed_address_is_refused(client, head, establishment):
    client.force_login(head)
    response = client.post(VERIFY, {"audience": "responsables", "url": "pas une adresse"})
    assert response.status_code == 422
    assert "adresse internet valide" in page_text(response)
    assert not NotificationAddress.objects.filter(verified_at__isnull=False).exists()


def test_only_https_in_production_settings(client, head, settings, local_site):
    settings.EDUCONNECT_PARAMETERS_URL_SCHEMES = ["https"]
    client.force_login(head)
    response = client.post(VERIFY, {"audience": "responsables", "url": local_site})
    assert response.status_code == 422
    assert "https://" in page_text(response)


def test_unreachable_address_is_refused(client, head, closed_port):
    client.force_login(head)
    response = client.post(VERIFY, {"audience": "responsables", "url": closed_port})
    assert response.status_code == 422
    assert "L'adresse n'a pas pu être vérifiée" in page_text(response)
    assert not NotificationAddress.objects.filter(verified_at__isnull=False).exists()


def test_cannot_switch_on_before_verifying(client, head):
    client.force_login(head)
    response = client.post(SWITCH, {"audience": "responsables", "on": "1"})
    assert response.status_code == 422
    assert "Vérifiez l'adresse" in page_text(response)
    assert not NotificationAddress.objects.filter(is_active=True).exists()


def test_unknown_audience_is_404(client, head):
    client.force_login(head)
    assert client.post(SWITCH, {"audience": "profs", "on": "1"}).status_code == 404


@pytest.mark.parametrize("persona", ["delegate_depannage", "stranger_from_other_establishment"])
def test_writes_by_people_without_the_right_are_404(db, client, request, persona, local_site):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(VERIFY, {"audience": "eleves", "url": local_site}).status_code == 404
    assert client.post(SWITCH, {"audience": "eleves", "on": "1"}).status_code == 404
    assert not NotificationAddress.objects.exists()
