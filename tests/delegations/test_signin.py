"""Staff sign-in / sign-out: brute force, identical messages, session rotation, audit."""

import re

import pytest
from django.conf import settings as django_settings

from educonnect.models import AuditAction, AuditEvent
from educonnect.ratelimit import staff_signin_limiter
from tests.delegations.conftest import PASSWORD

pytestmark = pytest.mark.django_db

MESSAGE = "Identifiant ou mot de passe incorrect, ou compte temporairement bloqué."


def _post(client, username, password, **extra):
    return client.post("/connexion/", {"username": username, "password": password}, **extra)


def _strip_csrf(html: str) -> str:
    """Remove what differs on every response anyway: the CSRF token and the CSP nonce."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]*"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def test_signin_page_renders(client):
    response = client.get("/connexion/")
    assert response.status_code == 200
    assert "Connexion au portail des agents" in response.text


def test_signin_with_good_password_rotates_the_session_key_and_audits(client, head):
    client.get("/connexion/")
    client.session.save()
    before = client.session.session_key
    response = _post(client, "monique.jamier", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session.session_key != before
    assert int(client.session["_auth_user_id"]) == head.pk
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_LOGIN, actor=head).count() == 1


def test_username_case_and_spaces_are_ignored(client, head):
    response = _post(client, "  Monique.JAMIER ", PASSWORD)
    assert response.status_code == 302


def test_signin_follows_a_local_next_only(client, head):
    response = _post(client, "monique.jamier", PASSWORD, QUERY_STRING="next=/delegations/0380111P/")
    assert response["Location"] == "/delegations/0380111P/"


@pytest.mark.parametrize("evil", ["//evil.com", "https://evil.com/", "/\\evil.com", "https:evil.com"])
def test_signin_refuses_open_redirects(client, head, evil):
    response = client.post("/connexion/", {"username": "monique.jamier", "password": PASSWORD, "next": evil})
    assert response["Location"] == "/"


def test_wrong_password_is_refused_and_audited_without_the_password(client, head):
    response = _post(client, "monique.jamier", "wrong-password-123")
    assert response.status_code == 200
    assert MESSAGE in response.text
    event = AuditEvent.objects.get(action=AuditAction.STAFF_LOGIN_FAILED)
    assert event.details["username"] == "monique.jamier"
    assert "wrong-password-123" not in str(event.details) + event.actor_label
    assert "_auth_user_id" not in client.session


def test_unknown_user_wrong_password_and_locked_give_identical_pages(client, head, staff):
    unknown = _post(client, "personne.inconnue", "whatever-123")
    wrong = _post(client, "bruno.morand", "whatever-123")
    for _ in range(5):
        _post(client, "monique.jamier", "bad-guess")
    locked = _post(client, "monique.jamier", PASSWORD)  # the right password, but locked
    assert "_auth_user_id" not in client.session
    pages = {_strip_csrf(r.content.decode()) for r in (unknown, wrong, locked)}
    assert len(pages) == 1
    assert {r.status_code for r in (unknown, wrong, locked)} == {200}
    assert MESSAGE in pages.pop()
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_LOGIN_FAILED, details__reason="locked").count() == 1


def test_username_variants_feed_one_lockout_counter(client, head):
    for variant in ["MONIQUE.JAMIER", " monique.jamier", "monique.jamier ", "Monique.Jamier", "monique.JAMIER"]:
        _post(client, variant, "bad-guess")
    assert staff_signin_limiter.is_locked(username="monique.jamier")
    assert MESSAGE in _post(client, "monique.jamier", PASSWORD).text
    assert "_auth_user_id" not in client.session


def test_per_ip_counter_locks_a_spraying_client(client, head, settings):
    for n in range(staff_signin_limiter.ip_limit):
        _post(client, f"inconnu{n}", "bad-guess")
    response = _post(client, "monique.jamier", PASSWORD)
    assert MESSAGE in response.text
    # Another client IP is not locked.
    response = _post(client, "monique.jamier", PASSWORD, REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 302


def test_success_resets_the_username_counter(client, head):
    for _ in range(staff_signin_limiter.username_limit - 1):
        _post(client, "monique.jamier", "bad-guess")
    assert _post(client, "monique.jamier", PASSWORD).status_code == 302
    assert staff_signin_limiter.failures(username="monique.jamier") == 0


def test_inactive_user_cannot_sign_in(client, head):
    head.is_active = False
    head.save()
    assert MESSAGE in _post(client, "monique.jamier", PASSWORD).text


def test_signout_is_post_only_and_audited(client, head):
    client.force_login(head)
    assert client.get("/deconnexion/").status_code == 405
    response = client.post("/deconnexion/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_LOGOUT, actor=head).exists()


def test_csrf_is_enforced_on_signin(head):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post("/connexion/", {"username": "monique.jamier", "password": PASSWORD}).status_code == 403


def test_platform_admin_login_goes_through_the_staff_signin(client):
    response = client.get("/plateforme/login/?next=/plateforme/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_session_cookie_settings_are_hardened():
    assert django_settings.SESSION_COOKIE_HTTPONLY
    assert django_settings.SESSION_COOKIE_SAMESITE == "Lax"
