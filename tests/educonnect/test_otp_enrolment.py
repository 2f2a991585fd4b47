"""Issue 12, items 1 and 2: a stolen password never reaches a second factor; enrolment only from the
intranet or with a single-use activation code; a pending device belongs to one session and expires;
the platform administration behind the same gate."""

import datetime
import re

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from delegations.models import EnrolmentCode, User
from delegations.otp_enrolment import enrolment_code_issue
from delegations.otp_services import otp_enrol_totp
from educonnect.models import AuditAction, AuditEvent
from educonnect.otp import NOT_ENROLLED_MESSAGE
from tests.otp_helpers import totp_code

pytestmark = pytest.mark.django_db

EXTRANET = {"REMOTE_ADDR": "203.0.113.66"}
INTRANET = {"REMOTE_ADDR": "10.1.2.3"}
DELEG = "/delegations/0380111P/"
ADMIN = "/administration/0380111P/"


@pytest.fixture(autouse=True)
def networks(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["10.0.0.0/8"]


def _secret(page) -> str:
    return re.search(r'data-secret="([A-Z2-7]+)"', page.text).group(1)


def _actions(user) -> list[str]:
    return list(AuditEvent.objects.filter(target_id=str(user.pk)).order_by("pk").values_list("action", flat=True))


# --- The attack, step by step -------------------------------------------------------------------


def test_a_stolen_password_alone_from_the_extranet_never_reaches_a_secret(client, head):
    client.force_login(head)  # the attacker signed in with the password
    for url in (DELEG, ADMIN, "/administration/0380111P/statistiques/", "/notifications/0380111P/notifier/"):
        response = client.get(url, **EXTRANET)
        if url.endswith("notifier/"):
            assert response.status_code == 405  # POST only; the gate is tested by the GETs
            continue
        assert response.status_code == 403, url
        assert NOT_ENROLLED_MESSAGE in response.text
    # /otp/ shows the same refusal, not the enrolment
    response = client.get("/otp/?next=" + DELEG, **EXTRANET)
    assert response.status_code == 403 and NOT_ENROLLED_MESSAGE in response.text
    # and the enrolment page itself refuses: no secret, no pending device
    response = client.get("/otp/enrolement/?next=" + DELEG, **EXTRANET)
    assert response.status_code == 403 and "data-secret" not in response.text
    assert client.post("/otp/enrolement/", {"token": "123456"}, **EXTRANET).status_code == 403
    assert not TOTPDevice.objects.filter(user=head).exists()
    # nor does a made-up activation code
    response = client.post("/otp/activation/", {"code": "ABCD-EFGH-JKMN", "next": DELEG}, **EXTRANET)
    assert response.status_code == 403 and "incorrect, expiré ou déjà utilisé" in response.text
    assert client.get("/otp/enrolement/", **EXTRANET).status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.OTP_FAILED, actor=head).exists()


def test_an_attacker_secret_opened_first_is_never_the_one_the_real_user_confirms(client, head):
    attacker, victim = client, type(client)()
    attacker.force_login(head)
    victim.force_login(head)
    first = _secret(attacker.get("/otp/enrolement/", **INTRANET))  # say the attacker sat in the school
    second = _secret(victim.get("/otp/enrolement/", **INTRANET))
    assert first != second
    assert _secret(attacker.get("/otp/enrolement/", **INTRANET)) == first  # a reload keeps its own
    response = victim.post("/otp/enrolement/", {"token": totp_code(second)}, **INTRANET)
    assert response.status_code == 200 and "fr-alert" in response.text
    confirmed = TOTPDevice.objects.get(user=head)
    assert confirmed.confirmed and _secret_of(confirmed) == second  # the other pending one is gone
    # the attacker's code no longer confirms anything
    response = attacker.post("/otp/enrolement/", {"token": totp_code(first)}, **INTRANET)
    assert TOTPDevice.objects.filter(user=head).count() == 1


def _secret_of(device) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


def test_a_pending_device_expires_after_15_minutes(client, head):
    client.force_login(head)
    first = _secret(client.get("/otp/enrolement/", **INTRANET))
    TOTPDevice.objects.filter(user=head).update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    response = client.post("/otp/enrolement/", {"token": totp_code(first)}, **INTRANET)
    assert "Code incorrect" in response.text
    assert not TOTPDevice.objects.filter(user=head, confirmed=True).exists()
    assert _secret(response) != first  # a new secret is shown


# --- The intranet path and the code path -----------------------------------------------------------


def test_intranet_enrolment_works_and_is_audited_and_mailed(
    client, head, mailoutbox, django_capture_on_commit_callbacks
):
    head.email = "monique.jamier@ac-grenoble.fr"
    head.save()
    client.force_login(head)
    secret = _secret(client.get("/otp/enrolement/", **INTRANET))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/otp/enrolement/", {"token": totp_code(secret), "next": DELEG}, **INTRANET)
    assert response.status_code == 200 and len(re.findall(r"<li>[A-Z0-9]{4}-", response.text)) == 10
    assert client.get(DELEG, **EXTRANET).status_code == 200  # the session is verified
    assert _actions(head) == [AuditAction.OTP_ENROLMENT_STARTED, AuditAction.OTP_ENROLLED]
    [mail] = mailoutbox
    assert mail.to == ["monique.jamier@ac-grenoble.fr"]
    assert "second facteur" in mail.subject and secret not in mail.body


def test_no_mail_without_an_address(client, head, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(head)
    secret = _secret(client.get("/otp/enrolement/", **INTRANET))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/otp/enrolement/", {"token": totp_code(secret)}, **INTRANET)
    assert TOTPDevice.objects.get(user=head).confirmed
    assert mailoutbox == []


def test_the_head_issues_an_activation_code_in_deleg_ce_and_it_opens_the_enrolment_once(
    client, head, delegate_admin, establishment
):
    head_client, staff_client = client, type(client)()
    head_client.force_login(head)
    person = f"/delegations/0380111P/personnes/{delegate_admin.pk}/"
    page = head_client.get(person, **INTRANET)
    assert "n'a pas encore activé sa clé OTP" in page.text
    response = head_client.post(person + "code-activation-otp/", **INTRANET)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = re.search(r'id="enrolment-code">([A-Z0-9-]+)<', response.text).group(1)
    issued = AuditEvent.objects.get(action=AuditAction.OTP_ENROLMENT_CODE_ISSUED)
    assert (issued.actor, issued.establishment, issued.target_id) == (head, establishment, str(delegate_admin.pk))
    assert code not in str(issued.details) and code.replace("-", "") not in EnrolmentCode.objects.get().code_hash

    staff_client.force_login(delegate_admin)
    assert staff_client.get(ADMIN, **EXTRANET).status_code == 403
    response = staff_client.post("/otp/activation/", {"code": code.lower(), "next": ADMIN}, **EXTRANET)
    assert response["Location"] == "/otp/enrolement/?next=%2Fadministration%2F0380111P%2F"
    secret = _secret(staff_client.get(response["Location"], **EXTRANET))
    response = staff_client.post("/otp/enrolement/", {"token": totp_code(secret), "next": ADMIN}, **EXTRANET)
    assert response.status_code == 200
    assert staff_client.get(ADMIN, **EXTRANET).status_code == 200
    assert AuditAction.OTP_ENROLMENT_CODE_USED in _actions(delegate_admin)
    # single use: the same code cannot open a second enrolment
    other = type(client)()
    other.force_login(delegate_admin)
    assert other.post("/otp/activation/", {"code": code}, **EXTRANET).status_code == 403


def test_a_stranger_cannot_issue_a_code_for_someone_of_another_establishment(
    client, head, stranger_from_other_establishment
):
    client.force_login(head)
    url = f"/delegations/0380111P/personnes/{stranger_from_other_establishment.pk}/code-activation-otp/"
    assert client.post(url, **INTRANET).status_code == 404
    assert not EnrolmentCode.objects.exists()
    refused = AuditEvent.objects.get(action=AuditAction.ACCESS_REFUSED)
    assert refused.details["path"] == url and refused.ip_address == "10.1.2.3"


def test_codes_expire_are_voided_by_a_newer_one_and_die_after_five_failures(client, staff):
    client.force_login(staff)
    old = enrolment_code_issue(user=staff, actor_label="test")
    new = enrolment_code_issue(user=staff, actor_label="test")
    assert client.post("/otp/activation/", {"code": old}, **EXTRANET).status_code == 403  # voided
    EnrolmentCode.objects.filter(voided_at__isnull=True).update(
        expires_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    )
    assert client.post("/otp/activation/", {"code": new}, **EXTRANET).status_code == 403  # expired
    code = enrolment_code_issue(user=staff, actor_label="test")
    for _ in range(EnrolmentCode.MAX_FAILURES):
        client.post("/otp/activation/", {"code": "AAAA-BBBB-CCCC"}, **EXTRANET)
    assert client.post("/otp/activation/", {"code": code}, **EXTRANET).status_code == 403  # burnt


def test_the_operator_command_issues_a_code_that_opens_the_enrolment(client, staff, capsys):
    call_command("otp_enrolment_code", staff.username)
    code = capsys.readouterr().out.strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    client.force_login(staff)
    assert client.post("/otp/activation/", {"code": code}, **EXTRANET).status_code == 302
    assert client.get("/otp/enrolement/", **EXTRANET).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.OTP_ENROLMENT_CODE_ISSUED, actor_label="commande").exists()


def test_removal_and_backup_code_use_are_audited(client, head):
    otp_enrol_totp(head)
    call_command("otp_remove", head.username)
    assert not TOTPDevice.objects.filter(user=head).exists()
    assert AuditAction.OTP_REMOVED in _actions(head)
    client.force_login(head)
    secret = _secret(client.get("/otp/enrolement/", **INTRANET))
    response = client.post("/otp/enrolement/", {"token": totp_code(secret)}, **INTRANET)
    code = re.findall(r"<li>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</li>", response.text)[0]
    fresh = type(client)()
    fresh.force_login(head)
    assert fresh.post("/otp/", {"token": code, "next": DELEG}, **EXTRANET).status_code == 302
    used = AuditEvent.objects.get(action=AuditAction.OTP_BACKUP_CODE_USED)
    assert used.details == {"left": 9} and used.ip_address == "203.0.113.66"


# --- /plateforme/ ----------------------------------------------------------------------------------


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("operateur", "operateur@example.org", "correct horse battery staple")


def test_a_superuser_with_the_password_alone_from_the_extranet_gets_no_admin_page(client, operator):
    client.force_login(operator)
    for url in ("/plateforme/", "/plateforme/delegations/user/", f"/plateforme/delegations/user/{operator.pk}/change/"):
        response = client.get(url, **EXTRANET)
        assert response.status_code == 403, url
        assert NOT_ENROLLED_MESSAGE in response.text
        assert "Administration de Django" not in response.text and "site-name" not in response.text
    otp_enrol_totp(operator)
    response = client.get("/plateforme/", **EXTRANET)
    assert response.status_code == 302 and response["Location"].startswith("/otp/?next=%2Fplateforme%2F")


def test_a_superuser_from_the_intranet_or_verified_gets_the_admin(client, operator):
    client.force_login(operator)
    assert client.get("/plateforme/", **INTRANET).status_code == 200
    secret = otp_enrol_totp(operator)
    client.post("/otp/", {"token": totp_code(secret), "next": "/plateforme/"}, **EXTRANET)
    assert client.get("/plateforme/", **EXTRANET).status_code == 200


def test_the_platform_is_refused_to_non_superusers_and_anonymous(client, head):
    assert client.get("/plateforme/", **INTRANET)["Location"].startswith("/connexion/?next=")
    assert client.get("/plateforme/login/", **INTRANET)["Location"].startswith("/connexion/?next=")
    head.is_staff = True
    head.save()
    client.force_login(head)
    assert client.get("/plateforme/", **INTRANET).status_code == 404
    refused = AuditEvent.objects.get(action=AuditAction.ACCESS_REFUSED, actor=head)
    assert refused.details == {"reason": "platform", "path": "/plateforme/"} and refused.ip_address == "10.1.2.3"


def test_a_lost_phone_is_replaced_with_an_activation_code_and_not_with_the_password_alone(client, head):
    old_secret = otp_enrol_totp(head)
    client.force_login(head)
    response = client.get("/otp/enrolement/", **EXTRANET)
    assert response.status_code == 302 and response["Location"].startswith("/otp/?next=")
    code = enrolment_code_issue(user=head, actor_label="test")
    assert client.post("/otp/activation/", {"code": code}, **EXTRANET).status_code == 302
    page = client.get("/otp/enrolement/", **EXTRANET)
    assert page.status_code == 200 and "remplacera la précédente" in page.text
    new_secret = _secret(page)
    assert client.post("/otp/enrolement/", {"token": totp_code(new_secret)}, **EXTRANET).status_code == 200
    assert [_secret_of(d) for d in TOTPDevice.objects.filter(user=head)] == [new_secret]
    assert new_secret != old_secret
    assert AuditAction.OTP_REMOVED in _actions(head)


def test_a_person_left_with_backup_codes_only_is_asked_for_one(client, head):
    client.force_login(head)
    secret = _secret(client.get("/otp/enrolement/", **INTRANET))
    client.post("/otp/enrolement/", {"token": totp_code(secret)}, **INTRANET)
    TOTPDevice.objects.filter(user=head).delete()
    fresh = type(client)()
    fresh.force_login(head)
    response = fresh.get(DELEG, **EXTRANET)
    assert response.status_code == 302 and response["Location"].startswith("/otp/?next=")
    assert fresh.get(response["Location"], **EXTRANET).status_code == 200
