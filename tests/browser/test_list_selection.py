"""Issue 14 items 7–8 in the browser: the account lists at 1280 px (every column with the action in
view, a row on one or two lines), the selection that survives paging, a new search and a refused
action, a counter that agrees with the confirmation (rows vs accounts), the result banner of a reset
in view and focused. Each key screen is photographed at 1280 and 390 px and checked by axe."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.accounts.administration_support import representative_account
from tests.browser.helpers import login_as
from tests.factories import AccountFactory, DivisionFactory, MefFactory, StudentFactory

UAI = "0380111P"
STUDENTS = f"/depannage/{UAI}/eleves/"
ADMIN_STUDENTS = f"/administration/{UAI}/eleves/"
ADMIN_REPS = f"/administration/{UAI}/responsables/"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _intranet(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]  # the administration module without OTP


@pytest.fixture
def desktop(page):
    page.set_viewport_size(DESKTOP)
    return page


def shots(page, screenshot_dir, name: str) -> None:
    """The screen at 1280 px and at 390 px (then back to 1280)."""
    page.screenshot(path=os.path.join(screenshot_dir, f"selection-{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=os.path.join(screenshot_dir, f"selection-{name}-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def counter(page):
    return page.locator("[data-ec-selection-count]")


def results_rows(page):
    return page.locator("#results tbody tr")


def tick(page, pk) -> None:
    page.locator(f"#select-{pk}").check(force=True)  # DSFR: the label draws the box


def student(establishment, last_name, first_name="Léa", division="3EME1", **traits):
    division = DivisionFactory(establishment=establishment, code=division, label=division)
    return AccountFactory(
        student=StudentFactory(
            establishment=establishment, last_name=last_name, first_name=first_name, division=division
        ),
        **traits,
    )


def class_of(establishment, n: int, division="3EME1") -> list:
    """`n` informed students ELEVE01…, sorted by name as the list sorts them."""
    return [student(establishment, f"ELEVE{i:02d}", division=division, informed=True) for i in range(1, n + 1)]


def poll(page, script: str, *, tries: int = 50):
    """The page's CSP forbids wait_for_function: evaluate until truthy."""
    for _ in range(tries):
        value = page.evaluate(script)
        if value:
            return value
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


# --- 1280 px --------------------------------------------------------------------------------

LAYOUT = """() => {
  const table = document.querySelector('#results table');
  const rows = [...table.querySelectorAll('tbody tr')].map(tr => {
    const lines = [...tr.cells].map(td => {
      const style = getComputedStyle(td);
      const content = td.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
      return content / parseFloat(style.lineHeight);
    });
    const last = tr.cells[tr.cells.length - 1];
    return {id: tr.id, lines: Math.max(...lines), actionRight: last.getBoundingClientRect().right,
            action: !!last.querySelector('a.fr-btn, button.fr-btn')};
  });
  return {rows, viewport: window.innerWidth, tableScrolls: table.scrollWidth > table.clientWidth,
          pageScrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth};
}"""


def assert_compact(page, screen: str) -> None:
    layout = page.evaluate(LAYOUT)
    assert layout["rows"], screen
    assert not layout["tableScrolls"] and not layout["pageScrolls"], screen
    for row in layout["rows"]:
        assert row["lines"] <= 2.01, (screen, row)  # one or two lines (24 px each)
        assert row["action"] and row["actionRight"] <= layout["viewport"], (screen, row)


def awkward_people(establishment):
    """Long names, a long class and MEF, a long address, every state (one never informed)."""
    mef = MefFactory(establishment=establishment, code="16710002110", label="3EME SEGPA", short_label="3EME SEGPA")
    division = DivisionFactory(establishment=establishment, code="3EME SEGPA B", label="3EME SEGPA B", mef=mef)
    people = [
        ("DE LA FONTAINE-MONTGOLFIER", "Marie-Charlotte Éléonore", {"informed": True}),
        ("N'DIAYE", "Aminata", {}),
        ("MARTIN", "Léo", {"activated": True, "email": "marie-charlotte.delafontaine-montgolfier@example-academie.fr"}),
        ("BERNARD", "Hugo", {"activating": True}),
    ]
    accounts = []
    for i, (last, first, traits) in enumerate(people):
        child = StudentFactory(establishment=establishment, last_name=last, first_name=first, division=division)
        accounts.append(
            AccountFactory(student=child, identifier=f"marie-charlotte.delafontaine-montgolfier{i}", **traits)
        )
        representative_account(
            establishment,
            last,
            f"{first} Geneviève",
            [child],
            email="genevieve.delafontaine-montgolfier@messagerie-parents.example.org",
            identifier=f"genevieve.delafontaine-montgolfier{i}",
            informed=True,
        )
    return accounts


def test_every_column_and_the_action_fit_at_1280_on_one_or_two_lines(
    desktop, live_server, establishment, head, axe, screenshot_dir
):
    awkward_people(establishment)
    page = desktop
    login_as(page, live_server, head)
    for url, screen in [(STUDENTS, "troubleshooting"), (ADMIN_STUDENTS, "admin-students"), (ADMIN_REPS, "admin-reps")]:
        page.goto(live_server.url + url)
        expect(results_rows(page)).to_have_count(4)
        shots(page, screenshot_dir, f"layout-{screen}")
        assert_compact(page, screen)
        axe(page, screen)
    # « Pourquoi ? » opens under the disabled button without pushing the action out of view.
    page.goto(live_server.url + STUDENTS)
    page.locator("summary", has_text="Pourquoi ?").click()
    expect(page.get_by_text("un droit que vous n'avez pas")).to_have_count(0)  # the head may notify
    expect(page.get_by_text("Notifiez-le plutôt que de le réinitialiser")).to_be_visible()
    assert not page.evaluate(LAYOUT)["pageScrolls"]


# --- the selection survives -----------------------------------------------------------------


def test_the_selection_survives_paging(desktop, live_server, establishment, head, axe, screenshot_dir):
    accounts = class_of(establishment, 55)
    page = desktop
    login_as(page, live_server, head)
    page.goto(live_server.url + STUDENTS)
    expect(results_rows(page)).to_have_count(50)
    tick(page, accounts[0].pk)
    tick(page, accounts[1].pk)
    expect(counter(page)).to_have_text("2 élève(s) sélectionné(s) sur 55")

    page.get_by_role("link", name="Suivant").click()
    expect(results_rows(page)).to_have_count(5)
    expect(counter(page)).to_have_text("2 élève(s) sélectionné(s), dont 2 hors de cette page")
    tick(page, accounts[54].pk)
    expect(counter(page)).to_have_text("3 élève(s) sélectionné(s), dont 2 hors de cette page")
    axe(page, "selection on page 2")
    shots(page, screenshot_dir, "paging")

    page.get_by_role("link", name="Précédent").click()
    expect(results_rows(page)).to_have_count(50)
    expect(page.locator(f"#select-{accounts[0].pk}")).to_be_checked()
    expect(page.locator(f"#select-{accounts[1].pk}")).to_be_checked()
    expect(page.locator(f"#select-{accounts[2].pk}")).not_to_be_checked()
    expect(counter(page)).to_have_text("3 élève(s) sélectionné(s), dont 1 hors de cette page")

    # The confirmation acts on all three, the one of page 2 included.
    page.get_by_role("button", name="Réinitialiser les mots de passe").click()
    expect(page.locator("#selection-summary")).to_have_text("3 comptes sélectionnés :")
    expect(
        page.get_by_text("Êtes-vous sûr de vouloir réinitialiser le mot de passe de ces 3 comptes ?")
    ).to_be_visible()


def test_the_selection_survives_a_new_search_and_coming_back(desktop, live_server, establishment, head, axe):
    third = class_of(establishment, 3, division="3EME1")
    fourth = [student(establishment, f"QUATRE{i}", division="4EME2", informed=True) for i in range(2)]
    page = desktop
    login_as(page, live_server, head)
    page.goto(live_server.url + STUDENTS)
    expect(results_rows(page)).to_have_count(5)

    page.get_by_label("Nom ou prénom").fill("eleve")
    expect(results_rows(page)).to_have_count(3)
    tick(page, third[0].pk)
    page.get_by_label("Nom ou prénom").fill("quatre")
    expect(results_rows(page)).to_have_count(2)
    expect(counter(page)).to_have_text("1 élève(s) sélectionné(s), dont 1 hors de cette page")
    tick(page, fourth[1].pk)
    expect(counter(page)).to_have_text("2 élève(s) sélectionné(s), dont 1 hors de cette page")

    page.get_by_label("Nom ou prénom").fill("eleve")
    expect(results_rows(page)).to_have_count(3)
    expect(page.locator(f"#select-{third[0].pk}")).to_be_checked()
    expect(counter(page)).to_have_text("2 élève(s) sélectionné(s), dont 1 hors de cette page")
    axe(page, "selection after a new search")

    # « Sélectionner tout » adds the whole search to what was chosen elsewhere, then takes it away.
    page.get_by_label("Sélectionner tout").check(force=True)
    expect(counter(page)).to_have_text("4 élève(s) sélectionné(s), dont 1 hors de cette page")
    page.get_by_label("Sélectionner tout").uncheck(force=True)
    expect(counter(page)).to_have_text("1 élève(s) sélectionné(s), dont 1 hors de cette page")
    page.get_by_role("button", name="Tout désélectionner").click()
    expect(counter(page)).to_have_text("0 élève(s) sélectionné(s) sur 3")
    expect(page.get_by_role("button", name="Réinitialiser les mots de passe")).to_be_disabled()
    expect(page.get_by_label("Sélectionner tout")).to_be_focused()


def test_the_selection_survives_a_refused_action_and_an_htmx_error(
    desktop, live_server, establishment, delegate_depannage, axe, screenshot_dir
):
    accounts = class_of(establishment, 55)
    never = student(establishment, "AAAJAMAIS")  # « Non activé - non informé », first by name
    page = desktop
    login_as(page, live_server, delegate_depannage)
    page.goto(live_server.url + STUDENTS)
    tick(page, never.pk)
    tick(page, accounts[0].pk)
    expect(counter(page)).to_have_text("2 élève(s) sélectionné(s) sur 56")

    # The page after fails (500): said where the person acted, nothing of the selection is lost.
    next_page = re.compile(r"/eleves/\?page=2$")
    page.route(next_page, lambda route: route.fulfill(status=500, body="boom"))
    page.get_by_role("link", name="Suivant").click()
    alert = page.locator("[data-ec-htmx-alert]")
    expect(alert).to_contain_text("Erreur inattendue")
    expect(page.locator(f"#select-{never.pk}")).to_be_checked()
    expect(counter(page)).to_have_text("2 élève(s) sélectionné(s) sur 56")
    page.unroute(next_page)
    page.get_by_role("link", name="Suivant").click()
    expect(results_rows(page)).to_have_count(6)
    expect(counter(page)).to_have_text("2 élève(s) sélectionné(s), dont 2 hors de cette page")
    tick(page, accounts[54].pk)

    # The bulk reset refuses the never-informed account, and says why in this person's terms.
    page.get_by_role("button", name="Réinitialiser les mots de passe").click()
    expect(page.get_by_text("2 comptes seront traités, 1 ne peut pas l'être")).to_be_visible()
    expect(page.get_by_text("un droit que vous n'avez pas dans cet établissement")).to_be_visible()
    expect(page.get_by_text("Notifiez")).to_have_count(0)
    axe(page, "mixed selection confirmation")
    page.get_by_role("link", name="Annuler").click()
    expect(results_rows(page)).to_have_count(50)
    expect(page.locator(f"#select-{never.pk}")).to_be_checked()
    expect(counter(page)).to_have_text("3 élève(s) sélectionné(s), dont 1 hors de cette page")

    # Only refused accounts: nothing to confirm; back to the list, the selection is still there.
    page.get_by_role("button", name="Tout désélectionner").click()
    tick(page, never.pk)
    page.get_by_role("button", name="Réinitialiser les mots de passe").click()
    expect(page.get_by_text("Aucun des comptes sélectionnés ne peut être réinitialisé.")).to_be_visible()
    page.get_by_role("link", name="Retour à la liste").first.click()
    expect(page.locator(f"#select-{never.pk}")).to_be_checked()
    expect(counter(page)).to_have_text("1 élève(s) sélectionné(s) sur 56")


# --- counter and confirmation agree ---------------------------------------------------------


def test_counter_and_confirmation_count_rows_and_accounts_alike(
    desktop, live_server, head, family, axe, screenshot_dir
):
    """Two representatives of two children: four rows, two accounts — the same words on both screens."""
    page = desktop
    login_as(page, live_server, head)
    page.goto(live_server.url + ADMIN_REPS + "?q=sabrier")
    expect(results_rows(page)).to_have_count(4)
    hint = page.get_by_text("Un représentant légal de plusieurs élèves a une ligne par élève et un seul compte")
    goulan_rows = page.locator(f'input[data-ec-account="{family["goulan"].pk}"]')
    goulan_rows.first.check(force=True)
    expect(counter(page)).to_contain_text("sélectionnés sur 4")  # one row, one account: the list's words
    expect(counter(page)).not_to_contain_text("ligne")
    expect(hint).to_be_hidden()
    goulan_rows.last.check(force=True)
    expect(counter(page)).to_have_text("2 lignes sélectionnées sur 4 — 1 compte")
    expect(hint.first).to_be_visible()
    page.get_by_label("Sélectionner tout").check(force=True)
    expect(counter(page)).to_have_text("4 lignes sélectionnées sur 4 — 2 comptes")
    axe(page, "rows and accounts")
    shots(page, screenshot_dir, "rows-and-accounts")

    listed = counter(page).inner_text().replace(" sur 4", "")
    page.get_by_role("button", name="Réinitialiser les mots de passe").click()
    expect(page.locator("#selection-summary")).to_have_text(f"{listed} :")
    expect(page.get_by_text("Un représentant légal de plusieurs élèves a une ligne par élève")).to_be_visible()
    axe(page, "confirmation rows and accounts")


# --- the result banner ----------------------------------------------------------------------

IN_VIEW = """(selector) => {
  const element = document.querySelector(selector);
  if (!element || document.activeElement !== element) return false;
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def test_after_a_reset_the_banner_is_in_view_and_focused(
    desktop, live_server, establishment, head, axe, screenshot_dir
):
    accounts = class_of(establishment, 50)
    last = accounts[-1]
    page = desktop
    login_as(page, live_server, head)
    page.goto(live_server.url + STUDENTS)
    tick(page, accounts[0].pk)

    # One row, at the bottom of the page: the banner above the list comes into view with the focus.
    row = page.locator(f"#account-{last.pk}")
    row.get_by_role("link", name="Réinitialiser le mot de passe").click()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator("#reset-banner")).to_contain_text(f"Le mot de passe de l'élève Léa {last.student.last_name}")
    assert poll(page, f"() => ({IN_VIEW})('#reset-banner')")
    expect(page.locator(f"#select-{accounts[0].pk}")).to_be_checked()  # the row swap keeps the selection
    axe(page, "single reset banner")
    page.screenshot(path=os.path.join(screenshot_dir, "selection-single-reset-viewport-1280.png"))
    shots(page, screenshot_dir, "single-reset")

    # Many: the result page's banner has the focus, and the list's selection is done with.
    page.get_by_role("button", name="Réinitialiser les mots de passe").click()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator("#reset-banner")).to_contain_text("Le mot de passe d'un élève a bien été réinitialisé.")
    assert poll(page, f"() => ({IN_VIEW})('#reset-banner')")
    axe(page, "bulk reset banner")
    shots(page, screenshot_dir, "bulk-reset")
    page.get_by_role("link", name="Retour à la liste").click()
    expect(counter(page)).to_have_text("0 élève(s) sélectionné(s) sur 50")
    expect(page.locator(f"#select-{accounts[0].pk}")).not_to_be_checked()


def test_the_selection_is_kept_per_person_and_per_list(desktop, live_server, establishment, head, family):
    """The troubleshooting and administration Élèves lists keep their own selection."""
    page = desktop
    login_as(page, live_server, head)
    page.goto(live_server.url + STUDENTS)
    tick(page, family["lena"].pk)
    expect(counter(page)).to_have_text("1 élève(s) sélectionné(s) sur 2")
    page.goto(live_server.url + ADMIN_STUDENTS)
    expect(counter(page)).to_have_text("0 élèves sélectionnés sur 2")
