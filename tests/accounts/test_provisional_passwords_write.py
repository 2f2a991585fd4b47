"""`accounts.passwords.write_provisional_passwords` (the one batched UPDATE of issued provisional
passwords, used by the bulk resets and the notifications with reset) writes exactly what Django's
`bulk_update` of PROVISIONAL_FIELDS writes: a differential test of the raw statement against the ORM."""

import pytest
from django.utils import timezone

from accounts.models import Account
from accounts.passwords import PROVISIONAL_FIELDS, issue_provisional_password, write_provisional_passwords
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _saved(account: Account) -> dict:
    fresh = Account.objects.get(pk=account.pk)
    return {name: getattr(fresh, name) for name in PROVISIONAL_FIELDS}


def test_the_batched_write_saves_what_bulk_update_saves():
    raw_side = [AccountFactory(informed=True), AccountFactory(activated=True), AccountFactory(informed=True)]
    orm_side = [AccountFactory(informed=True), AccountFactory(activated=True), AccountFactory(informed=True)]
    now = timezone.now()
    for account in raw_side + orm_side:
        account.reset_requested = True
        Account.objects.filter(pk=account.pk).update(reset_requested=True)
        issue_provisional_password(account, now=now)

    write_provisional_passwords(raw_side, now=now)
    Account.objects.bulk_update(orm_side, PROVISIONAL_FIELDS)

    for raw, orm in zip(raw_side, orm_side, strict=True):
        expected_raw = {name: getattr(raw, name) for name in PROVISIONAL_FIELDS}
        expected_orm = {name: getattr(orm, name) for name in PROVISIONAL_FIELDS}
        assert _saved(raw) == expected_raw
        assert _saved(orm) == expected_orm
