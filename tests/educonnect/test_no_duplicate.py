"""No duplicate notification or reset: two identical submissions at once (double click, resent tab) or
two people on the same accounts give one outcome — one e-mail, one new password — and the second
request is shown the first result or told « déjà fait ». Real threads on PostgreSQL (row locks)."""

import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accounts.passwords import provisional_password
from accounts.resets import STALE_FORM, ResetRefused, account_reset_password
from educonnect import idempotency
from educonnect.models import AuditAction, AuditEvent, OutgoingMail
from notifications import notify
from notifications.models import NotificationJob
from tests.factories import AccountFactory, LegalRepresentativeFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (select_for_update) need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _intranet(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]  # no second factor in these tests
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at_once(*posts):
    """Run the posts in threads released together; returns their responses in order."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def run(index, post):
        try:
            barrier.wait()
            responses[index] = post()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def slow_notification(monkeypatch):
    """The first notification holds its transaction a moment: the second one surely arrives meanwhile."""
    real = notify.notify_one

    def slow(account, **kwargs):
        time.sleep(0.4)
        return real(account, **kwargs)

    monkeypatch.setattr("notifications.services.notify_one", slow)


@pytest.fixture
def parent(establishment):
    representative = LegalRepresentativeFactory(establishment=establishment, email="parent@example.org")
    return AccountFactory(for_representative=True, representative=representative, identifier="parent.unique")


def inform(client, establishment, account, key):
    url = reverse("notifications:notify", kwargs={"uai": establishment.uai})
    data = {"selection": account.pk, "channel": "email", "idempotency_key": key}
    return lambda: client.post(url, data)


def test_the_inform_form_carries_an_idempotency_key(head, establishment, parent):
    client = signed_in(head)
    url = reverse("administration:representative_inform", kwargs={"uai": establishment.uai, "account_id": parent.pk})
    page = client.get(url).content.decode()
    assert f'name="{idempotency.FIELD}"' in page


def test_double_click_on_inform_sends_one_email_and_shows_the_first_result_twice(
    head, establishment, parent, slow_notification
):
    key = idempotency.mint()
    client_one, client_two = signed_in(head), signed_in(head)
    first, second = at_once(
        inform(client_one, establishment, parent, key), inform(client_two, establishment, parent, key)
    )
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]  # the same notification page
    assert [m.to for m in mail.outbox] == [["parent@example.org"]]
    assert OutgoingMail.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_NOTIFIED).count() == 1
    assert NotificationJob.objects.count() == 1
    replayed = [c for c in (client_one, client_two) if "Déjà fait" in c.get(first["Location"]).content.decode()]
    assert len(replayed) == 1  # the later request is told so


def test_two_staff_informing_the_same_account_at_once_send_one_email(
    head, deputy, establishment, parent, slow_notification
):
    keys = idempotency.mint(), idempotency.mint()  # both pages shown before either confirms
    first, second = at_once(
        inform(signed_in(head), establishment, parent, keys[0]),
        inform(signed_in(deputy), establishment, parent, keys[1]),
    )
    assert first.status_code == second.status_code == 302
    assert [m.to for m in mail.outbox] == [["parent@example.org"]]
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_NOTIFIED).count() == 1
    jobs = list(NotificationJob.objects.order_by("pk"))
    assert sorted(j.processed for j in jobs) == [0, 1]
    late = next(j for j in jobs if j.processed == 0)
    assert late.skipped == [
        {"identifier": "parent.unique", "name": str(parent.owner), "reason": notify.ALREADY_NOTIFIED}
    ]


@pytest.fixture
def student(establishment):
    return AccountFactory(informed=True, student__establishment=establishment, identifier="eleve.unique")


@pytest.fixture
def slow_reset(monkeypatch):
    import accounts.resets as resets

    real = resets.issue_provisional_password

    def slow(account, **kwargs):
        time.sleep(0.4)
        return real(account, **kwargs)

    monkeypatch.setattr(resets, "issue_provisional_password", slow)


def reset(client, establishment, account, key):
    url = reverse("troubleshooting:reset_password", kwargs={"uai": establishment.uai, "account_id": account.pk})
    return lambda: client.post(url, {"idempotency_key": key})


def test_double_click_on_reset_gives_one_new_password_shown_in_both_answers(head, establishment, student, slow_reset):
    before = provisional_password(student)
    key = idempotency.mint()
    first, second = at_once(
        reset(signed_in(head), establishment, student, key), reset(signed_in(head), establishment, student, key)
    )
    assert first.status_code == second.status_code == 200
    student.refresh_from_db()
    password = provisional_password(student)
    assert password != before
    assert password in first.content.decode() and password in second.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).count() == 1


def test_two_staff_resetting_the_same_account_at_once_give_one_password(
    head, deputy, establishment, student, slow_reset
):
    keys = idempotency.mint(), idempotency.mint()
    answers = at_once(
        reset(signed_in(head), establishment, student, keys[0]),
        reset(signed_in(deputy), establishment, student, keys[1]),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    refused = next(a for a in answers if a.status_code == 409).content.decode()
    assert "Déjà fait" in refused
    student.refresh_from_db()
    done = next(a for a in answers if a.status_code == 200).content.decode()
    assert provisional_password(student) in done and provisional_password(student) not in refused
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).count() == 1


def test_two_bulk_resets_of_the_same_form_reset_once(head, establishment, slow_reset):
    accounts = [
        AccountFactory(informed=True, student__establishment=establishment, identifier=f"eleve.lot{i}")
        for i in range(3)
    ]
    key = idempotency.mint()
    url = reverse("troubleshooting:bulk_reset", kwargs={"uai": establishment.uai})
    data = {"selection": [a.pk for a in accounts], "confirm": "1", "idempotency_key": key}
    clients = signed_in(head), signed_in(head)
    first, second = at_once(lambda: clients[0].post(url, data), lambda: clients[1].post(url, data))
    assert first.status_code == second.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).count() == 3
    for account in accounts:
        account.refresh_from_db()
        password = provisional_password(account)
        assert password in first.content.decode() and password in second.content.decode()


def test_a_key_cannot_be_replayed_by_someone_else(head, deputy, establishment, student, rf):
    key = idempotency.mint()
    request = rf.post("/", {"idempotency_key": key})
    account_reset_password(actor=head, establishment=establishment, account=student, request=request)
    with pytest.raises(ResetRefused) as refused:
        account_reset_password(actor=deputy, establishment=establishment, account=student, request=request)
    assert refused.value.refusals == [(student, STALE_FORM)]
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).count() == 1


def test_a_copied_form_answers_a_clear_refusal_not_a_500(head, deputy, establishment, student):
    key = idempotency.mint()
    url = reverse("troubleshooting:reset_password", kwargs={"uai": establishment.uai, "account_id": student.pk})
    assert signed_in(head).post(url, {"idempotency_key": key}).status_code == 200
    response = signed_in(deputy).post(url, {"idempotency_key": key})
    assert response.status_code == 409 and "rechargez la page" in response.content.decode()


def test_an_altered_key_is_ignored():
    key = idempotency.mint()
    assert idempotency.read(key) is not None
    assert idempotency.read(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert idempotency.read("") is None and idempotency.read("not:a:key") is None


def test_expired_keys_are_purged_by_the_hourly_command(head, capsys):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from educonnect.models import IdempotencyKey

    old = IdempotencyKey.objects.create(key=idempotency.read(idempotency.mint()).value, scope="notify", actor=head)
    fresh = IdempotencyKey.objects.create(key=idempotency.read(idempotency.mint()).value, scope="notify", actor=head)
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=13))
    call_command("purge_letters")
    assert "1 clé(s) d'idempotence expirée(s) supprimée(s)." in capsys.readouterr().out
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [fresh.pk]
