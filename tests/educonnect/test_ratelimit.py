"""Brute-force counters (educonnect.ratelimit): username variants share a counter, IPs count apart."""

import pytest
from django.core.cache import cache

from educonnect.ratelimit import Limiter, normalise_username


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_normalise_username_folds_case_and_surrounding_spaces():
    assert normalise_username("  Bob ") == normalise_username("BOB") == normalise_username("bob") == "bob"
    assert normalise_username(None) == ""


def test_username_variants_share_one_counter():
    limiter = Limiter("t", username_limit=3, ip_limit=100)
    limiter.register_failure(username="BOB", ip="10.0.0.1")
    limiter.register_failure(username=" bob ", ip="10.0.0.2")
    assert not limiter.is_locked(username="bob", ip="10.0.0.9")
    assert limiter.register_failure(username="Bob\t", ip="10.0.0.3") is True
    for variant in ["bob", "BOB", " bob", "bob "]:
        assert limiter.is_locked(username=variant, ip="10.0.0.42")
    assert not limiter.is_locked(username="alice", ip="10.0.0.42")


def test_ip_counter_locks_every_username_from_that_ip():
    limiter = Limiter("t", username_limit=100, ip_limit=3)
    for name in ["a", "b", "c"]:
        limiter.register_failure(username=name, ip="192.0.2.7")
    assert limiter.is_locked(username="zoe", ip="192.0.2.7")
    assert not limiter.is_locked(username="zoe", ip="192.0.2.8")


def test_empty_username_is_not_counted():
    """Regression (django-axes #261): an empty username must not build a shared lock."""
    limiter = Limiter("t", username_limit=1, ip_limit=100)
    limiter.register_failure(username="", ip="192.0.2.1")
    limiter.register_failure(username="   ", ip="192.0.2.2")
    assert not limiter.is_locked(username="", ip="192.0.2.3")


def test_reset_clears_the_username_counter_and_lock():
    limiter = Limiter("t", username_limit=2, ip_limit=100)
    limiter.register_failure(username="bob", ip="192.0.2.1")
    assert limiter.failures(username="bob") == 1
    limiter.register_failure(username="bob", ip="192.0.2.1")
    assert limiter.is_locked(username="bob")
    limiter.reset(username="BOB")
    assert not limiter.is_locked(username="bob")
    assert limiter.failures(username="bob") == 0


def test_scopes_are_independent():
    staff, enduser = Limiter("staff", username_limit=1), Limiter("enduser", username_limit=1)
    staff.register_failure(username="bob")
    assert staff.is_locked(username="bob")
    assert not enduser.is_locked(username="bob")


def test_lock_expires_with_the_cache_timeout(monkeypatch):
    limiter = Limiter("t", username_limit=1, lockout=60)
    calls = []
    real_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, value, timeout=None: calls.append(timeout) or real_set(key, value, timeout)
    )
    limiter.register_failure(username="bob")
    assert 60 in calls


def test_the_ip_counter_counts_distinct_usernames_not_failures():
    """A school behind one NAT address: the same identifiers failing again do not add up."""
    limiter = Limiter("t", username_limit=100, ip_limit=3)
    for _ in range(10):
        limiter.register_failure(username="alice", ip="192.0.2.7")
        limiter.register_failure(username="ALICE ", ip="192.0.2.7")  # the same identifier
        limiter.register_failure(username="bob", ip="192.0.2.7")
    assert limiter.failures(ip="192.0.2.7") == 2
    assert not limiter.is_locked(username="carol", ip="192.0.2.7")
    assert limiter.register_failure(username="carol", ip="192.0.2.7") is True  # a third identifier
    assert limiter.is_locked(username="dave", ip="192.0.2.7")
