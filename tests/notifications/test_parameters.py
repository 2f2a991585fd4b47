"""Paramètres: the internet addresses printed on letters (verify, set, switch), audited."""

import http.server
import threading

import pytest
from django.core.exceptions import ValidationError

from educonnect.models import AuditAction, AuditEvent
from notifications.selectors import active_addresses
from notifications.services import (
    CHECK_FAILED,
    parameters_set_address,
    parameters_switch,
    parameters_verify_address,
)


@pytest.fixture
def site(settings):
    """A throwaway HTTP server on 127.0.0.1: /ok answers 200, anything else 404."""
    settings.EDUCONNECT_PARAMETERS_URL_SCHEMES = ["https", "http"]  # no TLS on the throwaway server
    settings.EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # loopback is refused unless listed
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            hits.append((self.command, self.path))
            self.send_response(200 if self.path == "/ok" else 404)
            self.end_headers()

        do_HEAD = do_GET = _answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_verify_a_reachable_address_then_switch_it_on(head, establishment, site):
    base, hits = site
    row = parameters_verify_address(actor=head, establishment=establishment, audience="eleves", url=f"{base}/ok")
    assert row.verified_at is not None and hits == [("HEAD", "/ok")]
    parameters_switch(actor=head, establishment=establishment, audience="eleves", on=True)
    assert active_addresses(establishment) == {"eleves": f"{base}/ok"}
    changes = AuditEvent.objects.filter(action=AuditAction.PARAMETER_CHANGED).values_list("details__change", flat=True)
    assert sorted(changes) == ["on", "verified"]


def test_an_address_that_does_not_answer_is_not_verified(head, establishment, site):
    base, _ = site
    messages = []
    for url in (f"{base}/missing", "http://127.0.0.1:9/"):  # a 404, a closed port: the same neutral message
        with pytest.raises(ValidationError) as refused:
            parameters_verify_address(actor=head, establishment=establishment, audience="eleves", url=url)
        messages.append(refused.value.messages)
    assert messages == [[CHECK_FAILED], [CHECK_FAILED]]
    assert "404" not in CHECK_FAILED


@pytest.mark.parametrize("url", ["ftp://ent.example.fr", "pas une adresse", "javascript:alert(1)"])
def test_a_malformed_address_is_refused(head, establishment, url):
    with pytest.raises(ValidationError, match="https://"):
        parameters_verify_address(actor=head, establishment=establishment, audience="eleves", url=url)


def test_http_is_refused_by_default(head, establishment, settings):
    settings.EDUCONNECT_PARAMETERS_URL_SCHEMES = ["https"]
    with pytest.raises(ValidationError):
        parameters_set_address(actor=head, establishment=establishment, audience="eleves", url="http://ent.example.fr")


def test_an_unverified_address_cannot_be_switched_on(head, establishment):
    parameters_set_address(
        actor=head, establishment=establishment, audience="responsables", url="https://ent.example.fr"
    )
    with pytest.raises(ValidationError, match="Vérifiez"):
        parameters_switch(actor=head, establishment=establishment, audience="responsables", on=True)
    assert active_addresses(establishment) == {}


def test_an_active_address_must_be_switched_off_before_editing(head, establishment, site):
    base, _ = site
    parameters_verify_address(actor=head, establishment=establishment, audience="eleves", url=f"{base}/ok")
    parameters_switch(actor=head, establishment=establishment, audience="eleves", on=True)
    with pytest.raises(ValidationError, match="Désactivez"):
        parameters_set_address(
            actor=head, establishment=establishment, audience="eleves", url="https://autre.example.fr"
        )
    parameters_switch(actor=head, establishment=establishment, audience="eleves", on=False)
    row = parameters_set_address(
        actor=head, establishment=establishment, audience="eleves", url="https://autre.example.fr"
    )
    assert row.verified_at is None and active_addresses(establishment) == {}
