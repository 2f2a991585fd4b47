"""System checks of the identity provider: the signing key must be there and usable."""

from django.core import checks


def register_checks() -> None:
    checks.register(signing_key_check, checks.Tags.security)


def signing_key_check(app_configs, **kwargs):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.conf import settings

    errors = []
    provider = settings.OAUTH2_PROVIDER
    keys = [("EDUCONNECT_OIDC_PRIVATE_KEY", provider.get("OIDC_RSA_PRIVATE_KEY", ""))]
    keys += [("EDUCONNECT_OIDC_PREVIOUS_KEY_FILES", pem) for pem in provider.get("OIDC_RSA_PRIVATE_KEYS_INACTIVE", [])]
    for name, pem in keys:
        if not pem:
            errors.append(
                checks.Error(
                    "The OpenID Connect signing key is missing.",
                    hint="Set EDUCONNECT_OIDC_PRIVATE_KEY_FILE (or EDUCONNECT_OIDC_PRIVATE_KEY); see docs/oidc.md.",
                    id="oidc.E001",
                )
            )
            continue
        try:
            key = serialization.load_pem_private_key(pem.encode(), password=None)
        except (ValueError, TypeError):
            key = None
        if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
            errors.append(
                checks.Error(
                    f"{name}: not an unencrypted RSA private key of 2048 bits or more (PEM).",
                    hint="Make one with: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072",
                    id="oidc.E002",
                )
            )
    return errors
