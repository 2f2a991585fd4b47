"""Provisional passwords: generation and encryption at rest.

A provisional password is shown and printed by staff while it is provisional, so it is stored
encrypted (Fernet, key EDUCONNECT_ENCRYPTION_KEY), never hashed, never logged.
"""

import math
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

# No ambiguous glyphs: no 0/O/o, 1/l/I/i, 5/S, 2/Z, 8/B, U/V.
PROVISIONAL_ALPHABET = "ACDEFGHJKLMNPQRTWXY34679"
PROVISIONAL_LENGTH = 11
assert PROVISIONAL_LENGTH * math.log2(len(PROVISIONAL_ALPHABET)) >= 50


def generate_provisional_password() -> str:
    return "".join(secrets.choice(PROVISIONAL_ALPHABET) for _ in range(PROVISIONAL_LENGTH))


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(plaintext: str) -> str:
    return _fernet(settings.EDUCONNECT_ENCRYPTION_KEY).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.EDUCONNECT_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or altered value: never show garbage
        raise ValueError("provisional password cannot be decrypted with the configured key") from exc
