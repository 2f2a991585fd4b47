"""Browser journey: the secretariat prints a C01 letter for Mme Céline DUPONT; she reads her
identifier and provisional password on it, signs in, chooses a password, confirms her address and
her son's birth date (« En cours d'activation »), follows the link of the C07 e-mail (« Activé »),
and the staff list of legal representatives shows each state."""

import datetime
import io
import os
import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Account, AccountState
from educonnect import crypto
from notifications.services import accounts_notify
from tests.browser.helpers import login_as
from tests.factories import AccountFactory, ResponsibilityFactory, StudentFactory

NEW_PASSWORD = "Vacances-a-la-mer-2026"
STAFF_LIST = "/administration/0380111P/responsables/"


def family(establishment) -> Account:
    enzo = StudentFactory(
        establishment=establishment, first_name="Enzo", last_name="DUPONT", birth_date=datetime.date(2013, 5, 2)
    )
    link = ResponsibilityFactory(
        student=enzo,
        representative__establishment=establishment,
        representative__first_name="Céline",
        representative__last_name="DUPONT",
        representative__email="celine.dupont@example.org",
    )
    return AccountFactory(for_representative=True, representative=link.representative, identifier="celine.dupont114")


def print_c01(head, establishment, account) -> tuple[str, str]:
    """The secretariat's C01 sheet; returns (identifier, password) as read from the PDF text."""
    result = accounts_notify(
        actor=head, establishment=establishment, accounts=[account], channel="sheet", with_reset=False
    )
    assert result.letters == {"C01": 1}
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(result.pdf)).pages)
    assert "Identifiant :" in text and "Mot de passe provisoire" in text, text
    # Labels and values are drawn separately on the sheet: read the values by their shape.
    # An identifier is « prenom.nom » with maybe a number, never part of a longer dotted name: the
    # letter also prints web addresses (teleservices.education.gouv.fr).
    identifier = re.search(r"(?<![\w./])[a-z]+\.[a-z]+\d*(?![\w.])", text).group(0)
    password = re.search(rf"\b[{crypto.PROVISIONAL_ALPHABET}]{{{crypto.PROVISIONAL_LENGTH}}}\b", text).group(0)
    return identifier, password


def fill_sign_in(page, identifier: str, password: str) -> None:
    page.get_by_role("textbox", name=re.compile("^Identifiant")).fill(identifier)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def staff_sees(staff_page, live_server, label: str) -> None:
    staff_page.goto(live_server.url + STAFF_LIST)
    row = staff_page.locator("tr", has_text="celine.dupont114")
    expect(row).to_contain_text(label)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parent_activates_her_account_from_the_printed_letter(
    axe, page, live_server, establishment, head, settings, screenshot_dir
):
    settings.EDUCONNECT_SITE_URL = live_server.url
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]  # the secretariat works from the intranet: no OTP
    account = family(establishment)
    shot = lambda name: page.screenshot(path=os.path.join(screenshot_dir, f"enduser-{name}.png"), full_page=True)  # noqa: E731

    identifier, password = print_c01(head, establishment, account)
    assert identifier == "celine.dupont114"
    account.refresh_from_db()
    assert account.state == AccountState.INFORMED

    staff_page = page.context.browser.new_context().new_page()
    login_as(staff_page, live_server, head)
    staff_sees(staff_page, live_server, "Non activé - informé")

    # Sign-in with what the letter says.
    page.goto(live_server.url + "/compte/connexion/")
    expect(page.get_by_role("heading", name="Se connecter avec ÉduConnect")).to_be_visible()
    shot("sign-in")
    axe(page, "sign-in")
    fill_sign_in(page, identifier, password)

    # Step 1: a new password; the space is not reachable yet.
    expect(page.get_by_text("Étape 1 sur 2")).to_be_visible()
    shot("first-password")
    axe(page, "first-password")
    page.goto(live_server.url + "/compte/")
    expect(page).to_have_url(re.compile(r"/compte/premiere-connexion/mot-de-passe/$"))
    page.get_by_label("Nouveau mot de passe", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()

    # Step 2: the address (pre-filled from SIECLE) and Enzo's birth date; one wrong try first.
    expect(page.get_by_text("Étape 2 sur 2")).to_be_visible()
    expect(page.get_by_label("Adresse mail")).to_have_value("celine.dupont@example.org")
    expect(page.get_by_text("Enzo DUPONT", exact=True)).to_be_visible()
    page.get_by_label("Date de naissance d'Enzo DUPONT").fill("03/05/2013")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Il vous reste 2 essais")).to_be_visible()
    shot("first-activation")
    axe(page, "first-activation")
    page.get_by_label("Date de naissance d'Enzo DUPONT").fill("02/05/2013")
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_role("heading", name="Mon compte ÉduConnect")).to_be_visible()
    expect(page.get_by_text("Un mail d'activation a été envoyé à celine.dupont@example.org")).to_be_visible()
    expect(page.get_by_text("Enzo DUPONT").first).to_be_visible()
    shot("space-activating")
    axe(page, "space-activating")
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVATING
    assert not account.has_provisional_password
    staff_sees(staff_page, live_server, "En cours d'activation")

    # The C07 e-mail left after the commit; follow its link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["celine.dupont@example.org"]
    assert "celine.dupont114" in message.body
    link = re.search(r"(http://\S+/compte/activer/\S+/)", message.body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", name="Votre adresse mail est confirmée")).to_be_visible()
    shot("activated")
    axe(page, "activated")
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVATED
    assert account.email_confirmed
    staff_sees(staff_page, live_server, "Activé")

    # The same link again: the account is already active.
    page.goto(link)
    expect(page.get_by_role("heading", name="Votre compte est déjà activé")).to_be_visible()
    shot("link-used")
    axe(page, "link-used")

    # Sign out, then back in with the chosen password; the provisional one no longer works.
    page.goto(live_server.url + "/compte/")
    page.get_by_role("button", name="Se déconnecter").click()
    fill_sign_in(page, identifier, password)
    expect(page.get_by_text("L'identifiant ou le mot de passe est incorrect")).to_be_visible()
    shot("sign-in-refused")
    axe(page, "sign-in-refused")
    fill_sign_in(page, identifier, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Mon compte ÉduConnect")).to_be_visible()
    expect(page.get_by_text("Activé", exact=True)).to_be_visible()
    shot("space-activated")
    axe(page, "space-activated")
