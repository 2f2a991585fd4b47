"""Second factor: enrolment (QR + secret + hashed backup codes), verification, throttling, replay."""

import datetime
import html
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from delegations.models import BackupCode, BackupCodeDevice
from delegations.otp_enrolment import enrolment_code_issue
from delegations.otp_services import otp_enrol_totp, otp_verify, totp_secret
from educonnect.models import AuditAction, AuditEvent
from tests.otp_helpers import totp_code

pytestmark = pytest.mark.django_db

DELEG = "/delegations/0380111P/"


@pytest.fixture
def head_client(client, head):
    client.force_login(head)
    _grant(client, head)
    return client


def _grant(client, user):
    """Redeem an activation code issued by the head (the extranet path to the enrolment)."""
    code = enrolment_code_issue(user=user, actor_label="test")
    response = client.post("/otp/activation/", {"code": code, "next": DELEG})
    assert response.status_code == 302 and response["Location"].startswith("/otp/enrolement/")


def _enrol(client):
    page = client.get("/otp/enrolement/?next=" + DELEG)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page.text).group(1)
    response = client.post("/otp/enrolement/", {"token": totp_code(secret), "next": DELEG})
    return secret, response


def test_extranet_deleg_with_an_activation_code_leads_a_person_without_device_to_the_enrolment(head_client):
    response = head_client.get("/otp/?next=" + DELEG)
    assert response.status_code == 302
    assert response["Location"] == "/otp/enrolement/?next=%2Fdelegations%2F0380111P%2F"


def test_enrolment_page_shows_a_qr_code_and_the_secret_and_is_not_cached(head_client):
    response = head_client.get("/otp/enrolement/")
    assert response.status_code == 200
    assert 'src="data:image/svg+xml' in response.text
    secret = re.search(r'data-secret="([A-Z2-7]+)"', response.text).group(1)
    assert len(secret) == 32
    assert "no-store" in response["Cache-Control"]
    assert TOTPDevice.objects.get(confirmed=False).key == __import__("base64").b32decode(secret).hex()
    # A reload keeps the same pending device.
    assert secret in head_client.get("/otp/enrolement/").text


def test_enrolment_confirms_the_device_shows_backup_codes_once_and_rotates_the_session(head_client, head):
    head_client.session.save()
    before = head_client.session.session_key
    secret, response = _enrol(head_client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = re.findall(r"<li>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</li>", response.text)
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=head).confirmed
    assert head_client.session.session_key != before
    assert head_client.get(DELEG).status_code == 200  # verified session, from the extranet
    assert AuditEvent.objects.filter(action=AuditAction.OTP_ENROLLED, actor=head).exists()
    # Backup codes are stored hashed only.
    dump = str(list(BackupCode.objects.values())) + str(list(BackupCodeDevice.objects.values()))
    for code in codes:
        assert code not in dump
        assert code.replace("-", "") not in dump


def test_wrong_enrolment_code_is_refused_and_audited(head_client, head):
    head_client.get("/otp/enrolement/")
    response = head_client.post("/otp/enrolement/", {"token": "000000"})
    assert "Code incorrect" in response.text
    assert not TOTPDevice.objects.filter(user=head, confirmed=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.OTP_FAILED, actor=head).exists()


def test_password_alone_cannot_replace_an_enrolled_device(client, head):
    otp_enrol_totp(head)
    client.force_login(head)
    response = client.get("/otp/enrolement/")
    assert response.status_code == 302
    assert response["Location"].startswith("/otp/?next=")


def test_verification_rotates_the_session_key_and_lets_the_person_in(head_client, head):
    secret = otp_enrol_totp(head)
    head_client.session.save()
    before = head_client.session.session_key
    response = head_client.post("/otp/", {"token": totp_code(secret), "next": DELEG})
    assert response.status_code == 302
    assert response["Location"] == DELEG
    assert head_client.session.session_key != before
    assert head_client.get(DELEG).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.OTP_VERIFIED, actor=head).count() == 1


def test_a_totp_code_cannot_be_replayed(client, head):
    secret = otp_enrol_totp(head)
    code = totp_code(secret)
    client.force_login(head)
    assert client.post("/otp/", {"token": code}).status_code == 302
    other = client.__class__()
    other.force_login(head)
    response = other.post("/otp/", {"token": code})
    assert response.status_code == 200
    assert "Code" in response.text
    assert other.get(DELEG).status_code == 302


@pytest.fixture
def slow_throttle(settings):
    """Delays of 60·2^(n−1) s, so that no test depends on how fast it runs."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    settings.OTP_STATIC_THROTTLE_FACTOR = 60


def _move_failure_back(device, seconds):
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=seconds)
    )


def test_throttling_refuses_even_a_good_code_during_the_delay(head, slow_throttle):
    secret = otp_enrol_totp(head)
    assert not otp_verify(user=head, token="000000").ok
    device = TOTPDevice.objects.get(user=head)
    assert device.throttling_failure_count == 1
    throttled = otp_verify(user=head, token=totp_code(secret))
    assert not throttled.ok
    assert throttled.throttled_until > timezone.now()
    # Refusals during the delay are not counted again.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Past the delay, a second failure doubles it (factor·2^(n−1)).
    _move_failure_back(device, 61)
    assert not otp_verify(user=head, token="000000").ok
    device.refresh_from_db()
    assert device.throttling_failure_count == 2
    _, data = device.verify_is_allowed()
    assert data["locked_until"] - device.throttling_failure_timestamp == datetime.timedelta(seconds=120)
    # After the delay the good code works and the counter resets.
    _move_failure_back(device, 121)
    assert otp_verify(user=head, token=totp_code(secret)).ok
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert AuditEvent.objects.filter(action=AuditAction.OTP_FAILED, actor=head).count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.OTP_FAILED, details__throttled=True).count() == 1


def test_throttled_page_says_to_wait(head_client, head, slow_throttle):
    otp_enrol_totp(head)
    first = head_client.post("/otp/", {"token": "000000"})
    assert "Code incorrect." in first.text
    response = head_client.post("/otp/", {"token": "111111"})
    assert "Trop d'essais" in html.unescape(response.text)
    assert head_client.get(DELEG).status_code == 302


def test_backup_codes_are_throttled_too(head_client, head, slow_throttle):
    _, response = _enrol(head_client)
    code = re.findall(r"<li>([A-Z0-9-]{19})</li>", response.text)[0]
    assert not otp_verify(user=head, token="AAAA-BBBB-CCCC-DDDD").ok
    assert not otp_verify(user=head, token=code).ok
    assert BackupCode.objects.filter(used_at__isnull=False).count() == 0


def test_backup_code_works_once(head_client, head):
    _, response = _enrol(head_client)
    code = re.findall(r"<li>([A-Z0-9-]{19})</li>", response.text)[0]
    assert otp_verify(user=head, token=code.lower().replace("-", " ")).ok
    assert not otp_verify(user=head, token=code).ok
    assert BackupCode.objects.filter(used_at__isnull=False).count() == 1


def test_backup_code_signs_a_session_in(client, head):
    client.force_login(head)
    _grant(client, head)
    _, response = _enrol(client)
    code = re.findall(r"<li>([A-Z0-9-]{19})</li>", response.text)[3]
    second = client.__class__()
    second.force_login(head)
    assert second.post("/otp/", {"token": code, "next": DELEG})["Location"] == DELEG
    assert second.get(DELEG).status_code == 200


def test_otp_enrol_totp_service_is_idempotent_and_accepts_a_secret(head):
    first = otp_enrol_totp(head)
    assert otp_enrol_totp(head) == first
    chosen = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    assert otp_enrol_totp(head, secret=chosen) == chosen
    assert TOTPDevice.objects.filter(user=head).count() == 1
    assert totp_secret(TOTPDevice.objects.get(user=head)) == chosen


def test_otp_enrol_totp_command_prints_the_secret(head, capsys):
    call_command("otp_enrol_totp", "monique.jamier")
    secret = capsys.readouterr().out.strip()
    assert secret == totp_secret(TOTPDevice.objects.get(user=head))
    call_command("otp_enrol_totp", "monique.jamier")
    assert capsys.readouterr().out.strip() == secret


def test_troubleshooting_never_asks_for_otp(client, delegate_depannage):
    client.force_login(delegate_depannage)
    response = client.get("/depannage/0380111P/")
    assert not response.get("Location", "").startswith("/otp/")
