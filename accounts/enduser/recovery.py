"""Signed, single-use, time-limited links to choose a password: after « Mot de passe oublié » (valid
LINK_VALIDITY_HOURS), and in the notification e-mails C02/C06, which never carry the provisional
password itself (valid WELCOME_LINK_VALIDITY_DAYS). Both lead to the same page (`enduser:reset`).

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
WELCOME_SALT = "accounts.enduser.password-choice"
WELCOME_LINK_VALIDITY_DAYS = 30


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


def make_token(account: Account, *, salt: str = SALT) -> str:
    return signing.TimestampSigner(salt=salt).sign_object({"a": account.pk, "f": _fingerprint(account)})


def reset_url(account: Account) -> str:
    return settings.EDUCONNECT_SITE_URL.rstrip("/") + reverse("enduser:reset", kwargs={"token": make_token(account)})


def choose_password_url(account: Account) -> str:
    """The link of a notification e-mail: choose a password (instead of receiving one). Computed from
    the account as it will be committed: a later reset or a chosen password makes it unusable."""
    token = make_token(account, salt=WELCOME_SALT)
    return settings.EDUCONNECT_SITE_URL.rstrip("/") + reverse("enduser:reset", kwargs={"token": token})


def account_for_token(token: str, *, queryset=None) -> Account | None:
    """The account a valid, unused, unexpired link names; None otherwise (whatever the reason)."""
    payload = None
    for salt, max_age in ((SALT, LINK_VALIDITY_HOURS * 3600), (WELCOME_SALT, WELCOME_LINK_VALIDITY_DAYS * 86400)):
        try:
            payload = signing.TimestampSigner(salt=salt).unsign_object(token, max_age=max_age)
            break
        except signing.BadSignature:  # includes SignatureExpired
            continue
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        return None
    account = (queryset if queryset is not None else Account.objects).filter(pk=payload["a"]).first()
    if account is None or not constant_time_compare(_fingerprint(account), str(payload.get("f", ""))):
        return None
    return account
