"""Provisional passwords on accounts: issue, read, expire, and the one batched write of issued ones
(`write_provisional_passwords`). No audit: services do that."""

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from educonnect import crypto

from .models import Account

PROVISIONAL_FIELDS = [
    "provisional_password_encrypted",
    "provisional_password_expires_at",
    "password_hash",
    "session_version",
    "reset_requested",
    "updated_at",
]


def issue_provisional_password(account: Account, *, now: datetime.datetime | None = None) -> str:
    """Give `account` a new provisional password (3 months), forget any chosen one, end the
    user's open sessions (session_version) and clear the reset request. Returns the plaintext;
    the caller saves with update_fields=PROVISIONAL_FIELDS (or bulk_update)."""
    now = now or timezone.now()
    password = crypto.generate_provisional_password()
    account.provisional_password_encrypted = crypto.encrypt(password)
    account.provisional_password_expires_at = now + datetime.timedelta(
        days=settings.EDUCONNECT_PROVISIONAL_PASSWORD_DAYS
    )
    account.password_hash = ""
    account.session_version += 1
    account.reset_requested = False
    account.updated_at = now
    return password


def provisional_password(account: Account, *, now: datetime.datetime | None = None) -> str | None:
    """The provisional password in clear, or None when there is none or it has expired."""
    if not account.provisional_password_encrypted:
        return None
    if account.provisional_password_expires_at and account.provisional_password_expires_at <= (now or timezone.now()):
        return None
    return crypto.decrypt(account.provisional_password_encrypted)


def write_provisional_passwords(accounts: list[Account], *, now) -> None:
    """Save what `issue_provisional_password(now=now)` set on these locked accounts, in one UPDATE per
    500 accounts (bulk resets, notifications of a whole establishment): the new tokens come in a
    VALUES list, every other field of PROVISIONAL_FIELDS takes the same value for all. Django's bulk_update would build a CASE of 500 branches for each of the 6 fields,
    which made 1,000 resets take seconds. Works on PostgreSQL and SQLite (UPDATE … FROM)."""
    if not accounts:
        return
    assert set(PROVISIONAL_FIELDS) == {
        "provisional_password_encrypted",
        "provisional_password_expires_at",
        "password_hash",
        "session_version",
        "reset_requested",
        "updated_at",
    }, "update write_provisional_passwords with PROVISIONAL_FIELDS"
    expires = {a.provisional_password_expires_at for a in accounts}
    assert len(expires) == 1, "one reset batch has one expiry"
    table = connection.ops.quote_name(Account._meta.db_table)
    column = {name: connection.ops.quote_name(Account._meta.get_field(name).column) for name in PROVISIONAL_FIELDS}
    pk = connection.ops.quote_name(Account._meta.pk.column)
    for start in range(0, len(accounts), 500):
        batch = accounts[start : start + 500]
        values = ", ".join(["(%s, %s)"] * len(batch))
        sql = (
            f"WITH new_tokens (account_id, token) AS (VALUES {values}) "  # noqa: S608 (placeholders only)
            f"UPDATE {table} SET {column['provisional_password_encrypted']} = new_tokens.token, "
            f"{column['provisional_password_expires_at']} = %s, {column['password_hash']} = '', "
            f"{column['session_version']} = {column['session_version']} + 1, "
            f"{column['reset_requested']} = %s, {column['updated_at']} = %s "
            f"FROM new_tokens WHERE {table}.{pk} = new_tokens.account_id"
        )
        params = [item for a in batch for item in (a.pk, a.provisional_password_encrypted)]
        params += [next(iter(expires)), False, now]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.rowcount not in (-1, len(batch)):
                raise RuntimeError("an account vanished during the reset")
