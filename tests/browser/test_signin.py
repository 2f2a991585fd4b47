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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signin_form_signs_in_and_out(page, live_server, catalogue, head, screenshot_dir):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/connexion/?next=/")
    expect(page.get_by_role("heading", name="Connexion au portail des agents")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "signin.png"), full_page=True)

    page.get_by_label("Identifiant").fill("monique.jamier")
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Identifiant ou mot de passe incorrect, ou compte temporairement bloqué.")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "signin_failed.png"), full_page=True)

    page.get_by_label("Identifiant").fill("monique.jamier")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Accédez à vos applications")).to_be_visible()
    expect(page.get_by_role("link", name="Gestion des délégations")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "portal_home.png"), full_page=True)

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
