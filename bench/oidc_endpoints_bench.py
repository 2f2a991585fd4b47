"""Benchmark: the OpenID Connect token endpoint and userinfo (django-oauth-toolkit + oidc). Not a test."""

import base64
import datetime
import hashlib
import os
import secrets
import statistics
import sys
import time

from depannage_common import build_establishment, start

RUNS = int(sys.argv[1])
SHOW_QUERIES = "--queries" in sys.argv[2:]  # print the SQL of one refresh grant
stop = start("bench_oidc")

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Account, AccountKind, AccountState, LegalRepresentative, Responsibility, Student  # noqa: E402
from oidc.models import FamilyUser, Grant, Service  # noqa: E402

REDIRECT_URI = "https://ent.example.org/oidc/callback/"
SECRET = secrets.token_urlsafe(64)


def family(establishment) -> tuple[Account, Account]:
    """A legal representative of two pupils, and one of the pupils, both activated."""
    students = list(Student.objects.filter(establishment=establishment).order_by("pk")[:2])
    representative = LegalRepresentative.objects.create(
        establishment=establishment, personne_id="BENCH1", civility="Mme", first_name="Anne", last_name="BENCH"
    )
    for student in students:
        Responsibility.objects.create(student=student, representative=representative, level=1)
    activated = {
        "state": AccountState.ACTIVATED,
        "provisional_password_encrypted": "",
        "provisional_password_expires_at": None,
        "password_hash": "argon2$bench",
        "last_notified_at": timezone.now(),
    }
    parent = Account.objects.create(
        identifier="anne.bench",
        kind=AccountKind.REPRESENTATIVE,
        establishment=establishment,
        representative=representative,
        **activated,
    )
    pupil = students[0].account
    for field, value in activated.items():
        setattr(pupil, field, value)
    pupil.save()
    return parent, pupil


def grant(service, account) -> tuple[str, str]:
    """An authorization code as /o/authorize/ leaves it once the family has signed in."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    code = secrets.token_urlsafe(30)
    Grant.objects.create(
        user=FamilyUser.objects.get(pk=account.pk),
        application=service,
        code=code,
        expires=timezone.now() + datetime.timedelta(seconds=60),
        redirect_uri=REDIRECT_URI,
        scope="openid profile educonnect",
        code_challenge=challenge,
        code_challenge_method="S256",
        nonce="n",
    )
    return code, verifier


def backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (local server, /proc)."""
    with open(f"/proc/{connection.connection.info.backend_pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn, cpu: list):
    """Wall time of one request; its CPU (this process, which runs the view, + the PostgreSQL
    backend) is appended to `cpu`: on a loaded machine the wall time includes waiting for a core."""
    reset_queries()
    c0, b0, t = time.process_time(), backend_cpu(), time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = fn()
    wall = time.perf_counter() - t
    cpu.append(time.process_time() - c0 + backend_cpu() - b0)
    return wall, response, len(queries)


def main():
    establishment = build_establishment(uai="0380111P", students=600)
    parent, pupil = family(establishment)
    service = Service.objects.create(
        name="ENT bench",
        client_id="ent-bench",
        client_secret=SECRET,
        client_type=Service.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Service.GRANT_AUTHORIZATION_CODE,
        algorithm=Service.RS256_ALGORITHM,
        redirect_uris=REDIRECT_URI,
        skip_authorization=True,
    )
    print(
        f"OIDC endpoints benchmark — PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPU, "
        f"load average {os.getloadavg()[0]:.1f}, {datetime.date.today()}, {RUNS} runs per account"
    )
    client = Client()
    with override_settings(DEBUG=False):
        for label, account in (("legal representative (2 children)", parent), ("pupil", pupil)):
            token_t, info_t, refresh_t = [], [], []
            token_c, info_c, refresh_c = [], [], []
            for _ in range(RUNS):
                code, verifier = grant(service, account)
                data = {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": REDIRECT_URI,
                    "client_id": "ent-bench",
                    "client_secret": SECRET,
                    "code_verifier": verifier,
                }
                seconds, response, token_q = timed(lambda d=data: client.post("/o/token/", d), token_c)
                assert response.status_code == 200, response.content
                body = response.json()
                assert body["id_token"].count(".") == 2
                token_t.append(seconds)
                bearer = {"Authorization": f"Bearer {body['access_token']}"}
                seconds, response, info_q = timed(lambda h=bearer: client.get("/o/userinfo/", headers=h), info_c)
                assert response.status_code == 200, response.content
                claims = response.json()
                assert claims["given_name"] and claims["FrEduCtPersonAffiliation"], claims
                if account is parent:
                    assert len(claims["enfants"]) == 2, claims
                info_t.append(seconds)
                refresh = {
                    "grant_type": "refresh_token",
                    "refresh_token": body["refresh_token"],
                    "client_id": "ent-bench",
                    "client_secret": SECRET,
                }
                with CaptureQueriesContext(connection) as captured:
                    seconds, response, refresh_q = timed(lambda d=refresh: client.post("/o/token/", d), refresh_c)
                if SHOW_QUERIES and len(refresh_t) == 0:
                    for query in captured.captured_queries:
                        print(f"  {query['sql'][:300]}")
                assert response.status_code == 200, response.content
                refresh_t.append(seconds)
            for name, values, cpu, queries in (
                ("token (code + PKCE → access, refresh, ID token)", token_t, token_c, token_q),
                ("userinfo", info_t, info_c, info_q),
                ("token (refresh)", refresh_t, refresh_c, refresh_q),
            ):
                ms = sorted(v * 1000 for v in values)
                print(
                    f"{label:<34} {name:<48} wall median {statistics.median(ms):6.2f} ms  "
                    f"p90 {ms[int(len(ms) * 0.9)]:6.2f}  min {ms[0]:6.2f}  |  CPU median "
                    f"{statistics.median(cpu) * 1000:5.2f} ms  |  {queries} queries"
                )


try:
    main()
finally:
    stop()
