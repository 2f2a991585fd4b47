"""Browser journey: a parent who forgot her password gets a reset link by e-mail and chooses a new
one; an anonymous visitor with a dead activation link is offered a resend by identifier."""

import os
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts import activation
from accounts.enduser.credentials import check_credentials
from accounts.models import Account
from tests.factories import AccountFactory

NEW_PASSWORD = "Nouveau-secret-2027"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_forgotten_password_by_confirmed_address(axe, page, live_server, settings, screenshot_dir):
    settings.EDUCONNECT_SITE_URL = live_server.url
    account = AccountFactory(activated=True, identifier="celine.dupont114")
    shot = lambda name: page.screenshot(path=os.path.join(screenshot_dir, f"enduser-{name}.png"), full_page=True)  # noqa: E731

    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_role("link", name="Identifiant ou mot de passe oublié ?").click()
    expect(page.get_by_role("heading", name="Identifiant ou mot de passe oublié")).to_be_visible()
    page.get_by_label("Identifiant ou adresse mail confirmée").fill("usager@example.org")
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page.get_by_text("un mail contenant un lien de réinitialisation")).to_be_visible()
    shot("forgotten")
    axe(page, "forgotten")
    assert Account.objects.get(pk=account.pk).reset_requested

    link = re.search(r"(http://\S+/compte/reinitialiser/\S+/)", mail.outbox[0].body).group(1)
    page.goto(link)
    expect(page.get_by_text("celine.dupont114")).to_be_visible()
    page.get_by_label("Nouveau mot de passe", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    shot("reset")
    axe(page, "reset")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a été modifié")).to_be_visible()
    assert check_credentials("celine.dupont114", NEW_PASSWORD).account == account
    assert not Account.objects.get(pk=account.pk).reset_requested

    page.goto(link)
    expect(page.get_by_text("Ce lien de réinitialisation n'est pas valide")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_anonymous_dead_link_offers_a_resend_by_identifier(axe, page, live_server, settings, screenshot_dir):
    settings.EDUCONNECT_SITE_URL = live_server.url
    account = AccountFactory(activating=True, identifier="celine.dupont114")
    token = activation.make_token(account)
    page.goto(f"{live_server.url}/compte/activer/{token[:-4]}abcd/")
    expect(page.get_by_text("Ce lien d'activation n'est pas valide")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "enduser-link-invalid.png"), full_page=True)
    axe(page, "enduser-link-invalid")
    page.get_by_role("textbox", name=re.compile("^Identifiant")).fill("celine.dupont114")
    page.get_by_role("button", name="Renvoyer le mail d'activation").click()
    expect(page.get_by_text("Si un compte en cours d'activation correspond")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "enduser-resend.png"), full_page=True)
    axe(page, "enduser-resend")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["usager@example.org"]
