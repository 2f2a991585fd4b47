"""Passwords never leak (logs, audit rows, e-mails, URLs), and single-use links stay single-use
under concurrent clicks (PostgreSQL)."""

import logging
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from accounts import activation
from accounts.models import Account, AccountState
from accounts.passwords import provisional_password
from educonnect.models import AuditAction, AuditEvent
from tests.accounts.enduser_support import sign_in
from tests.factories import AccountFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("enduser_env")

CHOSEN = "Vacances-a-la-mer-2026"


@pytest.mark.django_db
def test_the_whole_first_sign_in_leaks_no_password(client, caplog, django_capture_on_commit_callbacks, establishment):
    import datetime

    caplog.set_level(logging.DEBUG)
    student = StudentFactory(establishment=establishment, birth_date=datetime.date(2011, 1, 31))
    account = AccountFactory(student=student, informed=True)
    provisional = provisional_password(account)
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, account.identifier, "Mauvais-essai-2026")
        first = sign_in(client, account.identifier, provisional)
        client.post(reverse("enduser:first_password"), {"new_password1": CHOSEN, "new_password2": CHOSEN})
        client.post(reverse("enduser:first_activation"), {"email": "eleve@example.org", "birth_date": "2011-01-31"})
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVATING

    secrets = [provisional, CHOSEN, "Mauvais-essai-2026"]
    journal = str(list(AuditEvent.objects.values()))
    outbox = " ".join(m.body + m.subject + str(m.alternatives) for m in mail.outbox)
    database = str(list(Account.objects.filter(pk=account.pk).values()))
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in journal
        assert secret not in outbox
        assert secret not in database
        assert secret not in first.url
    assert len(mail.outbox) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_clicks_on_one_activation_link_activate_once():
    from accounts.enduser.services import account_confirm_email

    account = AccountFactory(activating=True)
    token = activation.make_token(account)
    barrier = threading.Barrier(4)
    outcomes = []

    def click():
        try:
            barrier.wait()
            outcomes.append(account_confirm_email(token=token).ok)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, False, False, True]
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_ACTIVATED).count() == 1
    assert Account.objects.get(pk=account.pk).state == AccountState.ACTIVATED
