"""The refresh grant reading the account once and revoking in four statements (oidc.validator, oidc.models):
the same answers as django-oauth-toolkit's own code — rotation, reuse protection, sliding
expiry, another client's token — in fewer statements."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oidc.models import AccessToken, RefreshToken

from .conftest import SECRET, exchange, get_code, make_service, pkce_pair

TOKEN = reverse("oauth2_provider:token")


def tokens(client, service, account) -> dict:
    verifier, challenge = pkce_pair()
    return exchange(client, get_code(client, service, account, challenge), verifier).json()


def refresh(client, refresh_token, client_id="ent-colleges"):
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    return client.post(TOKEN, {**data, "client_secret": SECRET})


@pytest.mark.django_db
def test_a_refresh_rotates_the_pair_and_the_old_token_is_revoked(client, service, pupil):
    first = tokens(client, service, pupil)
    response = refresh(client, first["refresh_token"])
    assert response.status_code == 200, response.content
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    old = RefreshToken.objects.get(revoked__isnull=False)
    assert old.access_token_id is None
    assert AccessToken.objects.count() == 1
    assert AccessToken.objects.get().source_refresh_token_id == old.pk
    info = client.get(
        reverse("oauth2_provider:user-info"), headers={"Authorization": f"Bearer {first['access_token']}"}
    )
    assert info.status_code == 401
    info = client.get(
        reverse("oauth2_provider:user-info"), headers={"Authorization": f"Bearer {second['access_token']}"}
    )
    assert info.status_code == 200


@pytest.mark.django_db
def test_replaying_a_rotated_refresh_token_is_refused_and_revokes_its_whole_family(client, service, pupil):
    first = tokens(client, service, pupil)
    second = refresh(client, first["refresh_token"]).json()
    replay = refresh(client, first["refresh_token"])
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    assert refresh(client, second["refresh_token"]).status_code == 400


@pytest.mark.django_db
def test_a_refresh_token_past_its_lifetime_is_refused(client, service, pupil, settings):
    body = tokens(client, service, pupil)
    lifetime = settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"]
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=lifetime + 1))
    response = refresh(client, body["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.django_db
def test_the_refresh_token_of_another_service_is_refused_and_left_alive(client, service, pupil):
    other = make_service(client_id="ent-lycees", name="ENT des lycées")
    body = tokens(client, service, pupil)
    response = refresh(client, body["refresh_token"], client_id=other.client_id)
    assert response.status_code == 400
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 1


@pytest.mark.django_db
def test_revoking_twice_changes_nothing_the_second_time(client, service, pupil):
    tokens(client, service, pupil)
    token = RefreshToken.objects.get()
    stale = RefreshToken.objects.get()
    token.revoke()
    revoked_at = RefreshToken.objects.get().revoked
    stale.revoke()
    assert RefreshToken.objects.get().revoked == revoked_at
    assert not AccessToken.objects.exists()


@pytest.mark.django_db
def test_a_refresh_grant_reads_the_token_and_account_once(client, service, pupil):
    body = tokens(client, service, pupil)
    with CaptureQueriesContext(connection) as queries:
        response = refresh(client, body["refresh_token"])
    assert response.status_code == 200, response.content
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    # The account is read once, with its pupil, establishment, class and level joined.
    account_reads = [sql for sql in reads if ' FROM "accounts_' in sql]
    assert len(account_reads) == 1 and 'JOIN "accounts_student"' in account_reads[0], reads
    assert len([sql for sql in reads if ' FROM "oidc_service"' in sql]) == 1, reads  # the client's authentication
    assert len([sql for sql in reads if ' FROM "oidc_refreshtoken"' in sql]) == 2, reads  # then locked for rotation
    assert len(queries) == 16, [q["sql"][:90] for q in queries]  # bench/oidc_endpoints --queries lists them
