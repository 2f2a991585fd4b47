"""Writing audit events. Call inside the service's transaction."""

from typing import Any

from .models import AuditAction, AuditEvent
from .network import client_ip

# Keys that must never reach the journal, whatever a caller passes.
FORBIDDEN_DETAIL_KEYS = {"password", "provisional_password", "new_password", "token", "secret", "otp"}


def build(
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
    """The event, not yet saved (for `record_many`); refuses secrets in `details`."""
    details = dict(details or {})
    leaked = FORBIDDEN_DETAIL_KEYS & set(details)
    if leaked:
        raise ValueError(f"audit details may not hold secrets: {sorted(leaked)}")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    return AuditEvent(
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


def record(**fields) -> AuditEvent:
    """Write one event (same keyword arguments as `build`)."""
    event = build(**fields)
    event.save()
    return event


def record_many(events: list[AuditEvent]) -> None:
    """Write the events built with `build` in a few INSERTs (bulk actions: one row per account)."""
    AuditEvent.objects.bulk_create(events, batch_size=500)
