"""Second factor: TOTP enrolment, hashed backup codes, verification (django-otp underneath).

Verification goes through `django_otp.verify_token`, which loads the device with
`select_for_update()` inside a transaction: django-otp's throttling (`verify_is_allowed`, delays
factor·2^(n−1) s) and the TOTP replay guard (`last_t`) hold even for concurrent attempts.
"""

import base64
import binascii
import datetime
import logging
from dataclasses import dataclass

import django_otp
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
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

logger = logging.getLogger(__name__)

TOTP_DEVICE_NAME = "Application d'authentification"
PENDING_DEVICE_NAME = "Enrôlement en cours"
# A pending (unconfirmed) device belongs to the session that opened the enrolment page, for 15 min.
PENDING_DEVICE_LIFETIME = datetime.timedelta(minutes=15)
PENDING_SESSION_KEY = "otp_pending_device"
FACTOR_ADDED_SUBJECT = "ÉduConnect : un second facteur a été ajouté à votre compte"


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


def _record_removed(user: User, removed: int, *, actor=None, actor_label: str = "", request=None) -> None:
    if removed:
        audit.record(
            action=AuditAction.OTP_REMOVED,
            actor=actor,
            actor_label=actor_label,
            target=user,
            request=request,
            details={"devices": removed},
        )


def _mail_factor_added(user_id: int) -> None:
    """Tell the staff member a factor was added (sent after commit; a mail failure is logged and
    never undoes the enrolment)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return
    body = render_to_string(
        "emails/otp_added.txt", {"user": user, "when": timezone.localtime(), "site_url": settings.EDUCONNECT_SITE_URL}
    )
    try:
        EmailMessage(FACTOR_ADDED_SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
    except Exception:  # the SMTP server is outside our hands; the enrolment stands
        logger.exception("otp factor-added mail failed user_id=%s", user_id)
    else:
        logger.info("otp factor-added mail sent user_id=%s", user_id)


def _tell_factor_added(user: User) -> None:
    if user.email:
        transaction.on_commit(lambda: _mail_factor_added(user.pk))


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
    removed, _ = TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    TOTPDevice.objects.filter(user=user).delete()
    _record_removed(user, removed, actor_label=actor_label)
    device = TOTPDevice.objects.create(
        user=user, name=TOTP_DEVICE_NAME, confirmed=True, **({"key": key} if key else {})
    )
    audit.record(action=AuditAction.OTP_ENROLLED, actor_label=actor_label, target=user, details={"by": "command"})
    _tell_factor_added(user)
    return totp_secret(device)


@transaction.atomic
def otp_remove(user: User, *, actor=None, actor_label: str = "", request=None) -> int:
    """Remove every second factor of `user` (TOTP devices and backup codes); audited. The person then
    enrols again from the intranet or with an activation code."""
    removed, _ = TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    TOTPDevice.objects.filter(user=user).delete()
    backup, _ = BackupCodeDevice.objects.filter(user=user).delete()
    _record_removed(user, removed + bool(backup), actor=actor, actor_label=actor_label, request=request)
    return removed


def _pending_cutoff():
    return timezone.now() - PENDING_DEVICE_LIFETIME


@transaction.atomic
def otp_pending_device(*, user: User, request) -> TOTPDevice:
    """The unconfirmed device of the enrolment in progress in this session (the same one on reload,
    for 15 minutes). Another session, or the same one after 15 minutes, gets a new secret; expired
    pending devices of the user are dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False, created_at__lt=_pending_cutoff()).delete()
    device_id = request.session.get(PENDING_SESSION_KEY)
    device = (
        TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first() if device_id is not None else None
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=PENDING_DEVICE_NAME, confirmed=False)
        request.session[PENDING_SESSION_KEY] = device.pk
        audit.record(action=AuditAction.OTP_ENROLMENT_STARTED, actor=user, target=user, request=request)
    return device


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


def otp_confirm_enrolment(*, user: User, token: str, request) -> tuple[TOTPDevice, list[str]] | None:
    """Check the first code of this session's pending device; on success it replaces the user's former
    devices (and every other pending one), and a fresh set of backup codes is returned (to show
    once), with the device. None on a wrong code, or when this session has no live pending device."""
    device_id = request.session.get(PENDING_SESSION_KEY)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device_id, user=user, confirmed=False, created_at__gte=_pending_cutoff())
            .first()
            if device_id is not None
            else None
        )
        if device is None or not device.verify_token(token):
            details = {"step": "enrolment"} if device is not None else {"step": "enrolment", "pending": None}
            audit.record(action=AuditAction.OTP_FAILED, actor=user, target=user, request=request, details=details)
            return None
        removed, _ = TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        _record_removed(user, removed, actor=user, request=request)
        device.confirmed = True
        device.name = TOTP_DEVICE_NAME
        device.save(update_fields=["confirmed", "name"])
        codes = backup_codes_regenerate(user=user)
        audit.record(action=AuditAction.OTP_ENROLLED, actor=user, target=user, request=request)
        _tell_factor_added(user)
    request.session.pop(PENDING_SESSION_KEY, None)
    return device, codes


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
    if kind == "backup_code":
        audit.record(
            action=AuditAction.OTP_BACKUP_CODE_USED,
            actor=user,
            target=user,
            request=request,
            details={"left": remaining_backup_codes(user)},
        )
    return Verification(device=verified)


def remaining_backup_codes(user: User) -> int:
    return BackupCode.objects.filter(device__user=user, used_at__isnull=True).count()
