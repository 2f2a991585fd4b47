"""Brute-force counters for sign-in forms (staff portal, end-user side), cache-backed.

Two counters per scope: one per normalised username (« BOB », « bob » and « bob  » share it),
counting failures, and one per client IP, counting the *distinct* usernames that failed from it.
Reaching a limit within the window locks that key for `lockout` seconds. The caller shows the same
message whether the account is locked, unknown or the password wrong.

Why distinct usernames per IP: a whole school (or a town's families behind one operator's NAT)
shares one public address. Counting every failure there would let a few parents mistyping their
own password lock everybody else; counting distinct usernames still stops what the IP limit is for
— one client spraying passwords over many accounts — while each account's own limit stops guessing
on one account. A username failing again from the same IP within the window is not counted twice
by the IP counter.

    limiter = Limiter("staff")
    if limiter.is_locked(username=name, ip=ip): ...
    limiter.register_failure(username=name, ip=ip)
    limiter.reset(username=name)          # after a successful sign-in

Counters live in the default cache: use a shared cache (REDIS_URL) when running several processes.
"""

import hashlib
import unicodedata
from dataclasses import dataclass

from django.core.cache import cache


def normalise_username(username: str | None) -> str:
    """The key a username is counted under: NFKC, surrounding spaces stripped, case folded."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Limiter:
    scope: str
    username_limit: int = 5
    ip_limit: int = 20
    window: int = 15 * 60  # seconds during which failures add up
    lockout: int = 15 * 60  # seconds a key stays locked once its limit is reached

    def _user_key(self, name: str) -> str:
        return f"ratelimit:{self.scope}:user:{_digest(name)}"

    def _ip_key(self, ip: str) -> str:
        return f"ratelimit:{self.scope}:ip:{_digest(ip)}"

    def _keys(self, username: str | None, ip: str | None) -> list[tuple[str, int]]:
        keys = []
        name = normalise_username(username)
        # An empty username is never counted: it would lock nobody but pollute one shared key.
        if name:
            keys.append((self._user_key(name), self.username_limit))
        if ip:
            keys.append((self._ip_key(ip), self.ip_limit))
        return keys

    def is_locked(self, *, username: str | None = None, ip: str | None = None) -> bool:
        keys = [f"{key}:locked" for key, _ in self._keys(username, ip)]
        return any(cache.get_many(keys).values()) if keys else False

    def register_failure(self, *, username: str | None = None, ip: str | None = None) -> bool:
        """Count one failure; returns True when this failure locked the username or the IP."""
        name = normalise_username(username)
        locked = False
        if name:
            locked |= self._count(self._user_key(name), self.username_limit)
        if ip:
            # The IP counts a username once per window (`add` is atomic on Redis and locmem).
            first_time = not name or cache.add(f"{self._ip_key(ip)}:seen:{_digest(name)}", True, timeout=self.window)
            if first_time:
                locked |= self._count(self._ip_key(ip), self.ip_limit)
        return locked

    def _count(self, key: str, limit: int) -> bool:
        cache.add(key, 0, timeout=self.window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.window)
            count = 1
        if count >= limit:
            cache.set(f"{key}:locked", True, timeout=self.lockout)
            cache.delete(key)
            return True
        return False

    def failures(self, *, username: str | None = None, ip: str | None = None) -> int:
        """Current count of the username's failures (or of the IP's distinct usernames when no
        username is given)."""
        keys = self._keys(username, None if username else ip)
        return int(cache.get(keys[0][0], 0)) if keys else 0

    def reset(self, *, username: str | None = None, ip: str | None = None) -> None:
        """Forget the counters and locks of the given username and/or IP."""
        for key, _ in self._keys(username, ip):
            cache.delete_many([key, f"{key}:locked"])


staff_signin_limiter = Limiter("staff-signin")
