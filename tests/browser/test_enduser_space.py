"""Browser: the signed-in space of an activated student (e-mail change, password change) and the
locked birth-date step."""

import datetime
import os
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Account
from accounts.passwords import provisional_password
from tests.factories import CHOSEN_PASSWORD, AccountFactory, StudentFactory


def fill_sign_in(page, live_server, identifier: str, password: str) -> None:
    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_role("textbox", name=re.compile("^Identifiant")).fill(identifier)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_student_changes_address_and_password(axe, page, live_server, establishment, settings, screenshot_dir):
    settings.EDUCONNECT_SITE_URL = live_server.url
    student = StudentFactory(establishment=establishment, first_name="Paul", last_name="DUBOIS")
    account = AccountFactory(student=student, activated=True, identifier="paul.dubois")
    shot = lambda name: page.screenshot(path=os.path.join(screenshot_dir, f"enduser-{name}.png"), full_page=True)  # noqa: E731

    fill_sign_in(page, live_server, "paul.dubois", CHOSEN_PASSWORD)
    expect(page.get_by_role("heading", name="Ma scolarité")).to_be_visible()
    shot("space-student")
    axe(page, "space-student")

    page.get_by_role("link", name="Modifier mon adresse mail").click()
    page.get_by_label("Nouvelle adresse mail").fill("paul.nouveau@example.org")
    page.get_by_label("Mot de passe actuel").fill(CHOSEN_PASSWORD)
    shot("change-email")
    page.set_viewport_size({"width": 390, "height": 900})
    shot("change-email-390")
    page.set_viewport_size({"width": 1400, "height": 1000})
    axe(page, "change-email")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Adresse mail non confirmée")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == ["paul.nouveau@example.org", "usager@example.org"]
    confirmation = next(m for m in mail.outbox if m.to == ["paul.nouveau@example.org"])
    link = re.search(r"(http://\S+/compte/activer/\S+/)", confirmation.body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", name="Votre adresse mail est confirmée")).to_be_visible()
    assert Account.objects.get(pk=account.pk).email_confirmed

    page.goto(live_server.url + "/compte/mot-de-passe/")
    page.get_by_label("Mot de passe actuel").fill(CHOSEN_PASSWORD)
    page.get_by_label("Nouveau mot de passe", exact=False).first.fill("Nouveau-secret-2027")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("Nouveau-secret-2027")
    shot("change-password")
    axe(page, "change-password")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Votre mot de passe a été modifié")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_wrong_birth_dates_lock_the_step(axe, page, live_server, establishment, screenshot_dir):
    student = StudentFactory(establishment=establishment, birth_date=datetime.date(2011, 1, 31))
    account = AccountFactory(student=student, informed=True)
    fill_sign_in(page, live_server, account.identifier, provisional_password(account))
    page.get_by_label("Nouveau mot de passe", exact=False).first.fill("Vacances-a-la-mer-2026")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("Vacances-a-la-mer-2026")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    for day in ("2011-01-01", "2011-01-02", "2011-01-03"):
        page.get_by_label("Adresse mail").fill("eleve@example.org")
        page.get_by_label("Votre date de naissance").fill(day)
        page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", name="Trop d'essais")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "enduser-birth-date-locked.png"), full_page=True)
    axe(page, "enduser-birth-date-locked")
