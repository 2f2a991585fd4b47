"""Services of accounts/resets.py: one reset, many resets (all or nothing), audit without password."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, AccountState
from accounts.passwords import provisional_password
from accounts.resets import ResetRefused, account_reset_password, accounts_reset_passwords
from educonnect.models import AuditAction, AuditEvent
from tests.factories import AccountFactory, StudentFactory

pytestmark = pytest.mark.django_db


def student_account(establishment, **traits):
    return AccountFactory(student=StudentFactory(establishment=establishment), **traits)


def audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values()), default=str)


@pytest.mark.parametrize("trait", ["informed", "activating", "activated"])
def test_reset_gives_a_new_provisional_password_and_keeps_the_state(establishment, head, trait):
    account = student_account(establishment, **{trait: True}, reset_requested=True)
    before = Account.objects.get(pk=account.pk)
    password = account_reset_password(actor=head, establishment=establishment, account=account)
    after = Account.objects.get(pk=account.pk)
    assert provisional_password(after) == password
    assert after.state == before.state
    assert after.password_hash == ""
    assert after.session_version == before.session_version + 1  # open end-user sessions end
    assert after.reset_requested is False
    assert after.provisional_password_encrypted != before.provisional_password_encrypted
    assert password not in after.provisional_password_encrypted


def test_reset_writes_an_audit_event_without_the_password(establishment, head):
    account = student_account(establishment, informed=True)
    password = account_reset_password(actor=head, establishment=establishment, account=account)
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET)
    assert event.actor == head
    assert event.establishment == establishment
    assert event.target_id == str(account.pk)
    assert event.target_label == f"Paul DUBOIS ({account.identifier})"
    assert password not in audit_text()


def test_never_informed_account_is_refused_and_unchanged(establishment, head):
    account = student_account(establishment)
    assert account.state == AccountState.NOT_INFORMED
    before = Account.objects.get(pk=account.pk)
    with pytest.raises(ResetRefused) as refused:
        account_reset_password(actor=head, establishment=establishment, account=account)
    assert "Non activé - non informé" in refused.value.refusals[0][1]
    after = Account.objects.get(pk=account.pk)
    assert after.provisional_password_encrypted == before.provisional_password_encrypted
    assert after.session_version == before.session_version
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).exists()


def test_account_of_another_establishment_is_refused(establishment, other_establishment, head):
    foreign = student_account(other_establishment, informed=True)
    with pytest.raises(ValueError):
        account_reset_password(actor=head, establishment=establishment, account=foreign)
    with pytest.raises(ValueError):
        accounts_reset_passwords(actor=head, establishment=establishment, accounts=[foreign])


def test_bulk_reset_resets_every_account_with_one_audit_event_each(establishment, head):
    accounts = [student_account(establishment, informed=True) for _ in range(3)]
    accounts.append(student_account(establishment, activated=True))
    results = accounts_reset_passwords(actor=head, establishment=establishment, accounts=accounts)
    assert [r.account.pk for r in results] == [a.pk for a in accounts]
    for result in results:
        stored = Account.objects.get(pk=result.account.pk)
        assert provisional_password(stored) == result.password
        assert stored.session_version == 1
    assert len({r.password for r in results}) == 4
    events = AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET)
    assert sorted(int(e.target_id) for e in events) == sorted(a.pk for a in accounts)
    text = audit_text()
    assert not any(r.password in text for r in results)


def test_bulk_reset_is_all_or_nothing(establishment, head):
    informed = [student_account(establishment, informed=True) for _ in range(2)]
    never = student_account(establishment)
    before = {a.pk: a.provisional_password_encrypted for a in Account.objects.all()}
    with pytest.raises(ResetRefused) as refused:
        accounts_reset_passwords(actor=head, establishment=establishment, accounts=[*informed, never])
    assert [a.pk for a, _ in refused.value.refusals] == [never.pk]
    assert {a.pk: a.provisional_password_encrypted for a in Account.objects.all()} == before
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).exists()


def test_bulk_reset_query_count_does_not_grow_with_the_accounts(establishment, head):
    few = [student_account(establishment, informed=True) for _ in range(3)]
    many = [student_account(establishment, informed=True) for _ in range(30)]
    with CaptureQueriesContext(connection) as small:
        accounts_reset_passwords(actor=head, establishment=establishment, accounts=few)
    with CaptureQueriesContext(connection) as large:
        accounts_reset_passwords(actor=head, establishment=establishment, accounts=many)
    assert len(large.captured_queries) == len(small.captured_queries)
