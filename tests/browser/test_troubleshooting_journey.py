"""Browser journey: M. MORAND (Dépannage delegation) finds « Paul Dubois », resets his password,
reads the banner, and downloads the PDF list with the new password in it. Then the filters survive
the back button, and « Sélectionner tout » resets the whole search."""

import io
import os
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Account
from accounts.passwords import provisional_password
from tests.browser.helpers import login_as
from tests.factories import AccountFactory, DivisionFactory, StudentFactory

ESTABLISHMENT_URL = "/depannage/0380111P/"


def populate(establishment):
    d31 = DivisionFactory(establishment=establishment, code="3EME1", label="3EME1")
    d32 = DivisionFactory(establishment=establishment, code="3EME2", label="3EME2")
    paul = AccountFactory(
        student=StudentFactory(establishment=establishment, last_name="DUBOIS", first_name="Paul", division=d31),
        identifier="paul.dubois",
        informed=True,
    )
    people = [
        ("MARTIN", "Éloïse", d31, {"activated": True}),
        ("DUBOIS", "Léa", d32, {"activating": True}),
        ("BERNARD", "Hugo", d32, {}),
        ("PETIT", "Chloé", d31, {"informed": True}),
    ]
    for last, first, division, traits in people:
        AccountFactory(
            student=StudentFactory(establishment=establishment, last_name=last, first_name=first, division=division),
            **traits,
        )
    return paul


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_morand_resets_paul_dubois_and_prints_the_list(
    axe, page, live_server, establishment, delegate_depannage, screenshot_dir
):
    paul = populate(establishment)
    login_as(page, live_server, delegate_depannage)

    page.goto(live_server.url + ESTABLISHMENT_URL)
    expect(page.get_by_text("ÉduConnect - Dépannage des comptes élèves").first).to_be_visible()
    expect(page.get_by_text("CLG PRE BENIT BOURGOIN-JALLIEU (0380111P)").first).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "troubleshooting-home.png"), full_page=True)
    axe(page, "troubleshooting-home")

    page.get_by_role("link", name="Élèves", exact=True).first.click()
    expect(page.get_by_role("heading", name="Gestion des comptes élèves")).to_be_visible()
    expect(page.locator("#results tbody tr")).to_have_count(5)
    page.screenshot(path=os.path.join(screenshot_dir, "troubleshooting-students.png"), full_page=True)
    axe(page, "troubleshooting-students")

    # Search without reloading the page; the URL keeps the filters.
    page.evaluate("window.__not_reloaded = true")
    page.get_by_label("Nom ou prénom").fill("Paul Dubois")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/depannage/0380111P/eleves/\?q=Paul\+Dubois$"))
    assert page.evaluate("window.__not_reloaded") is True
    row = page.locator(f"#account-{paul.pk}")
    expect(row).to_contain_text("DUBOIS Paul")
    expect(row).to_contain_text("3EME1")
    expect(row).to_contain_text("Non activé - informé")
    expect(row).to_contain_text("Non renseigné")
    old_password = provisional_password(paul)
    expect(row).to_contain_text(old_password)
    page.screenshot(path=os.path.join(screenshot_dir, "troubleshooting-search.png"), full_page=True)
    axe(page, "troubleshooting-search")

    # Reset: confirmation, then the banner and the row updated in place.
    row.get_by_role("link", name="Réinitialiser le mot de passe").click()
    expect(page.get_by_text("Êtes-vous sûr de vouloir réinitialiser le mot de passe de ce compte ?")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "troubleshooting-confirm.png"), full_page=True)
    axe(page, "troubleshooting-confirm")
    page.get_by_role("button", name="Confirmer").click()
    banner = page.locator("#banner .fr-alert--success")
    expect(banner).to_contain_text("Le mot de passe de l'élève Paul DUBOIS a bien été réinitialisé.")
    expect(banner).to_contain_text("Ce mot de passe est à modifier lors de la prochaine connexion.")
    new_password = banner.locator("strong").inner_text()
    assert new_password != old_password
    assert new_password == provisional_password(Account.objects.get(pk=paul.pk))
    expect(page.locator(f"#account-{paul.pk}")).to_contain_text(new_password)
    assert page.evaluate("window.__not_reloaded") is True
    page.screenshot(path=os.path.join(screenshot_dir, "troubleshooting-banner.png"), full_page=True)
    axe(page, "troubleshooting-banner")

    # Select the row, « Lister les comptes », PDF.
    expect(page.get_by_text("0 élève(s) sélectionné(s) sur 1")).to_be_visible()
    page.locator(f"#select-{paul.pk}").check(force=True)
    expect(page.get_by_text("1 élève(s) sélectionné(s) sur 1")).to_be_visible()
    page.get_by_role("button", name="Lister les comptes").click()
    expect(page.get_by_text("choisissez ci-dessous le format souhaité")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "troubleshooting-list-format.png"), full_page=True)
    axe(page, "troubleshooting-list-format")
    page.get_by_text("Liste des élèves (format pdf)").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Confirmer").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert new_password in text
    assert "DUBOIS Paul" in text and "paul.dubois" in text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_filters_survive_back_and_select_all_resets_the_search(
    axe, page, live_server, establishment, head, screenshot_dir
):
    populate(establishment)
    login_as(page, live_server, head)
    page.goto(live_server.url + ESTABLISHMENT_URL + "eleves/")
    expect(page.locator("#results tbody tr")).to_have_count(5)

    # Filter by state (multi-select dropdown) then by class; the URL follows, the back button works.
    page.locator("summary", has_text="Tous les états").click()
    page.get_by_label("Non activé - informé").check(force=True)
    page.get_by_label("En cours d'activation").check(force=True)
    expect(page.locator("#results tbody tr")).to_have_count(3)
    expect(page).to_have_url(re.compile(r"state=informe&state=en_cours"))
    page.screenshot(path=os.path.join(screenshot_dir, "troubleshooting-filters.png"), full_page=True)
    axe(page, "troubleshooting-filters")
    page.locator("#results").get_by_role("link", name="Élève", exact=True).click()  # by name, descending
    expect(page).to_have_url(re.compile(r"sort=-eleve"))
    expect(page.locator("#results tbody tr").first).to_contain_text("PETIT Chloé")
    page.go_back()
    expect(page).to_have_url(re.compile(r"state=informe&state=en_cours$"))
    expect(page.locator("#results tbody tr")).to_have_count(3)
    expect(page.locator("#results tbody tr").first).to_contain_text("DUBOIS Léa")

    # « Sélectionner tout »: the whole search, then « Réinitialiser les mots de passe ».
    page.get_by_label("Sélectionner tout").check(force=True)
    expect(page.get_by_text("3 élève(s) sélectionné(s) sur 3")).to_be_visible()
    page.get_by_role("button", name="Réinitialiser les mots de passe").click()
    expect(
        page.get_by_text("Êtes-vous sûr de vouloir réinitialiser le mot de passe de ces 3 comptes ?")
    ).to_be_visible()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("Les mots de passe de 3 élèves ont bien été réinitialisés.")).to_be_visible()
    expect(page.locator("table .ec-secret")).to_have_count(3)
    page.screenshot(path=os.path.join(screenshot_dir, "troubleshooting-bulk-result.png"), full_page=True)
    axe(page, "troubleshooting-bulk-result")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Liste des élèves (format csv)").click()
    assert download_info.value.suggested_filename.endswith(".csv")
