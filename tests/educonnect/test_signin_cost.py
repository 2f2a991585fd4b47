"""Sign-in cost (issue 16 item 8): Argon2id with OWASP's parameters, hashes upgraded at the next
sign-in, one hash per attempt whatever its outcome, and a per-IP limit that a school's NAT survives."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password
from django.core.cache import cache
from django.urls import reverse

from accounts.enduser import credentials
from accounts.enduser.views import signin_limiter
from accounts.models import Account
from educonnect.hashers import Argon2idHasher
from tests.factories import CHOSEN_PASSWORD, DEMO_PASSWORD, AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


class OldArgon2Hasher(Argon2PasswordHasher):
    """Stands for hashes stored before this change (other parameters, same « argon2 » algorithm)."""

    time_cost = 1
    memory_cost = 256
    parallelism = 2


OLD_PARAMS = "m=256,t=1,p=2"
NEW_PARAMS = "m=19456,t=2,p=1"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _old_hash(password: str) -> str:
    encoded = OldArgon2Hasher().encode(password, OldArgon2Hasher().salt())
    assert OLD_PARAMS in encoded
    return encoded


def test_the_configured_hasher_is_argon2id_with_owasp_parameters():
    hasher = get_hasher("default")
    assert isinstance(hasher, Argon2idHasher)
    encoded = make_password("Un-mot-de-passe-2026")
    assert encoded.startswith(f"argon2$argon2id$v=19${NEW_PARAMS}$")


def test_a_staff_hash_with_old_parameters_is_upgraded_at_the_next_sign_in(client):
    user = UserFactory(username="agent.ancien")
    user.password = _old_hash(DEMO_PASSWORD)
    user.save(update_fields=["password"])

    client.post("/connexion/", {"username": "agent.ancien", "password": "mauvais-mot-de-passe"})
    user.refresh_from_db()
    assert OLD_PARAMS in user.password  # a wrong password upgrades nothing

    response = client.post("/connexion/", {"username": "agent.ancien", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(f"argon2$argon2id$v=19${NEW_PARAMS}$")
    assert user.check_password(DEMO_PASSWORD)


def test_a_family_hash_with_old_parameters_is_upgraded_at_the_next_sign_in(client):
    account = AccountFactory(activated=True, password_hash=_old_hash(CHOSEN_PASSWORD))
    login = reverse("enduser:login")

    client.post(login, {"identifier": account.identifier, "password": "mauvais-mot-de-passe"})
    account.refresh_from_db()
    assert OLD_PARAMS in account.password_hash

    response = client.post(login, {"identifier": account.identifier, "password": CHOSEN_PASSWORD})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.password_hash.startswith(f"argon2$argon2id$v=19${NEW_PARAMS}$")
    # The upgraded hash still opens the account.
    client.post(reverse("enduser:logout"))
    assert client.post(login, {"identifier": account.identifier, "password": CHOSEN_PASSWORD}).status_code == 302


@pytest.fixture
def hash_calls(monkeypatch):
    """Counts Argon2 computations (verifications and new hashes)."""
    calls = []
    real_verify, real_encode = Argon2idHasher.verify, Argon2idHasher.encode
    monkeypatch.setattr(Argon2idHasher, "verify", lambda self, *a: calls.append("verify") or real_verify(self, *a))
    monkeypatch.setattr(Argon2idHasher, "encode", lambda self, *a: calls.append("encode") or real_encode(self, *a))
    return calls


def test_every_family_sign_in_attempt_costs_exactly_one_hash(client, hash_calls):
    credentials._dummy_hash()  # made once per process, at the first unknown identifier
    activated = AccountFactory(activated=True)
    provisional = AccountFactory(informed=True)
    login = reverse("enduser:login")
    attempts = {
        "unknown identifier": (f"inconnu.{activated.identifier}", CHOSEN_PASSWORD),
        "wrong password": (activated.identifier, "mauvais-mot-de-passe"),
        "wrong provisional password": (provisional.identifier, "ABCDEFGHJKL"),
        "right password": (activated.identifier, CHOSEN_PASSWORD),
    }
    for label, (identifier, password) in attempts.items():
        client.cookies.clear()
        hash_calls.clear()
        client.post(login, {"identifier": identifier, "password": password})
        assert hash_calls == ["verify"], label


def test_a_locked_family_sign_in_costs_one_hash_too(client, hash_calls):
    credentials._dummy_hash()
    account = AccountFactory(activated=True)
    for _ in range(signin_limiter.username_limit):
        signin_limiter.register_failure(username=account.identifier, ip="192.0.2.1")
    hash_calls.clear()
    response = client.post(reverse("enduser:login"), {"identifier": account.identifier, "password": CHOSEN_PASSWORD})
    assert response.status_code == 200  # refused: locked
    assert hash_calls == ["verify"]


def test_a_school_behind_one_nat_address_is_not_locked_by_its_own_typing_mistakes(client):
    """29 families behind one address each mistype their password 4 times (116 failures, far
    above the per-IP limit of 30): the IP counts 29 distinct identifiers, and the 30th family signs in."""
    login = reverse("enduser:login")
    families = [AccountFactory(activated=True) for _ in range(signin_limiter.ip_limit)]
    for account in families[:-1]:
        for _ in range(signin_limiter.username_limit - 1):
            client.post(login, {"identifier": account.identifier, "password": "mauvais-mot-de-passe"})
    assert not signin_limiter.is_locked(ip="127.0.0.1")
    last = families[-1]
    response = client.post(login, {"identifier": last.identifier, "password": CHOSEN_PASSWORD})
    assert response.status_code == 302


def test_one_address_trying_many_identifiers_is_locked(client):
    """Password spraying: one failure on each of 30 identifiers locks the address (every identifier)."""
    login = reverse("enduser:login")
    victim = AccountFactory(activated=True)
    for n in range(signin_limiter.ip_limit):
        client.post(login, {"identifier": f"inconnu.{n}", "password": CHOSEN_PASSWORD})
    assert signin_limiter.is_locked(ip="127.0.0.1")
    response = client.post(login, {"identifier": victim.identifier, "password": CHOSEN_PASSWORD})
    assert response.status_code == 200
    assert Account.objects.get(pk=victim.pk).last_login_at is None
    # Another address is not locked.
    other = client.post(
        login, {"identifier": victim.identifier, "password": CHOSEN_PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("inconnu.agent", DEMO_PASSWORD),  # unknown username
        ("agent.cout", "mauvais-mot-de-passe"),  # wrong password
        ("agent.cout", DEMO_PASSWORD),  # right password
    ],
    ids=["unknown", "wrong", "right"],
)
def test_every_staff_sign_in_attempt_costs_exactly_one_hash(client, hash_calls, username, password):
    user = UserFactory(username="agent.cout")
    user.password = make_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    hash_calls.clear()
    client.post("/connexion/", {"username": username, "password": password})
    assert len(hash_calls) == 1, hash_calls
