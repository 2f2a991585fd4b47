"""Writing audit events. Call inside the service's transaction."""

from typing import Any

from .models import AuditAction, AuditEvent
from .network import client_ip

# Keys that must never reach the journal, whatever a caller passes.
FORBIDDEN_DETAIL_KEYS = {"password", "provisional_password", "new_password", "token", "secret", "otp"}


def record(
    *,
    action: AuditAction | str,
    actor=None,
    actor_label: str = "",
    establishment=None,
    target=None,
    target_label: str = "",
    request=None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    details = dict(details or {})
    leaked = FORBIDDEN_DETAIL_KEYS & set(details)
    if leaked:
        raise ValueError(f"audit details may not hold secrets: {sorted(leaked)}")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    return AuditEvent.objects.create(
        action=str(action),
        actor=actor,
        actor_label=actor_label[:200],
        establishment=establishment,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:200],
        ip_address=client_ip(request) or None if request is not None else None,
        details=details,
    )
