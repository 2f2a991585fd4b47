"""Journey: Mme JAMIER, from outside the intranet, is refused DELEG-CE until she types the activation code
the operator gave her, enrols her OTP device and delegates « Dépannage » to M. MORAND by person; she
issues him an activation code; M. MORAND sees the delegation on his home; she revokes it and his next
page load loses it."""

import os
import re

import pytest
from playwright.sync_api import expect

from delegations.catalogue import load_catalogue
from delegations.models import Delegation, Domain, EnrolmentCode, Service
from delegations.otp_enrolment import enrolment_code_issue
from educonnect.otp import NOT_ENROLLED_MESSAGE
from tests.factories import DEMO_PASSWORD
from tests.otp_helpers import totp_code

DEPANNAGE = "ÉduConnect - Dépannage des comptes élèves"
ADMINISTRATION = "ÉduConnect - Administration des comptes"


@pytest.fixture
def catalogue(transactional_db):
    load_catalogue(Domain, Service)


def _sign_in(page, base, username):
    page.goto(f"{base}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Accédez à vos applications")).to_be_visible()


def _new_page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    # A loaded CI machine can be slow to serve the first page: be patient with navigations.
    context.set_default_navigation_timeout(60_000)
    context.set_default_timeout(20_000)
    return context.new_page()


def _shot(page, directory, name):
    page.screenshot(path=os.path.join(directory, f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_head_delegates_then_revokes_depannage(
    axe, browser, live_server, catalogue, head, staff, settings, screenshot_dir
):
    settings.EDUCONNECT_INTRANET_NETWORKS = []  # every client is outside the administrative network
    base = live_server.url
    head_page = _new_page(browser)
    staff_page = _new_page(browser)

    # Mme JAMIER signs in; without a second factor, DELEG-CE is refused from the extranet.
    _sign_in(head_page, base, "monique.jamier")
    head_page.get_by_role("link", name="Gestion des délégations").click()
    expect(head_page.locator("#otp-not-enrolled")).to_have_text(NOT_ENROLLED_MESSAGE)
    _shot(head_page, screenshot_dir, "otp_not_enrolled")
    # A wrong code is refused on the same page; the code of the operator opens the enrolment.
    head_page.get_by_label("Code d'activation").fill("AAAA-BBBB-CCCC")
    head_page.get_by_role("button", name="Activer ma clé OTP").click()
    expect(head_page.get_by_text("Code d'activation incorrect, expiré ou déjà utilisé.")).to_be_visible()
    head_page.get_by_label("Code d'activation").fill(enrolment_code_issue(user=head, actor_label="commande"))
    head_page.get_by_role("button", name="Activer ma clé OTP").click()
    expect(head_page).to_have_url(re.compile(r"/otp/enrolement/\?next="))
    expect(head_page.locator("#otp-qr")).to_be_visible()
    _shot(head_page, screenshot_dir, "otp_enrol")
    axe(head_page, "otp_enrol")
    secret = head_page.locator("#otp-secret").get_attribute("data-secret")
    head_page.get_by_label("Code à 6 chiffres affiché par l'application").fill(totp_code(secret))
    head_page.get_by_role("button", name="Valider").click()
    expect(head_page.get_by_role("heading", name="Vos codes de secours")).to_be_visible()
    expect(head_page.locator("#backup-codes li")).to_have_count(10)
    _shot(head_page, screenshot_dir, "otp_backup_codes")
    axe(head_page, "otp_backup_codes")
    head_page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(head_page.get_by_role("heading", name="Délégation-Chef Etablissement")).to_be_visible()
    _shot(head_page, screenshot_dir, "deleg_home")
    axe(head_page, "deleg_home")

    # Délégation par personne: search « mor » as she types, open M. MORAND's page.
    head_page.get_by_role("link", name="Délégation par personne").first.click()
    head_page.get_by_label("Nom ou premières lettres du nom").press_sequentially("mor", delay=50)
    expect(head_page.locator("#results")).to_contain_text("pour « mor »")
    expect(head_page.get_by_role("link", name="MORAND, Bruno")).to_be_visible()
    _shot(head_page, screenshot_dir, "deleg_people_search")
    axe(head_page, "deleg_people_search")
    head_page.get_by_role("link", name="MORAND, Bruno").click()
    expect(head_page.locator("#person-summary")).to_have_text(
        "Il y a 0 délégation pour cette personne, dans 0 domaine sur 9."
    )
    head_page.locator(f"label[for=service-{Service.EDUCONNECT_DEPANNAGE}]").click()
    _shot(head_page, screenshot_dir, "deleg_person")
    axe(head_page, "deleg_person")
    head_page.get_by_role("button", name="Valider").click()
    expect(head_page.get_by_text("Les délégations de M. Bruno MORAND ont été enregistrées")).to_be_visible()
    expect(head_page.locator("#person-summary")).to_have_text(
        "Il y a 1 délégation pour cette personne, dans 1 domaine sur 9."
    )
    _shot(head_page, screenshot_dir, "deleg_person_saved")
    axe(head_page, "deleg_person_saved")
    # She gives him an activation code for his own second factor (shown once).
    expect(head_page.locator("#otp-status")).to_contain_text("n'a pas encore activé sa clé OTP")
    head_page.get_by_role("button", name="Générer un code d'activation").click()
    expect(head_page.locator("#enrolment-code")).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    _shot(head_page, screenshot_dir, "deleg_enrolment_code")
    assert EnrolmentCode.objects.filter(user=staff, issued_by=head, used_at__isnull=True).count() == 1
    head_page.get_by_role("link", name="Retour aux délégations de M. Bruno MORAND").click()

    # M. MORAND signs in (another browser): Dépannage, not Administration.
    _sign_in(staff_page, base, "bruno.morand")
    expect(staff_page.get_by_role("link", name=DEPANNAGE)).to_be_visible()
    expect(staff_page.get_by_role("link", name=ADMINISTRATION)).to_have_count(0)
    expect(staff_page.get_by_role("link", name="Gestion des délégations")).to_have_count(0)
    _shot(staff_page, screenshot_dir, "portal_home_delegate")
    axe(staff_page, "portal_home_delegate")

    # Mme JAMIER revokes it; his very next page load loses it.
    head_page.locator(f"label[for=service-{Service.EDUCONNECT_DEPANNAGE}]").click()
    head_page.get_by_role("button", name="Valider").click()
    expect(head_page.locator("#person-summary")).to_have_text(
        "Il y a 0 délégation pour cette personne, dans 0 domaine sur 9."
    )
    staff_page.reload()
    expect(staff_page.get_by_role("link", name=DEPANNAGE)).to_have_count(0)
    expect(staff_page.get_by_text("Aucune application disponible")).to_be_visible()
    _shot(staff_page, screenshot_dir, "portal_home_no_right")
    axe(staff_page, "portal_home_no_right")

    # History and « par service » keep the trace.
    head_page.get_by_role("link", name="Historique").first.click()
    expect(head_page.get_by_text("Retirée", exact=True)).to_be_visible()
    _shot(head_page, screenshot_dir, "deleg_history")
    axe(head_page, "deleg_history")
    head_page.get_by_role("link", name="Délégation par service").first.click()
    _shot(head_page, screenshot_dir, "deleg_services")
    axe(head_page, "deleg_services")
    head_page.get_by_role("link", name=DEPANNAGE).click()
    expect(head_page.get_by_text("Personne ne détient ce service dans l'établissement.")).to_be_visible()
    _shot(head_page, screenshot_dir, "deleg_service")
    axe(head_page, "deleg_service")
    assert Delegation.objects.filter(grantee=staff, revoked_at__isnull=False).count() == 1
