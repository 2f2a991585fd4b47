"""The OTP gate (educonnect.otp): intranet vs extranet, spoofed X-Forwarded-For, trusted proxies."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from delegations.otp_services import otp_enrol_totp
from educonnect import otp
from educonnect.otp import NOT_ENROLLED_MESSAGE, otp_needed, otp_required_unless_intranet


@otp_required_unless_intranet
def protected(request):
    return HttpResponse("ok")


class _User:
    is_authenticated = True

    def __init__(self, verified=False):
        self._verified = verified

    def is_verified(self):
        return self._verified


def _request(remote="203.0.113.10", xff=None, user=None, htmx=False):
    meta = {"REMOTE_ADDR": remote}
    if xff:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    request = RequestFactory().get("/administration/0380111P/eleves/?q=a", **meta)
    request.user = user if user is not None else _User()
    request.htmx = htmx
    return request


@pytest.fixture(autouse=True)
def fake_users_hold_a_device(monkeypatch):
    """The routing tests below are about a person holding a device (the refusal page for a person
    without one is tested through the stack)."""
    real = otp.has_confirmed_device
    monkeypatch.setattr(otp, "has_confirmed_device", lambda user: isinstance(user, _User) or real(user))


@pytest.fixture
def networks(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["10.0.0.0/8"]
    settings.EDUCONNECT_TRUSTED_PROXIES = ["192.0.2.1/32"]


def test_intranet_client_needs_no_otp(networks):
    assert protected(_request(remote="10.1.2.3")).status_code == 200


def test_extranet_client_is_sent_to_the_otp_step_with_next(networks):
    response = protected(_request(remote="203.0.113.10"))
    assert response.status_code == 302
    assert response["Location"] == "/otp/?next=%2Fadministration%2F0380111P%2Feleves%2F%3Fq%3Da"


def test_spoofed_x_forwarded_for_from_an_untrusted_peer_is_ignored(networks):
    request = _request(remote="203.0.113.10", xff="10.1.2.3")
    assert otp_needed(request)
    assert protected(request).status_code == 302


def test_x_forwarded_for_is_read_behind_a_trusted_proxy(networks):
    assert protected(_request(remote="192.0.2.1", xff="10.1.2.3")).status_code == 200


def test_behind_the_proxy_a_forged_left_most_entry_does_not_help(networks):
    # The client sent « X-Forwarded-For: 10.1.2.3 »; the proxy appended the real address.
    request = _request(remote="192.0.2.1", xff="10.1.2.3, 203.0.113.10")
    assert otp_needed(request)
    assert protected(request).status_code == 302


def test_verified_session_passes_from_the_extranet(networks):
    assert protected(_request(user=_User(verified=True))).status_code == 200


def test_anonymous_is_sent_to_the_staff_signin(networks):
    response = protected(_request(user=AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_htmx_requests_get_a_client_redirect(networks):
    response = protected(_request(htmx=True))
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/otp/?next=")


def test_empty_intranet_list_means_everyone_needs_otp(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = []
    assert protected(_request(remote="127.0.0.1")).status_code == 302


@pytest.mark.django_db
def test_deleg_ce_through_the_stack_ignores_a_spoofed_header(client, head, settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["10.0.0.0/8"]
    settings.EDUCONNECT_TRUSTED_PROXIES = ["192.0.2.1/32"]
    otp_enrol_totp(head)
    client.force_login(head)
    spoofed = client.get("/delegations/0380111P/", REMOTE_ADDR="203.0.113.10", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert spoofed.status_code == 302 and spoofed["Location"].startswith("/otp/?next=")
    proxied = client.get("/delegations/0380111P/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert proxied.status_code == 200
    outside = client.get("/delegations/0380111P/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert outside.status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/delegations/0380111P/",
        "/administration/0380111P/",
        "/administration/0380111P/statistiques/",
        "/administration/0380111P/parametres/",
    ],
)
def test_rights_come_before_the_second_factor(client, url, stranger_from_other_establishment, establishment, head):
    """From the extranet, a stranger still gets 404 (not the OTP step), while the head of the
    establishment is refused with the « clé OTP pas encore activée » page (no device) or sent to the
    OTP step (with a device)."""
    client.force_login(stranger_from_other_establishment)
    assert client.get(url, REMOTE_ADDR="203.0.113.10").status_code == 404
    client.force_login(head)
    response = client.get(url, REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 403
    assert NOT_ENROLLED_MESSAGE in response.text
    otp_enrol_totp(head)
    response = client.get(url, REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 302 and response["Location"].startswith("/otp/")
