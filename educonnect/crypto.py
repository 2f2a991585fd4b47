"""Provisional passwords: generation and encryption at rest.

A provisional password is shown and printed by staff while it is provisional, so it is stored
encrypted (Fernet, key EDUCONNECT_ENCRYPTION_KEY), never hashed, never logged.

Key rotation: the new key becomes EDUCONNECT_ENCRYPTION_KEY, the old ones go to
EDUCONNECT_ENCRYPTION_KEY_FALLBACKS (they still decrypt), then `manage.py rotate_encryption_key`
re-encrypts every stored value with the new key; the fallbacks can then be removed.
"""

import math
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# No ambiguous glyphs: no 0/O/o, 1/l/I/i, 5/S, 2/Z, 8/B, U/V.
PROVISIONAL_ALPHABET = "ACDEFGHJKLMNPQRTWXY34679"
PROVISIONAL_LENGTH = 11
assert PROVISIONAL_LENGTH * math.log2(len(PROVISIONAL_ALPHABET)) >= 50


def generate_provisional_password() -> str:
    return "".join(secrets.choice(PROVISIONAL_ALPHABET) for _ in range(PROVISIONAL_LENGTH))


@lru_cache(maxsize=4)
def _fernet(*keys: str) -> MultiFernet:
    """Encrypts with the first key, decrypts with any of them."""
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys() -> tuple[str, ...]:
    return (settings.EDUCONNECT_ENCRYPTION_KEY, *getattr(settings, "EDUCONNECT_ENCRYPTION_KEY_FALLBACKS", ()))


def encrypt(plaintext: str) -> str:
    return _fernet(*_keys()).encrypt(plaintext.encode()).decode()


def rotate(token: str) -> str:
    """The same plaintext encrypted with the current key (from a token of any configured key)."""
    try:
        return _fernet(*_keys()).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("value cannot be decrypted with the configured keys") from exc


def decrypt(token: str) -> str:
    try:
        return _fernet(*_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or altered value: never show garbage
        raise ValueError("provisional password cannot be decrypted with the configured key") from exc
