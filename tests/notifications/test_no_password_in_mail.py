"""No outgoing mail (text or HTML) ever carries a provisional password: every notification path
(C02 never informed and informed, C04, C06 with reset; synchronous and background job), plus the
activation, recovery and e-mail-change mails. The printed sheet still carries it."""

import pytest
from django.core import mail

from accounts.models import AccountState
from accounts.passwords import provisional_password
from notifications import jobs, notify, services
from notifications.services import accounts_notify
from tests.factories import AccountFactory, LegalRepresentativeFactory
from tests.notifications.conftest import deliver_queued, pdf_pages


@pytest.fixture
def issued(monkeypatch):
    """Every provisional password issued while the test runs."""
    seen = []
    real = notify.issue_provisional_password

    def recording(account, **kwargs):
        password = real(account, **kwargs)
        seen.append(password)
        return password

    monkeypatch.setattr(notify, "issue_provisional_password", recording)
    return seen


def representatives(establishment, count, tag="nouveau", **traits):
    return [
        AccountFactory(
            for_representative=True,
            representative=LegalRepresentativeFactory(
                establishment=establishment, last_name=f"FAMILLE{tag.upper()}", email=f"{tag}{i:02d}@example.org"
            ),
            identifier=f"famille.{tag}{i:02d}",
            **traits,
        )
        for i in range(count)
    ]


def assert_no_password(messages, passwords):
    assert messages, "no mail was produced: nothing was checked"
    passwords = {p for p in passwords if p}
    assert passwords, "no password to look for"
    for message in messages:
        bodies = [message.body, *(content for content, _ in message.alternatives)]
        for body in bodies:
            folded = body.casefold()
            leaked = [p for p in passwords if p.casefold() in folded]
            assert leaked == [], f"{message.subject}: a provisional password is in the mail"


def test_no_notification_mail_carries_a_password(
    head, establishment, settings, issued, monkeypatch, django_capture_on_commit_callbacks
):
    never = representatives(establishment, 2)
    informed = representatives(establishment, 2, "informe", informed=True)
    activated = representatives(establishment, 2, "active", activated=True)
    accounts = never + informed + activated
    before = [provisional_password(a) for a in accounts]
    with django_capture_on_commit_callbacks(execute=True):
        accounts_notify(actor=head, establishment=establishment, accounts=never, channel="email", with_reset=False)
        accounts_notify(actor=head, establishment=establishment, accounts=informed, channel="email", with_reset=True)
        accounts_notify(actor=head, establishment=establishment, accounts=activated, channel="email", with_reset=False)
    # The background job path (more than EDUCONNECT_NOTIFY_SYNC_MAX accounts), with reset.
    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 2
    monkeypatch.setattr(services, "enqueue", lambda job: None)
    with django_capture_on_commit_callbacks(execute=True):
        job = accounts_notify(
            actor=head, establishment=establishment, accounts=accounts, channel="email", with_reset=True
        ).job
        jobs.job_run(job.pk)
    messages = deliver_queued()
    assert len(messages) == 12
    bodies = [m.body for m in messages]
    assert any("Choisissez d'abord votre mot de passe" in b for b in bodies)  # C02
    assert any("changement de mot de passe" in m.subject for m in messages)  # C06
    assert any("Votre mot de passe est inchangé" in b for b in bodies)  # C04
    after = [provisional_password(a) for a in accounts]
    assert len(issued) >= 6  # resets did issue new passwords
    assert_no_password(messages, [*before, *after, *issued])
    for account in informed:
        account.refresh_from_db()
        assert account.state == AccountState.INFORMED


def test_the_printed_sheet_still_carries_the_password(head, establishment):
    (account,) = representatives(establishment, 1)
    result = accounts_notify(
        actor=head, establishment=establishment, accounts=[account], channel="sheet", with_reset=False
    )
    assert provisional_password(account) in pdf_pages(result.pdf)[0]


def test_activation_recovery_and_address_change_mails_carry_no_password(
    client, establishment, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    from django.urls import reverse

    from accounts.activation import send_activation_email
    from tests.factories import CHOSEN_PASSWORD

    activating = AccountFactory(activating=True, student__establishment=establishment, identifier="eleve.activation")
    active = AccountFactory(activated=True, student__establishment=establishment, identifier="eleve.actif")
    informed = AccountFactory(informed=True, student__establishment=establishment, identifier="eleve.informe")
    passwords = [provisional_password(a) for a in (activating, informed)] + [CHOSEN_PASSWORD]
    with django_capture_on_commit_callbacks(execute=True):
        send_activation_email(activating)
        client.post(reverse("enduser:forgotten"), {"kind": "password", "login": "eleve.actif"})
        client.post(reverse("enduser:forgotten"), {"kind": "identifier", "email": "usager@example.org"})
    client.post(reverse("enduser:login"), {"identifier": "eleve.actif", "password": CHOSEN_PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enduser:email"), {"email": "autre@example.org", "current_password": CHOSEN_PASSWORD})
    assert len(mail.outbox) == 5  # activation, reset link, identifier, confirmation, notice to the old address
    assert_no_password(mail.outbox, passwords)
    assert active.identifier in mail.outbox[1].body
