"""Browser journey through a real relying party: the « ENT de démonstration » (mozilla-django-oidc)
served by the live server. A parent signs in at the ENT, is sent to ÉduConnect, signs in, accepts
the consent screen, comes back and the ENT shows the claims; « Se déconnecter » at the ENT ends
both sessions.

The ENT is visited at http://127.0.0.1:<port> and the provider at http://localhost:<port>: two
origins, two cookie jars, as with a real ENT on its own host (CSP form-action must let the
sign-in and consent forms end at the ENT). The ENT calls the token, userinfo and JWKS endpoints
of the live server over loopback."""

import os
import re

import pytest
from playwright.sync_api import expect

from educonnect.models import AuditAction, AuditEvent
from oidc.demo_ent import CLIENT_ID, CLIENT_SECRET
from oidc.models import Service, ServiceUse
from tests.factories import CHOSEN_PASSWORD, AccountFactory, ResponsibilityFactory, StudentFactory


def fill_sign_in(page, identifier: str, password: str) -> None:
    page.get_by_role("textbox", name=re.compile("^Identifiant")).fill(identifier)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()


@pytest.fixture
def ent(live_server, settings):
    """The ENT's origin; the service registered for it, with a consent screen."""
    assert live_server.url.startswith("http://localhost:")
    provider = live_server.url
    ent_origin = provider.replace("localhost", "127.0.0.1")
    settings.EDUCONNECT_DEMO_ENT_PROVIDER_URL = provider
    settings.PASSWORD_HASHERS = [
        "tests.accounts.enduser_support.FastArgon2PasswordHasher",
        "oidc.hashers.ClientSecretHasher",
    ]
    Service.objects.create(
        name="ENT de démonstration",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Service.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Service.GRANT_AUTHORIZATION_CODE,
        algorithm=Service.RS256_ALGORITHM,
        redirect_uris=f"{ent_origin}/ent-demo/retour/",
        post_logout_redirect_uris=f"{ent_origin}/ent-demo/",
        allowed_scopes="openid profile educonnect",
        skip_authorization=False,
    )
    return ent_origin


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parent_signs_in_to_the_ent_and_out_of_both(page, live_server, ent, establishment, screenshot_dir):
    shot = lambda name: page.screenshot(path=os.path.join(screenshot_dir, f"oidc-{name}.png"), full_page=True)  # noqa: E731
    lea = StudentFactory(establishment=establishment, first_name="Léa", last_name="SABRIER", division__code="4EME7")
    link = ResponsibilityFactory(
        student=lea,
        representative__first_name="Anne",
        representative__last_name="SABRIER",
        representative__civility="Mme",
    )
    parent = AccountFactory(
        for_representative=True, representative=link.representative, activated=True, identifier="anne.sabrier"
    )

    page.goto(f"{ent}/ent-demo/")
    page.get_by_role("link", name="Se connecter avec ÉduConnect").click()

    # At ÉduConnect (the other origin): the family sign-in, then the consent screen.
    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/compte/connexion/\?next=/o/authorize/"))
    expect(page.get_by_role("heading", name="Se connecter avec ÉduConnect")).to_be_visible()
    fill_sign_in(page, "anne.sabrier", CHOSEN_PASSWORD)
    expect(page.get_by_role("heading", name="Se connecter à ENT de démonstration")).to_be_visible()
    expect(page.get_by_text("la liste de ses enfants avec leur établissement et leur classe")).to_be_visible()
    shot("consent")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("consent-390")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_role("button", name="Autoriser").click()

    # Back at the ENT, which shows what it received.
    expect(page).to_have_url(f"{ent}/ent-demo/")
    expect(page.get_by_role("heading", name="Bienvenue Anne SABRIER")).to_be_visible()
    expect(page.locator('[data-claim="FrEduCtPersonAffiliation"]')).to_have_text("resp2d")
    expect(page.locator('[data-claim="civilite"]')).to_have_text("Mme")
    expect(page.locator('[data-claim="enfants"]')).to_contain_text(f"Léa SABRIER — 4EME7 ({establishment.uai}")
    shot("ent-claims")
    assert ServiceUse.objects.filter(account=parent, service__client_id=CLIENT_ID).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_SERVICE_LOGIN, target_id=str(parent.pk)).count() == 1

    # /compte/ at ÉduConnect lists the ENT.
    family_space = page.context.new_page()
    family_space.goto(f"{live_server.url}/compte/")
    expect(family_space.get_by_role("cell", name="ENT de démonstration")).to_be_visible()
    family_space.close()

    # Sign out at the ENT: its session ends, then ÉduConnect's (RP-initiated logout), back to the ENT.
    page.get_by_role("button", name="Se déconnecter de l'ENT").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(ent)}/ent-demo/\?state="))
    expect(page.get_by_role("link", name="Se connecter avec ÉduConnect")).to_be_visible()
    page.goto(f"{live_server.url}/compte/")
    expect(page).to_have_url(f"{live_server.url}/compte/connexion/")
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_LOGOUT, target_id=str(parent.pk)).exists()

    # Signing in to the ENT again asks for the password again.
    page.goto(f"{ent}/ent-demo/connexion/")
    expect(page.get_by_role("heading", name="Se connecter avec ÉduConnect")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pupil_with_a_provisional_password_activates_on_the_way_to_the_ent(page, live_server, ent, establishment):
    import datetime

    from accounts.models import AccountState
    from accounts.passwords import provisional_password

    student = StudentFactory(
        establishment=establishment, first_name="Paul", last_name="DUBOIS", birth_date=datetime.date(2012, 3, 14)
    )
    pupil = AccountFactory(student=student, informed=True, identifier="paul.dubois")
    page.goto(f"{ent}/ent-demo/")
    page.get_by_role("link", name="Se connecter avec ÉduConnect").click()
    fill_sign_in(page, "paul.dubois", provisional_password(pupil))

    new = "Vacances-a-la-mer-2026"
    page.get_by_label("Nouveau mot de passe", exact=False).first.fill(new)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(new)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.get_by_label("Adresse mail").fill("paul@example.org")
    page.get_by_label("Votre date de naissance").fill("2012-03-14")
    page.get_by_role("button", name="Valider").click()

    # Back on the way to the ENT: the consent screen, then the ENT with the pupil's claims.
    page.get_by_role("button", name="Autoriser").click()
    expect(page.get_by_role("heading", name="Bienvenue Paul DUBOIS")).to_be_visible()
    expect(page.locator('[data-claim="FrEduCtPersonAffiliation"]')).to_have_text("eleve2d")
    expect(page.locator('[data-claim="birthdate"]')).to_have_text("2012-03-14")
    expect(page.locator('[data-claim="classe"]')).to_have_text("3EME1")
    expect(page.locator('[data-claim="FrEduCtEleveUAI"]')).to_have_text(establishment.uai)
    pupil.refresh_from_db()
    assert pupil.state == AccountState.ACTIVATING and not pupil.has_provisional_password
