"""Idempotency keys: a form that acts once (« Informer », « (Re)notifier », password resets) carries a
hidden key minted when the page was shown (`{% idempotency_field %}`, educonnect_tags). The action
records the key in its own transaction (`claim`):

- the same form submitted twice (double click, resent tab): the second submission waits on the
  first one's row, then finds the key and replays the first result instead of acting again;
- two forms on the same accounts (two tabs, two staff): the key also says when the page was shown
  (`Key.issued_at`); the action, holding the accounts' row locks, treats an account changed by
  someone else since then as « déjà fait ».

The key is signed (it cannot be forged to an arbitrary date) and valid for MAX_AGE.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.core import signing
from django.db import IntegrityError, transaction

from .models import IdempotencyKey

FIELD = "idempotency_key"
SALT = "educonnect.idempotency"
MAX_AGE = datetime.timedelta(hours=12)


@dataclass(frozen=True)
class Key:
    value: uuid.UUID
    issued_at: datetime.datetime


@dataclass
class Claim:
    key: Key
    replay: bool  # True: an earlier submission of this form already acted
    result: dict = field(default_factory=dict)


def mint() -> str:
    """A new signed key for a form (the page shown now). The signed value carries the time to the
    microsecond: the signer's own stamp is whole seconds, and an account notified earlier in the
    same second as the page was shown must not count as changed « since »."""
    now = datetime.datetime.now(tz=datetime.UTC)
    shown = int(now.timestamp()) * 1_000_000 + now.microsecond
    return signing.TimestampSigner(salt=SALT).sign(f"{uuid.uuid4()}.{shown}")


def read(raw: str | None) -> Key | None:
    """The key a form posted back; None when absent, altered or too old."""
    if not raw:
        return None
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(raw, max_age=MAX_AGE)
        key, _, shown = value.partition(".")
        if shown:
            seconds, microseconds = divmod(int(shown), 1_000_000)
            issued_at = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).replace(microsecond=microseconds)
        else:  # a form shown before keys carried microseconds: the signer's whole second
            _, stamp, _ = raw.rsplit(signer.sep, 2)
            issued_at = datetime.datetime.fromtimestamp(signing.b62_decode(stamp), tz=datetime.UTC)
        return Key(uuid.UUID(key), issued_at)
    except (signing.BadSignature, ValueError):
        return None


def from_request(request) -> Key | None:
    return read(request.POST.get(FIELD)) if request is not None else None


def claim(key: Key, *, scope: str, actor) -> Claim:
    """Record `key` inside the caller's transaction. If it was already recorded for this actor and
    scope — by a committed earlier submission, or by a concurrent one that commits while this one
    waits — the answer is a replay carrying the first submission's result. Raises PermissionError
    when the key was used by someone else or for another action (a forged or copied form)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() belongs in the transaction of the action it guards")
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(key=key.value, scope=scope, actor=actor)
    except IntegrityError:
        row = IdempotencyKey.objects.get(key=key.value)
        if row.actor_id != actor.pk or row.scope != scope:
            raise PermissionError("idempotency key of another action") from None
        return Claim(key, replay=True, result=row.result)
    return Claim(key, replay=False)


def remember(claim: Claim, result: dict) -> None:
    """Store what a replay must show (URLs, ids — never a password)."""
    IdempotencyKey.objects.filter(key=claim.key.value).update(result=result)


def purge(*, now=None) -> int:
    """Forget keys older than MAX_AGE (they can no longer be posted back)."""
    from django.utils import timezone

    limit = (now or timezone.now()) - MAX_AGE
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=limit).delete()
    return deleted
