"""Provisional passwords on accounts: issue, read, expire. No saving, no audit: services do that."""

import datetime

from django.conf import settings
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
