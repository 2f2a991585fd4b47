"""Checking an identifier and a password, with the same work whatever the identifier.

Known and unknown identifiers go through the same code path: the provisional password is compared
with hmac.compare_digest (against a dummy for an unknown account, or one without a provisional
password), and an Argon2 check_password runs against the account's hash or a dummy one. Nothing
returns early, so the response time does not tell whether an identifier exists (CVE-2024-39329).
An unknown identifier, a wrong password and a right one each cost one hash. A right password whose
hash was made with other parameters (educonnect/hashers.py) is re-hashed with the current ones.
"""

import hmac
import secrets
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from accounts.models import Account
from accounts.passwords import provisional_password
from educonnect import crypto
from educonnect.ratelimit import normalise_username


@dataclass(frozen=True)
class SignInResult:
    account: Account | None
    with_provisional: bool = False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password(secrets.token_urlsafe(24))


@lru_cache(maxsize=1)
def _dummy_provisional_token() -> str:
    return crypto.encrypt(crypto.generate_provisional_password())


def _upgrade(account: Account):
    """Django calls this after a right password whose hash has outdated parameters."""

    def setter(raw_password: str) -> None:
        account.password_hash = make_password(raw_password)
        Account.objects.filter(pk=account.pk).update(password_hash=account.password_hash)

    return setter


def normalise_identifier(identifier: str | None) -> str:
    """Identifiers are lower-case ASCII: « Celine.Dupont114 » and « celine.dupont114 » are the same."""
    return normalise_username(identifier)[:64]


def check_credentials(identifier: str, password: str) -> SignInResult:
    """The account when the password is its valid provisional one or its chosen one, else None.
    An expired provisional password is refused like a wrong one."""
    now = timezone.now()
    account = Account.objects.filter(identifier=normalise_identifier(identifier)).first()

    # 1. Provisional password: decrypt (a dummy when there is none) and compare in constant time.
    real_provisional = provisional_password(account, now=now) if account is not None else None
    expected = real_provisional or crypto.decrypt(_dummy_provisional_token())
    provisional_ok = hmac.compare_digest(password.encode(), expected.encode()) and real_provisional is not None

    # 2. Chosen password: Argon2 against the account's hash, or against a dummy one.
    has_hash = account is not None and bool(account.password_hash)
    encoded = account.password_hash if has_hash else _dummy_hash()
    hash_ok = check_password(password, encoded, setter=_upgrade(account) if has_hash else None) and has_hash

    if account is None or not (provisional_ok or hash_ok):
        return SignInResult(None)
    return SignInResult(account, with_provisional=provisional_ok)
