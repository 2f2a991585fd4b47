"""Signed, single-use, time-limited links for a forgotten password.

The token's payload holds the account and an HMAC fingerprint of everything a completed reset
changes (password hash, provisional password, session version, the pending request): once the
password is set, or a staff reset happens, the link no longer matches.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import Account

SALT = "accounts.enduser.password-reset"
LINK_VALIDITY_HOURS = 24


def _fingerprint(account: Account) -> str:
    value = "|".join(
        [
            str(account.pk),
            account.password_hash,
            account.provisional_password_encrypted,
            str(account.session_version),
            str(account.reset_requested),
        ]
    )
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:32]


def make_token(account: Account) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"a": account.pk, "f": _fingerprint(account)})


def reset_url(account: Account) -> str:
    return settings.EDUCONNECT_SITE_URL.rstrip("/") + reverse("enduser:reset", kwargs={"token": make_token(account)})


def account_for_token(token: str, *, queryset=None) -> Account | None:
    """The account a valid, unused, unexpired link names; None otherwise (whatever the reason)."""
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=LINK_VALIDITY_HOURS * 3600)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        return None
    account = (queryset if queryset is not None else Account.objects).filter(pk=payload["a"]).first()
    if account is None or not constant_time_compare(_fingerprint(account), str(payload.get("f", ""))):
        return None
    return account
