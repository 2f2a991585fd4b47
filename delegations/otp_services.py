"""Second factor: TOTP enrolment, hashed backup codes, verification (django-otp underneath).

Verification goes through `django_otp.verify_token`, which loads the device with
`select_for_update()` inside a transaction: django-otp's throttling (`verify_is_allowed`, delays
factor·2^(n−1) s) and the TOTP replay guard (`last_t`) hold even for concurrent attempts.
"""

import base64
import binascii
from dataclasses import dataclass

import django_otp
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from educonnect import audit
from educonnect.models import AuditAction

from .models import BackupCode, BackupCodeDevice, User
from .otp_codes import (
    BACKUP_CODES_COUNT,
    format_backup_code,
    generate_backup_code,
    looks_like_backup_code,
    normalise_backup_code,
    selector_of,
)

TOTP_DEVICE_NAME = "Application d'authentification"
PENDING_DEVICE_NAME = "Enrôlement en cours"


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret, as typed into an authenticator application."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def _hex_key_from_base32(secret: str) -> str:
    cleaned = "".join(secret.split()).upper()
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        return base64.b32decode(cleaned).hex()
    except (binascii.Error, ValueError):
        raise ValueError("secret TOTP invalide (base32 attendu)") from None


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def otp_enrol_totp(user: User, secret: str | None = None, *, actor_label: str = "commande") -> str:
    """Give `user` a confirmed TOTP device and return its base32 secret (demo seeding, operators).
    Idempotent: without `secret`, an existing confirmed device is kept and its secret returned;
    with `secret`, the user ends up with exactly that device."""
    existing = confirmed_totp_device(user)
    if secret is None and existing is not None:
        return totp_secret(existing)
    key = _hex_key_from_base32(secret) if secret else None
    if existing is not None and existing.key == key:
        return totp_secret(existing)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name=TOTP_DEVICE_NAME, confirmed=True, **({"key": key} if key else {})
    )
    audit.record(action=AuditAction.OTP_ENROLLED, actor_label=actor_label, target=user, details={"by": "command"})
    return totp_secret(device)


@transaction.atomic
def otp_pending_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device of an enrolment in progress (created once, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=PENDING_DEVICE_NAME, confirmed=False)


def backup_codes_regenerate(*, user: User) -> list[str]:
    """A new set of single-use backup codes, replacing the old one. Returns them in clear, once;
    only their hashes are stored. Call inside a transaction."""
    BackupCodeDevice.objects.filter(user=user).delete()
    device = BackupCodeDevice.objects.create(user=user, name="Codes de secours", confirmed=True)
    codes = [generate_backup_code() for _ in range(BACKUP_CODES_COUNT)]
    BackupCode.objects.bulk_create(
        BackupCode(device=device, selector=selector_of(code), code_hash=make_password(code)) for code in codes
    )
    return [format_backup_code(code) for code in codes]


@dataclass
class Verification:
    device: object | None = None
    throttled_until: object | None = None  # set when refused because django-otp's delay was running

    @property
    def ok(self) -> bool:
        return self.device is not None


def _throttled_until(device) -> object | None:
    allowed, data = device.verify_is_allowed()
    return None if allowed else (data or {}).get("locked_until") or timezone.now()


def otp_confirm_enrolment(*, user: User, device: TOTPDevice, token: str, request=None) -> list[str] | None:
    """Check the first code of a new device; on success it replaces the user's former devices and a
    fresh set of backup codes is returned (to show once). None on a wrong or throttled code."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        if not device.verify_token(token):
            audit.record(
                action=AuditAction.OTP_FAILED, actor=user, target=user, request=request, details={"step": "enrolment"}
            )
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.name = TOTP_DEVICE_NAME
        device.save(update_fields=["confirmed", "name"])
        codes = backup_codes_regenerate(user=user)
        audit.record(action=AuditAction.OTP_ENROLLED, actor=user, target=user, request=request)
    return codes


def otp_verify(*, user: User, token: str, request=None) -> Verification:
    """Verify a TOTP code or a backup code against the user's own devices."""
    token = (token or "").strip()
    if looks_like_backup_code(token):
        device = BackupCodeDevice.objects.filter(user=user, confirmed=True).first()
        token = normalise_backup_code(token)
    else:
        device = confirmed_totp_device(user)
        token = "".join(token.split())
    if device is None:
        audit.record(action=AuditAction.OTP_FAILED, actor=user, target=user, request=request, details={"device": None})
        return Verification()
    kind = "backup_code" if isinstance(device, BackupCodeDevice) else "totp"
    until = _throttled_until(device)
    if until is not None:
        # Still inside django-otp's delay: even a good code is refused, and not counted again.
        audit.record(
            action=AuditAction.OTP_FAILED,
            actor=user,
            target=user,
            request=request,
            details={"device": kind, "throttled": True, "failures": device.throttling_failure_count},
        )
        return Verification(throttled_until=until)
    verified = django_otp.verify_token(user, device.persistent_id, token)
    if verified is None:
        device.refresh_from_db()
        audit.record(
            action=AuditAction.OTP_FAILED,
            actor=user,
            target=user,
            request=request,
            details={"device": kind, "failures": device.throttling_failure_count},
        )
        return Verification()
    audit.record(action=AuditAction.OTP_VERIFIED, actor=user, target=user, request=request, details={"device": kind})
    return Verification(device=verified)


def remaining_backup_codes(user: User) -> int:
    return BackupCode.objects.filter(device__user=user, used_at__isnull=True).count()
