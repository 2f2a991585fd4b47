"""The staff sign-in form in chromium."""

import os

import pytest
from playwright.sync_api import expect

from delegations.catalogue import load_catalogue
from delegations.models import Domain, Service
from tests.factories import DEMO_PASSWORD


@pytest.fixture
def catalogue(transactional_db):
    load_catalogue(Domain, Service)


@pytest.fixture
def patient_page(page):
    """A loaded CI machine can be slow to serve the first page: be patient with navigations."""
    page.set_default_navigation_timeout(60_000)
    page.set_default_timeout(20_000)
    return page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signin_form_signs_in_and_out(axe, patient_page, live_server, catalogue, head, screenshot_dir):
    page = patient_page
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/connexion/?next=/")
    expect(page.get_by_role("heading", name="Connexion au portail des agents")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "signin.png"), full_page=True)
    axe(page, "signin")

    page.get_by_label("Identifiant").fill("monique.jamier")
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Identifiant ou mot de passe incorrect, ou compte temporairement bloqué.")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "signin_failed.png"), full_page=True)
    axe(page, "signin_failed")

    page.get_by_label("Identifiant").fill("monique.jamier")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Accédez à vos applications")).to_be_visible()
    expect(page.get_by_role("link", name="Gestion des délégations")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "portal_home.png"), full_page=True)
    axe(page, "portal_home")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_extranet_signin_asks_for_the_totp_code(
    axe, patient_page, live_server, catalogue, head, other_establishment, screenshot_dir, settings
):
    page = patient_page
    from delegations.models import Assignment
    from delegations.otp_services import otp_enrol_totp
    from tests.factories import AssignmentFactory
    from tests.otp_helpers import totp_code

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    AssignmentFactory(user=head, establishment=other_establishment, function=Assignment.Function.DIR)
    secret = otp_enrol_totp(head)
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill("monique.jamier")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_label("Choisir un établissement")).to_be_visible()
    page.get_by_label("Choisir un établissement").select_option("0450750W")
    page.get_by_role("button", name="Choisir").click()
    expect(page).to_have_url(f"{live_server.url}/?uai=0450750W")
    page.screenshot(path=os.path.join(screenshot_dir, "portal_home_chooser.png"), full_page=True)
    axe(page, "portal_home_chooser")
    page.get_by_role("link", name="Gestion des délégations").click()
    expect(page.get_by_role("heading", name="Vérification en deux étapes")).to_be_visible()
    page.get_by_label("Code de vérification").fill("000000")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text("Code incorrect.")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "otp_verify.png"), full_page=True)
    axe(page, "otp_verify")
    # The good code lets her in (throttling is off here: its delays are tested without a browser).
    page.get_by_label("Code de vérification").fill(totp_code(secret))
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("heading", name="Délégation-Chef Etablissement")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/delegations/0450750W/")
