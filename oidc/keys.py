"""The identity provider's RS256 signing keys, read by educonnect/settings.py (no Django import).

The active key comes from EDUCONNECT_OIDC_PRIVATE_KEY (the PEM text) or
EDUCONNECT_OIDC_PRIVATE_KEY_FILE (a path). EDUCONNECT_OIDC_PREVIOUS_KEY_FILES (comma-separated
paths) lists keys retired by a rotation: they are still published in the JWKS, so ID tokens
signed before the rotation keep verifying (docs/oidc.md, « Key rotation »). Outside production,
with nothing configured, a key is generated once into var/oidc-signing-key.pem.
"""

import os
from pathlib import Path

DEV_KEY_NAME = "oidc-signing-key.pem"


def _read(path: str) -> str:
    return Path(path).expanduser().read_text()


def generate_private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def development_key(var_dir: Path) -> str:
    """The demo's key: var/oidc-signing-key.pem, created (atomically, mode 600) when missing."""
    path = Path(var_dir) / DEV_KEY_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(generate_private_key_pem())
        tmp.chmod(0o600)
        os.replace(tmp, path)
    return path.read_text()


def active_key(environ, *, var_dir: Path, production: bool) -> str:
    """The PEM of the signing key, or "" in production when none is configured (the system check
    oidc.E001 and the settings then refuse to start)."""
    if environ.get("EDUCONNECT_OIDC_PRIVATE_KEY"):
        return environ["EDUCONNECT_OIDC_PRIVATE_KEY"].replace("\\n", "\n")
    if environ.get("EDUCONNECT_OIDC_PRIVATE_KEY_FILE"):
        return _read(environ["EDUCONNECT_OIDC_PRIVATE_KEY_FILE"])
    return "" if production else development_key(var_dir)


def previous_keys(environ) -> list[str]:
    files = [f.strip() for f in environ.get("EDUCONNECT_OIDC_PREVIOUS_KEY_FILES", "").split(",") if f.strip()]
    return [_read(f) for f in files]
