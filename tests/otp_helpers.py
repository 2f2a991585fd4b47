"""Computing TOTP codes from a base32 secret, as the person's phone would."""

import base64

from django_otp.oath import totp


def totp_code(secret: str, drift: int = 0) -> str:
    """The current code (drift=1: the next step's, accepted with the default tolerance of 1)."""
    cleaned = "".join(secret.split()).upper()
    key = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    return f"{totp(key, drift=drift):06d}"
