"""Mail through a real SMTP conversation: a local aiosmtpd server on a loopback port receives the
product's mails through Django's SMTP backend — notification, activation, recovery — and a server that
refuses, drops or is down loses nothing: the mail stays queued, is logged, shows to the staff member as
« en attente d'envoi », and a retry delivers it once, under the same Message-ID."""

import email
import email.policy
import logging
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.activation import send_activation_email
from educonnect import mail as outbox
from educonnect.models import OutgoingMail, OutgoingMailStatus
from notifications.services import accounts_notify
from tests.factories import AccountFactory, LegalRepresentativeFactory


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Handler:
    """Accepts (250) or refuses (451, a temporary failure) each message; keeps what it accepted."""

    def __init__(self):
        self.refuse = False
        self.received = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refuse:
            return "451 4.3.0 Mail server temporarily rejected message"
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    point_mailer_at(settings, controller.port)
    yield handler
    controller.stop()


def point_mailer_at(settings, port: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 3},
        }
    }


class Dropper:
    """Accepts TCP connections and closes them at once, before any SMTP greeting."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.dropped = 0
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.dropped += 1
            conn.close()

    def close(self):
        self.sock.close()


@pytest.fixture
def parent(establishment):
    representative = LegalRepresentativeFactory(establishment=establishment, email="parent@example.org")
    return AccountFactory(for_representative=True, representative=representative, identifier="parent.smtp")


def body_text(message) -> str:
    return "\n".join(part.get_content() for part in message.walk() if part.get_content_type().startswith("text/"))


def notify_by_email(head, establishment, account, capture):
    with capture(execute=True):
        return accounts_notify(
            actor=head, establishment=establishment, accounts=[account], channel="email", with_reset=False
        )


@pytest.mark.django_db
def test_a_notification_travels_through_smtp(smtp, head, establishment, parent, django_capture_on_commit_callbacks):
    notify_by_email(head, establishment, parent, django_capture_on_commit_callbacks)
    (message,) = smtp.received
    row = OutgoingMail.objects.get()
    assert message["To"] == "parent@example.org"
    assert message["Message-ID"] == f"<{row.key}@educonnect.invalid>"
    assert message["Subject"] == "Mise à disposition de services en ligne pour suivre la scolarité de votre enfant"
    text = body_text(message)
    assert "parent.smtp" in text and "/compte/reinitialiser/" in text
    assert row.status == OutgoingMailStatus.SENT and row.body == "" and row.html == ""  # content forgotten


@pytest.mark.django_db
def test_the_activation_email_travels_through_smtp(smtp, establishment, django_capture_on_commit_callbacks):
    account = AccountFactory(activating=True, student__establishment=establishment, identifier="eleve.smtp")
    with django_capture_on_commit_callbacks(execute=True):
        send_activation_email(account)
    (message,) = smtp.received
    assert message["To"] == "usager@example.org"
    assert "eleve.smtp" in body_text(message) and "/compte/activer/" in body_text(message)


@pytest.mark.django_db
def test_recovery_travels_through_smtp(smtp, client, django_capture_on_commit_callbacks):
    AccountFactory(activated=True, identifier="usager.smtp")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enduser:forgotten"), {"kind": "password", "login": "usager.smtp"})
        client.post(reverse("enduser:forgotten"), {"kind": "identifier", "email": "usager@example.org"})
    assert [m["Subject"] for m in smtp.received] == [
        "Services en ligne de l'éducation nationale - mot de passe oublié",
        "Services en ligne de l'éducation nationale - identifiant oublié",
    ]
    assert "/compte/reinitialiser/" in body_text(smtp.received[0])
    assert "usager.smtp" in body_text(smtp.received[1])


@pytest.mark.django_db
def test_a_refusing_server_loses_nothing_and_the_retry_delivers_once(
    smtp, head, establishment, parent, django_capture_on_commit_callbacks, caplog
):
    smtp.refuse = True
    with caplog.at_level(logging.WARNING, logger="educonnect.mail"):
        notify_by_email(head, establishment, parent, django_capture_on_commit_callbacks)
    row = OutgoingMail.objects.get()
    assert row.status == OutgoingMailStatus.QUEUED and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert smtp.received == []
    (record,) = [r for r in caplog.records if r.name == "educonnect.mail"]
    assert "failed, attempt 1" in record.getMessage() and establishment.uai in record.getMessage()
    assert outbox.pending_count(establishment) == 1

    assert outbox.resume() == 0  # not due yet: the backoff holds
    smtp.refuse = False
    assert outbox.resume(now=row.next_attempt_at) == 1  # the worker's retry, once due
    (message,) = smtp.received
    assert message["Message-ID"] == f"<{row.key}@educonnect.invalid>"
    row.refresh_from_db()
    assert row.status == OutgoingMailStatus.SENT and row.attempts == 2
    assert outbox.pending_count(establishment) == 0
    assert outbox.resume(now=row.next_attempt_at or timezone.now()) == 0  # nothing sent twice


@pytest.mark.django_db
def test_a_dropped_or_closed_connection_loses_nothing(
    smtp, settings, head, establishment, parent, django_capture_on_commit_callbacks
):
    dropper = Dropper()
    point_mailer_at(settings, dropper.port)
    notify_by_email(head, establishment, parent, django_capture_on_commit_callbacks)
    point_mailer_at(settings, free_port())  # nothing listens there: connection refused
    row = OutgoingMail.objects.get()
    outbox.resume(now=row.next_attempt_at)
    dropper.close()
    row.refresh_from_db()
    assert dropper.dropped == 1
    assert row.status == OutgoingMailStatus.QUEUED and row.attempts == 2
    assert "ConnectionRefusedError" in row.last_error

    point_mailer_at(settings, smtp.port)
    outbox.resume(now=row.next_attempt_at)
    assert [m["To"] for m in smtp.received] == ["parent@example.org"]


@pytest.mark.django_db
def test_after_a_failure_the_mail_is_abandoned_only_after_the_last_attempt(
    smtp, head, establishment, parent, django_capture_on_commit_callbacks, caplog
):
    smtp.refuse = True
    notify_by_email(head, establishment, parent, django_capture_on_commit_callbacks)
    row = OutgoingMail.objects.get()
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        row.refresh_from_db()
        outbox.resume(now=row.next_attempt_at)
    row.refresh_from_db()
    assert row.status == OutgoingMailStatus.FAILED and row.attempts == outbox.MAX_ATTEMPTS
    assert "abandoned after 8 attempts" in caplog.text
    assert outbox.failed_count(establishment) == 1 and outbox.pending_count(establishment) == 0


@pytest.mark.django_db
def test_the_staff_member_sees_the_mails_waiting_never_a_500(
    smtp, client, head, establishment, parent, settings, django_capture_on_commit_callbacks
):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    smtp.refuse = True
    client.force_login(head)
    url = reverse("notifications:notify", kwargs={"uai": establishment.uai})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"selection": parent.pk, "channel": "email"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "1 mail en attente d'envoi" in page and "rien n'est à refaire" in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_worker_retries_a_refused_mail(smtp, settings, head, establishment, parent):
    """With the real task backend, a failure enqueues a deferred retry; `db_worker` runs it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    smtp.refuse = True
    accounts_notify(actor=head, establishment=establishment, accounts=[parent], channel="email", with_reset=False)
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
    row = OutgoingMail.objects.get()
    assert row.status == OutgoingMailStatus.QUEUED and row.attempts == 1
    retry = DBTaskResult.objects.filter(task_path="educonnect.mail.send_outgoing_mail", status="READY").get()
    assert retry.run_after is not None and abs((retry.run_after - row.next_attempt_at).total_seconds()) < 1
    smtp.refuse = False
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # time passes
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
    row.refresh_from_db()
    assert row.status == OutgoingMailStatus.SENT and [m["To"] for m in smtp.received] == ["parent@example.org"]
