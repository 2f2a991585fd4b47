"""Staff sign-in: password check behind the brute-force counters, with no user enumeration.

Unknown user, wrong password and locked account all give the same answer (None); the caller shows
one message. The same Argon2 work runs in every case: Django's ModelBackend hashes the password for
unknown users, and a locked attempt hashes it too.
"""

from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password

from educonnect import audit
from educonnect.models import AuditAction
from educonnect.network import client_ip
from educonnect.ratelimit import normalise_username, staff_signin_limiter

from .models import User

SIGNIN_FAILED_MESSAGE = "Identifiant ou mot de passe incorrect, ou compte temporairement bloqué."


def _canonical_username(name: str) -> str:
    """The stored username matching the normalised one (usernames are case-insensitive here)."""
    return User.objects.filter(username__iexact=name).values_list("username", flat=True).first() or name


def authenticate_staff(request, *, username: str, password: str) -> User | None:
    name = normalise_username(username)
    ip = client_ip(request)
    if not name:
        make_password(password)
        return None
    if staff_signin_limiter.is_locked(username=name, ip=ip):
        make_password(password)
        _failed(request, name, reason="locked")
        return None
    user = authenticate(request, username=_canonical_username(name), password=password)
    if user is None:
        locked_now = staff_signin_limiter.register_failure(username=name, ip=ip)
        _failed(request, name, reason="invalid", locked_now=locked_now)
        return None
    staff_signin_limiter.reset(username=name)
    audit.record(action=AuditAction.STAFF_LOGIN, actor=user, target=user, request=request)
    return user


def _failed(request, name: str, *, reason: str, locked_now: bool = False) -> None:
    details = {"username": name[:150], "reason": reason}
    if locked_now:
        details["locked_now"] = True
    audit.record(action=AuditAction.STAFF_LOGIN_FAILED, actor_label=name[:150], request=request, details=details)
