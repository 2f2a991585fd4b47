"""Load test scenario (issue 16 item 9), run by `bench/load_test` against the académie database.

Two kinds of users, each on its own gunicorn pool:
- StaffUser (staff pool): signs in at /connexion/ (no second factor from 127.0.0.1, an intranet
  address), then searches the Élèves list of their establishment by name (HTMX fragment), opens a
  student's account (the reset confirmation) and now and then resets a password;
- FamilyUser (families pool, /compte/): signs in with an activated account and signs out, or — once
  per informed account — activates it: provisional password, new password, e-mail and birth date.

Users, accounts and search terms come from the JSON file written by `bench/load_test` (LOAD_DATA).
Any unexpected status or page is a failure. Not a test module."""

import json
import os
import random
import re
from collections import deque
from pathlib import Path

from locust import HttpUser, between, events, task

DATA = json.loads(Path(os.environ.get("LOAD_DATA", "var/bench/load/data.json")).read_text(encoding="utf-8"))
STAFF_HOST = os.environ.get("STAFF_HOST", "http://127.0.0.1:8101")
FAMILY_HOST = os.environ.get("FAMILY_HOST", "http://127.0.0.1:8102")
STAFF = deque(DATA["staff"])
ACTIVATIONS = deque(DATA["activations"])
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEW_PASSWORD = "Nouveau-Mot-2026!"


def csrf_of(response) -> str:
    match = CSRF_INPUT.search(response.text)
    return match.group(1) if match else response.cookies.get("csrftoken", "")


# The staff's work once signed in, whose p95 issue 16 item 8 bounds: every sample is kept to give
# one p50/p95/p99 over the three request types (Locust's CSV has them per type only).
STAFF_WORK = ("search (HTMX)", "open account", "reset password")
staff_work_ms: list[float] = []


@events.test_start.add_listener
def _announce(environment, **kwargs):
    print(f"load test: {len(STAFF)} staff, {len(DATA['signins'])} family sign-ins, {len(ACTIVATIONS)} activations")


@events.request.add_listener
def _keep_staff_work(name, response_time, exception, **kwargs):
    if name in STAFF_WORK and exception is None:
        staff_work_ms.append(response_time)


@events.test_stop.add_listener
def _write_staff_work(environment, **kwargs):
    target = os.environ.get("STAFF_WORK_OUT")
    if target:
        Path(target).write_text(json.dumps(staff_work_ms), encoding="utf-8")


class StaffUser(HttpUser):
    host = STAFF_HOST
    fixed_count = int(os.environ.get("STAFF_USERS", "50"))
    wait_time = between(1, 3)  # a person reading the list between two actions

    def on_start(self):
        self.me = STAFF.popleft()
        STAFF.append(self.me)
        page = self.client.get("/connexion/", name="staff sign-in (form)")
        with self.client.post(
            "/connexion/",
            {"username": self.me["username"], "password": DATA["staff_password"], "csrfmiddlewaretoken": csrf_of(page)},
            name="staff sign-in",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused ({response.status_code})")
        self.base = f"/depannage/{self.me['uai']}/eleves/"

    @task(6)
    def search(self):
        term = random.choice(DATA["terms"])
        with self.client.get(
            self.base, params={"q": term}, headers={"HX-Request": "true"}, name="search (HTMX)", catch_response=True
        ) as response:
            if response.status_code != 200 or "<tr" not in response.text:
                response.failure(f"no rows for {term!r} ({response.status_code})")

    @task(3)
    def open_account(self):
        account = random.choice(self.me["accounts"])
        self.client.get(f"{self.base}{account}/reinitialiser/", name="open account")

    @task(1)
    def reset(self):
        account = random.choice(self.me["accounts"])
        page = self.client.get(f"{self.base}{account}/reinitialiser/", name="open account")
        with self.client.post(
            f"{self.base}{account}/reinitialiser/",
            {"csrfmiddlewaretoken": csrf_of(page)},
            name="reset password",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "a bien été réinitialisé" not in response.text:
                response.failure(f"reset not shown ({response.status_code})")


class FamilyUser(HttpUser):
    host = FAMILY_HOST
    fixed_count = int(os.environ.get("FAMILY_USERS", "20"))
    wait_time = between(0.5, 2)

    def _sign_in(self, identifier: str, password: str, expect: str):
        page = self.client.get("/compte/connexion/", name="family sign-in (form)")
        with self.client.post(
            "/compte/connexion/",
            {"identifier": identifier, "password": password, "csrfmiddlewaretoken": csrf_of(page)},
            name="family sign-in",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302 or expect not in response.headers.get("Location", ""):
                response.failure(f"sign-in of {identifier}: {response.status_code} {response.headers.get('Location')}")
                return False
        return True

    @task(4)
    def sign_in_and_out(self):
        identifier = random.choice(DATA["signins"])
        if self._sign_in(identifier, DATA["family_password"], "/compte/"):
            home = self.client.get("/compte/", name="family home")
            self.client.post("/compte/deconnexion/", {"csrfmiddlewaretoken": csrf_of(home)}, name="family sign-out")
        self.client.cookies.clear()

    @task(1)
    def activate(self):
        if not ACTIVATIONS:
            return self.sign_in_and_out()
        account = ACTIVATIONS.popleft()
        if self._sign_in(account["identifier"], account["password"], "premiere-connexion"):
            page = self.client.get("/compte/premiere-connexion/mot-de-passe/", name="activation: password (form)")
            self.client.post(
                "/compte/premiere-connexion/mot-de-passe/",
                {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "csrfmiddlewaretoken": csrf_of(page)},
                name="activation: password",
            )
            page = self.client.get("/compte/premiere-connexion/activation/", name="activation: e-mail (form)")
            with self.client.post(
                "/compte/premiere-connexion/activation/",
                {
                    "email": f"{account['identifier']}@example.org",
                    "birth_date": account["birth_date"],
                    "csrfmiddlewaretoken": csrf_of(page),
                },
                name="activation: e-mail and birth date",
                catch_response=True,
            ) as response:
                if "activation a été envoyé à" not in response.text:  # the message on /compte/ (apostrophe escaped)
                    response.failure(f"activation of {account['identifier']} not started ({response.status_code})")
        self.client.cookies.clear()
