"""Two concurrent verifications of the same TOTP code: exactly one succeeds (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from delegations.otp_services import otp_enrol_totp, otp_verify
from tests.factories import UserFactory
from tests.otp_helpers import totp_code

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (select_for_update) need PostgreSQL"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_same_code_verified_twice_at_once_succeeds_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(username="concurrent.head")
    secret = otp_enrol_totp(user)
    code = totp_code(secret)
    barrier = threading.Barrier(4)
    results = []

    def attempt():
        try:
            barrier.wait()
            results.append(otp_verify(user=user, token=code).ok)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
