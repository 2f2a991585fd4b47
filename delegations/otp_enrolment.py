"""Who may enrol a second factor, and the activation codes that open enrolment from the extranet.

A password alone never reaches the enrolment (PRODUCT.md, « Second factor »). Enrolment is open:
- from the intranet (the establishment's network, `educonnect.network.is_intranet`);
- to a session already verified with the person's current device (replacing it);
- to a session that redeemed an activation code in the last 15 minutes (first enrolment, or a
  lost phone: the new device then replaces the old one). A code is single-use,
  expires after `CODE_VALIDITY`, dies when a newer one is issued or after `EnrolmentCode.MAX_FAILURES`
  wrong attempts; it is issued by the head in DELEG-CE or by the operator command
  (`manage.py otp_enrolment_code`), shown once, stored as a salted hash. Issuing and redeeming are
  audit events (the code itself never is).
"""

import datetime
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from educonnect import audit
from educonnect.models import AuditAction
from educonnect.network import is_intranet
from educonnect.otp import has_confirmed_device, is_otp_verified

from .models import EnrolmentCode, User
from .otp_codes import ALPHABET

CODE_LENGTH = 12  # 12 × log2(31) ≈ 59 bits, and 5 attempts per code
CODE_VALIDITY = datetime.timedelta(hours=48)
GRANT_LIFETIME = datetime.timedelta(minutes=15)
GRANT_SESSION_KEY = "otp_enrolment_grant"


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(typed) -> str:
    code = "".join(ch for ch in str(typed or "") if ch.isalnum()).upper()
    return code if len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code) else ""


def _live(user: User):
    return EnrolmentCode.objects.filter(
        user=user,
        used_at__isnull=True,
        voided_at__isnull=True,
        expires_at__gt=timezone.now(),
        failures__lt=EnrolmentCode.MAX_FAILURES,
    )


@transaction.atomic
def enrolment_code_issue(*, user: User, actor=None, actor_label: str = "", establishment=None, request=None) -> str:
    """A new activation code for `user` (returned in clear, to show once); the person's former live
    codes are voided."""
    now = timezone.now()
    _live(user).update(voided_at=now)
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    issued = EnrolmentCode.objects.create(
        user=user,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        establishment=establishment,
        code_hash=make_password(code),
        expires_at=now + CODE_VALIDITY,
    )
    audit.record(
        action=AuditAction.OTP_ENROLMENT_CODE_ISSUED,
        actor=actor,
        actor_label=actor_label,
        establishment=establishment,
        target=user,
        request=request,
        details={"code_id": issued.pk, "expires_at": issued.expires_at.isoformat()},
    )
    return format_code(code)


def enrolment_code_redeem(*, user: User, code: str, request) -> bool:
    """True (and the session may enrol for 15 minutes) when `code` is one of the person's live codes,
    which is then used up. A wrong code counts against every live code of the person."""
    typed = normalise_code(code)
    with transaction.atomic():
        candidates = list(_live(user).select_for_update())
        match = next((c for c in candidates if typed and check_password(typed, c.code_hash)), None)
        if not candidates:
            make_password(typed)  # the same work whether or not a code exists
        if match is None:
            _live(user).update(failures=F("failures") + 1)
            audit.record(
                action=AuditAction.OTP_FAILED,
                actor=user,
                target=user,
                request=request,
                details={"step": "activation_code", "live_codes": len(candidates)},
            )
            return False
        match.used_at = timezone.now()
        match.save(update_fields=["used_at"])
        audit.record(
            action=AuditAction.OTP_ENROLMENT_CODE_USED,
            actor=user,
            establishment=match.establishment,
            target=user,
            request=request,
            details={"code_id": match.pk},
        )
    request.session[GRANT_SESSION_KEY] = (timezone.now() + GRANT_LIFETIME).isoformat()
    return True


def _granted(request) -> bool:
    until = parse_datetime(request.session.get(GRANT_SESSION_KEY) or "")
    return until is not None and timezone.now() < until


def end_grant(request) -> None:
    request.session.pop(GRANT_SESSION_KEY, None)


def may_enrol(request) -> bool:
    """May this session see an enrolment secret?"""
    if _granted(request):  # an activation code: first enrolment, or a lost phone
        return True
    user = request.user
    if has_confirmed_device(user):
        return is_otp_verified(user)  # otherwise replacing a device needs that device first
    return is_intranet(request)
