import math

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory

from educonnect import audit, crypto
from educonnect.crypto import PROVISIONAL_ALPHABET, PROVISIONAL_LENGTH
from educonnect.models import AuditAction, AuditEvent
from educonnect.network import client_ip, is_intranet
from educonnect.text import fold


def test_fold_is_accent_and_case_insensitive():
    assert fold("Éloïse") == "eloise"
    assert fold("CŒUR d'Étienne") == "coeur d'etienne"


def test_provisional_password_strength_and_alphabet():
    assert PROVISIONAL_LENGTH * math.log2(len(PROVISIONAL_ALPHABET)) >= 50
    for ambiguous in "0O1lI5S2Z8B":
        assert ambiguous not in PROVISIONAL_ALPHABET
    passwords = {crypto.generate_provisional_password() for _ in range(200)}
    assert len(passwords) == 200
    assert all(len(p) == PROVISIONAL_LENGTH and set(p) <= set(PROVISIONAL_ALPHABET) for p in passwords)


def test_encryption_round_trip_and_opacity():
    token = crypto.encrypt("ACDEF34679X")
    assert "ACDEF34679X" not in token
    assert crypto.decrypt(token) == "ACDEF34679X"


def test_decrypt_with_other_key_fails(settings):
    token = crypto.encrypt("ACDEF34679X")
    settings.EDUCONNECT_ENCRYPTION_KEY = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMzI="
    with pytest.raises(ValueError):
        crypto.decrypt(token)


@pytest.mark.django_db
def test_audit_refuses_secrets(establishment):
    with pytest.raises(ValueError):
        audit.record(action=AuditAction.PASSWORD_RESET, establishment=establishment, details={"password": "x"})
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_audit_journal_is_append_only(establishment, head):
    event = audit.record(action=AuditAction.PASSWORD_RESET, actor=head, establishment=establishment)
    assert event.actor_label == "monique.jamier"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(action="x")


@pytest.mark.django_db
def test_audit_journal_trigger_on_postgresql(establishment):
    if connection.vendor != "postgresql":
        pytest.skip("database trigger exists on PostgreSQL only")
    event = audit.record(action=AuditAction.PASSWORD_RESET, establishment=establishment)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE educonnect_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM educonnect_auditevent WHERE id = %s", [event.pk])


def test_client_ip_ignores_forwarded_for_without_trusted_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.5")
    settings.EDUCONNECT_INTRANET_NETWORKS = ["10.0.0.0/8"]
    assert client_ip(request) == "203.0.113.9"
    assert not is_intranet(request)


def test_client_ip_reads_forwarded_for_behind_trusted_proxy(settings):
    settings.EDUCONNECT_TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.EDUCONNECT_INTRANET_NETWORKS = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert client_ip(request) == "10.1.2.3"
    assert is_intranet(request)
    # A client prepending a spoofed address does not win: the right-most untrusted one counts.
    spoofed = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3, 198.51.100.7")
    assert client_ip(spoofed) == "198.51.100.7"
    assert not is_intranet(spoofed)


def test_dsfr_assets_rendered_once_equal_django_dsfrs_tags():
    """base.html uses `dsfr_css_once`/`dsfr_js_once`: the same markup as django-dsfr's tags, only the
    scripts' CSP nonce changing per response (escaped)."""
    from django.template import engines

    engine = engines["django"]
    theirs = engine.from_string("{% load dsfr_tags %}{% dsfr_css %}{% dsfr_js nonce=nonce %}")
    ours = engine.from_string("{% load dsfr_assets %}{% dsfr_css_once %}{% dsfr_js_once nonce %}")
    for nonce in ("r4nd0m", 'x"><script>'):
        assert ours.render({"nonce": nonce}) == theirs.render({"nonce": nonce})
    assert 'nonce="x&quot;&gt;&lt;script&gt;"' in ours.render({"nonce": 'x"><script>'})
