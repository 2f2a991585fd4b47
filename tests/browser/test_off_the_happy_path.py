"""Browser journeys off the happy path (issue 14, items 1–4 and 11–14): every error reaches the
person in French, families are never blocked, staff never lost — on a desktop and on a phone
(390 px). Every screen goes through axe-core; each key screen is photographed at both widths into
/tmp/ux-*.png."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from accounts.passwords import provisional_password
from delegations.models import Delegation, Service
from delegations.services import delegation_revoke
from tests.browser.helpers import login_as
from tests.browser.test_troubleshooting_journey import populate
from tests.factories import AccountFactory, LegalRepresentativeFactory, ResponsibilityFactory, StudentFactory

DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
STUDENTS = "/depannage/0380111P/eleves/"


def shots(page, name: str) -> None:
    """The screen at desktop width and at 390 px (then back to desktop)."""
    page.screenshot(path=f"/tmp/ux-{name}.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"/tmp/ux-{name}-390.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def page_scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def camille_andre(establishment):
    enzo = StudentFactory(
        establishment=establishment, first_name="Enzo", last_name="ANDRE", birth_date=datetime.date(2013, 5, 2)
    )
    representative = LegalRepresentativeFactory(
        establishment=establishment, first_name="Camille", last_name="ANDRE", email="camille.andre@example.org"
    )
    ResponsibilityFactory(student=enzo, representative=representative)
    return AccountFactory(
        for_representative=True, representative=representative, identifier="camille.andre", informed=True
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_parent_activates_on_a_phone_whatever_password_she_tries(page, live_server, establishment, settings, axe):
    """Items 1, 2, 13: no 500 on a password like the name, « Afficher », JJ/MM/AAAA, « d'Enzo »,
    the family footer, « Se déconnecter » through the menu at 390 px."""
    settings.EDUCONNECT_SITE_URL = live_server.url
    account = camille_andre(establishment)
    page.goto(live_server.url + "/compte/connexion/")
    axe(page, "sign-in")
    expect(page.locator("footer")).to_contain_text("un compte unique pour accéder aux services numériques")
    expect(page.locator("footer").get_by_role("link", name="Identifiant ou mot de passe oublié")).to_be_visible()
    page.get_by_role("textbox", name=re.compile("^Identifiant")).fill("camille.andre")
    page.locator("#id_password").fill(provisional_password(account))
    page.get_by_role("button", name="Se connecter", exact=True).click()

    # Step 1: a password resembling the name is refused in French (it answered 500).
    expect(page.get_by_text("Étape 1 sur 2")).to_be_visible()
    new_password = page.locator("#id_new_password1")
    new_password.fill("Camille-Andre-2026!")
    page.locator("#id_new_password2").fill("Camille-Andre-2026!")
    # « Afficher » shows what was typed, and hides it again.
    expect(new_password).to_have_attribute("type", "password")
    page.locator("label[for='id_new_password1-show']").click()
    expect(new_password).to_have_attribute("type", "text")
    page.locator("label[for='id_new_password1-show']").click()
    expect(new_password).to_have_attribute("type", "password")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_text("Le mot de passe est trop semblable au champ « identifiant ».")).to_be_visible()
    axe(page, "first password refused")
    shots(page, "family-password-refused")
    page.locator("#id_new_password1").fill("Marees-de-septembre-2026")
    page.locator("#id_new_password2").fill("Marees-de-septembre-2026")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()

    # Step 2: the birth date is typed as its hint says, « d'Enzo ».
    expect(page.get_by_text("Étape 2 sur 2")).to_be_visible()
    birth_date = page.get_by_label("Date de naissance d'Enzo ANDRE")
    expect(birth_date).to_have_attribute("type", "text")
    expect(page.get_by_text("Format attendu : JJ/MM/AAAA")).to_be_visible()
    birth_date.fill("2 mai 2013")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Saisissez la date au format JJ/MM/AAAA, par exemple 02/05/2013.")).to_be_visible()
    axe(page, "birth date refused")
    shots(page, "family-birth-date")
    page.get_by_label("Date de naissance d'Enzo ANDRE").fill("02/05/2013")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", name="Mon compte ÉduConnect")).to_be_visible()
    axe(page, "family space")

    # On a phone: the header's menu gives « Se déconnecter ».
    page.set_viewport_size(PHONE)
    expect(page.locator(".fr-header__tools-links")).to_be_hidden()
    assert not page_scrolls_sideways(page)
    page.get_by_role("button", name="Menu").click()
    menu = page.locator("#header-menu")
    expect(menu.get_by_role("button", name="Se déconnecter")).to_be_visible()
    axe(page, "family menu at 390 px")
    page.screenshot(path="/tmp/ux-family-menu-390.png")
    menu.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    page.set_viewport_size(DESKTOP)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_htmx_errors_reach_the_screen_where_the_action_was(
    page, live_server, establishment, head, delegate_depannage, axe
):
    """Item 3 and 14: a revoked delegation, a lost connection and an expired session, each said in
    French where the person acted; focus moves to the new content, not while typing."""
    paul = populate(establishment)
    login_as(page, live_server, delegate_depannage)
    page.goto(live_server.url + STUDENTS)
    expect(page.locator("#results tbody tr")).to_have_count(5)
    axe(page, "students list")

    # Typing in the live search keeps the focus in the field (results are swapped meanwhile).
    search = page.get_by_label("Nom ou prénom")
    search.press_sequentially("Dub", delay=30)
    expect(page).to_have_url(re.compile(r"q=Dub"))
    expect(page.locator("#results tbody tr")).to_have_count(2)
    expect(search).to_be_focused()
    # (Leaving the field fires the form's « change » trigger: one more identical search; let it land.)
    with page.expect_response(re.compile(r"/eleves/\?q=Dub")):
        search.blur()
    page.wait_for_load_state("networkidle")

    # A row action moves the focus to the confirmation, then to the banner of the result.
    page.locator(f"#account-{paul.pk}").get_by_role("link", name="Réinitialiser le mot de passe").click()
    expect(page.get_by_role("button", name="Confirmer")).to_be_focused()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator("#banner .fr-alert--success")).to_be_visible()
    page.wait_for_function(f"() => !!document.activeElement.closest('#account-{paul.pk}, #banner')")

    # The connection drops: « Connexion impossible » at the search form, the results stay.
    offline = re.compile(r"/depannage/0380111P/eleves/\?q=Martin")
    page.route(offline, lambda route: route.abort())
    search.fill("Martin")
    alert = page.locator("[data-ec-htmx-alert]:has(+ #filters)")
    expect(alert).to_contain_text("Connexion impossible")
    expect(alert).to_be_focused()
    expect(page.locator("#results tbody tr")).to_have_count(2)
    page.unroute(offline)

    # The head revokes the delegation meanwhile: the next search says « Accès refusé » in place.
    delegation_revoke(actor=head, delegation=Delegation.objects.get(grantee=delegate_depannage))
    search.fill("Pet")
    alert = page.locator("[data-ec-htmx-alert]:has(+ #filters)")
    expect(alert).to_contain_text("Accès refusé")
    expect(alert.get_by_role("link", name="Retour à « Mes applications »")).to_be_visible()
    expect(page.locator("#results tbody tr")).to_have_count(2)  # nothing injected into the results
    axe(page, "access refused alert")
    shots(page, "htmx-access-refused")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_expired_session_never_lands_inside_the_page(
    page, live_server, establishment, delegate_depannage, settings, axe
):
    paul = populate(establishment)
    login_as(page, live_server, delegate_depannage)
    page.goto(live_server.url + STUDENTS)
    page.locator(f"#account-{paul.pk}").get_by_role("link", name="Réinitialiser le mot de passe").click()
    expect(page.get_by_role("button", name="Confirmer")).to_be_visible()

    # The session ends (timeout, sign-out in another tab): « Confirmer » says so in the row.
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the CSRF cookie outlives the session
    page.get_by_role("button", name="Confirmer").click()
    alert = page.locator(f"#account-{paul.pk} [data-ec-htmx-alert]")
    expect(alert).to_contain_text("Votre session a expiré")
    expect(alert).to_be_focused()
    sign_in = alert.get_by_role("link", name="Se reconnecter")
    expect(sign_in).to_have_attribute("href", "/connexion/?next=%2Fdepannage%2F0380111P%2Feleves%2F")
    axe(page, "session expired alert")
    shots(page, "htmx-session-expired")

    # A live search with the expired session loads the sign-in page as a whole page.
    page.get_by_label("Nom ou prénom").fill("Martin")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=%2Fdepannage%2F0380111P%2Feleves%2F"))
    expect(page.get_by_role("heading", name="Connexion au portail des agents")).to_be_visible()
    expect(page.locator("#results")).to_have_count(0)
    axe(page, "staff sign-in")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_error_pages_are_french_with_a_way_back(page, live_server, establishment, other_establishment, head, axe):
    """Item 4: a stranger to another establishment gets the French 404 (status kept), with
    « Mes applications »; families get theirs with « Retour à mon compte »."""
    login_as(page, live_server, head)
    response = page.goto(live_server.url + f"/depannage/{other_establishment.uai}/eleves/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page non trouvée")).to_be_visible()
    axe(page, "404")
    shots(page, "error-404")
    page.get_by_role("main").get_by_role("link", name="Mes applications").click()
    expect(page.get_by_role("heading", name="Accédez à vos applications")).to_be_visible()

    response = page.goto(live_server.url + "/compte/introuvable/")
    assert response.status == 404
    expect(page.get_by_role("main").get_by_role("link", name="Retour à mon compte")).to_be_visible()
    axe(page, "family 404")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_help_is_where_the_seeds_have_it(page, live_server, establishment, head, settings, axe):
    """Item 11: « ? » beside « Pour effectuer des actions… », « Documentation » in the header, the
    guide's matrix, the administration home's shortcuts, the footer's legal pages."""
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    populate(establishment)
    login_as(page, live_server, head)
    page.goto(live_server.url + STUDENTS)
    page.get_by_role("link", name="Aide : quelles actions selon l'état du compte").click()
    expect(page).to_have_url(re.compile(r"/depannage/0380111P/guide/#actions$"))
    matrix = page.get_by_role("table", name="Actions possibles selon l'état du compte")
    expect(matrix.get_by_role("row", name=re.compile("^Réinitialiser le mot de passe"))).to_contain_text("Non")
    axe(page, "troubleshooting guide")
    shots(page, "guide-troubleshooting")

    page.goto(live_server.url + "/administration/0380111P/")
    axe(page, "administration home")
    shots(page, "administration-home")
    page.get_by_role("link", name="Documentation : accès au guide").click()
    expect(page.get_by_role("heading", name="Guide de l'administration des comptes")).to_be_visible()
    axe(page, "administration guide")
    page.get_by_role("link", name="Mes applications").click()
    expect(page.get_by_role("heading", name="Accédez à vos applications")).to_be_visible()
    page.goto(live_server.url + "/administration/0380111P/")
    page.get_by_role("link", name="Accès aux comptes des responsables").click()
    expect(page).to_have_url(re.compile(r"/administration/0380111P/responsables/"))

    for link, heading in [
        ("Accessibilité : non conforme", "Déclaration d'accessibilité"),
        ("Mentions légales", "Mentions légales"),
        ("Données personnelles", "Données personnelles"),
    ]:
        page.locator("footer").get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        axe(page, heading)
    shots(page, "personal-data")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deleg_ce_asks_before_removing_and_explains_inclusion(
    page, live_server, establishment, head, delegate_depannage, settings, axe
):
    """Item 12."""
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    login_as(page, live_server, head)
    page.goto(live_server.url + f"/delegations/0380111P/services/{Service.EDUCONNECT_DEPANNAGE}/")
    page.get_by_role("link", name="Retirer à M. Bruno MORAND").click()
    expect(page.get_by_text("Êtes-vous sûr de vouloir retirer la délégation")).to_be_visible()
    axe(page, "revoke confirmation")
    shots(page, "deleg-revoke-confirm")
    page.get_by_role("link", name="Annuler").click()
    expect(page.get_by_role("link", name="Retirer à M. Bruno MORAND")).to_be_visible()
    assert Delegation.objects.get(grantee=delegate_depannage).revoked_at is None

    # Administration to the holder of Dépannage: explained, the redundant one ended.
    page.goto(live_server.url + f"/delegations/0380111P/services/{Service.EDUCONNECT_ADMINISTRATION}/")
    expect(page.get_by_text("Ce service inclut « ÉduConnect - Dépannage des comptes élèves »")).to_be_visible()
    grantee = page.get_by_label("Personne")
    expect(grantee.locator("option", has_text="JAMIER")).to_have_count(0)  # not offered to herself
    grantee.select_option(str(delegate_depannage.pk))
    page.locator("input[name=end_date]").fill("")  # no end date: covers his Dépannage (no end date either)
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text("Elle a été retirée à M. Bruno MORAND.")).to_be_visible()
    axe(page, "inclusion explained")
    shots(page, "deleg-inclusion")
    assert not Delegation.objects.filter(
        grantee=delegate_depannage, service__code=Service.EDUCONNECT_DEPANNAGE, revoked_at__isnull=True
    ).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_on_a_phone_and_on_a_keyboard(page, live_server, establishment, delegate_depannage, axe):
    """Items 13 and 14: the menu gives the tabs and « Se déconnecter »; the wide table scrolls in
    its container; Escape closes the class multi-select whose options leave the tab order."""
    populate(establishment)
    login_as(page, live_server, delegate_depannage)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + STUDENTS)
    assert not page_scrolls_sideways(page)
    table = page.locator("#students-table")
    assert table.evaluate("t => { const c = t.querySelector('table'); return c.scrollWidth > t.clientWidth; }")
    page.get_by_role("button", name="Menu").click()
    menu = page.locator("#header-menu")
    expect(menu.get_by_role("link", name="Accueil")).to_be_visible()
    expect(menu.get_by_role("link", name="Mes applications")).to_be_visible()
    expect(menu.get_by_role("button", name="Se déconnecter")).to_be_visible()
    axe(page, "staff menu at 390 px")
    page.screenshot(path="/tmp/ux-staff-menu-390.png")
    menu.get_by_role("button", name="Fermer").click()
    page.set_viewport_size(DESKTOP)

    # Keyboard: open the state dropdown, Escape closes it and gives the focus back.
    summary = page.locator("summary", has_text="Tous les états")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Non activé - informé")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Non activé - informé")).to_be_hidden()
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('[data-ec-multiselect]')")

    # Paging (a click inside the swapped results) moves the focus into the new results.
    page.locator("#results").get_by_role("link", name="Élève", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort="))  # pushed before the swap settles: wait for the focus
    in_results = "!!document.activeElement && !!document.activeElement.closest('#results')"
    for _ in range(50):  # up to 5 s (the page's CSP forbids wait_for_function's eval)
        if page.evaluate(in_results):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(in_results)
    axe(page, "sorted list")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion au portail des agents")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_validation_error_comes_back_into_its_form(page, live_server, establishment, head, settings, axe):
    """Item 3: a 422 answer to an HTMX form is swapped in place, with its French error (before,
    HTMX dropped every 4xx answer and nothing happened on screen)."""
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    login_as(page, live_server, head)
    page.goto(live_server.url + "/administration/0380111P/parametres/")
    page.evaluate("window.__not_reloaded = true")
    block = page.locator("section[id^=address-]").first
    block.get_by_label("Adresse internet").fill("pas-une-adresse")
    with page.expect_response(lambda r: r.status == 422):
        block.get_by_role("button", name="Vérifier").click()
    block = page.locator("section[id^=address-]").first
    expect(block.get_by_role("alert")).to_contain_text("Saisissez une adresse internet valide commençant par https://.")
    expect(block.get_by_label("Adresse internet")).to_have_value("pas-une-adresse")
    assert page.evaluate("window.__not_reloaded") is True
    axe(page, "parameters with an error")
    shots(page, "parameters-422")
