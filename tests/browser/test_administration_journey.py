"""Browser journey: Mme JAMIER filters the legal representatives « sans adresse mail » in 3EME1,
selects them all, (re)notifies them by printable sheet and gets the PDF; then opens a parent's page
and resets the identifier. Every screen of the module is photographed on the way."""

import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import AccountState
from tests.browser.helpers import login_as

HOME = "/administration/0380111P/"


@pytest.fixture(autouse=True)
def _intranet_and_sync(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 40


def shot(page, screenshot_dir, name):
    page.screenshot(path=os.path.join(screenshot_dir, f"administration-{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_jamier_notifies_3eme1_without_email_and_resets_an_identifier(
    axe, page, live_server, head, family, class_3eme1, screenshot_dir
):
    login_as(page, live_server, head)
    page.goto(live_server.url + HOME)
    expect(page.get_by_text("ÉduConnect - Administration des comptes").first).to_be_visible()
    expect(page.get_by_text("données fournies par SIECLE le 15/09/2026")).to_be_visible()
    shot(page, screenshot_dir, "home")
    axe(page, "home")

    page.get_by_role("link", name="Représentants légaux", exact=True).first.click()
    expect(page.get_by_role("heading", name="Gestion des comptes représentants légaux")).to_be_visible()
    expect(page.locator("#results tbody tr")).to_have_count(7)
    shot(page, screenshot_dir, "representatives")
    axe(page, "representatives")

    # Filters without reloading: « Sans adresse mail », class 3EME1.
    page.evaluate("window.__not_reloaded = true")
    page.get_by_label("Adresse mail", exact=True).select_option("sans")  # not the search field
    expect(page.locator("#results tbody tr")).to_have_count(4)
    page.locator("summary", has_text="Toutes les classes").click()
    page.locator('label[for^="division-"]', has_text=re.compile(r"^3EME1$")).click()  # DSFR: the label covers the box
    expect(page.locator("#results tbody tr")).to_have_count(2)
    assert page.evaluate("window.__not_reloaded") is True
    expect(page.locator("#results")).to_contain_text("DUBOIS Claire")
    expect(page.locator("#results")).to_contain_text("MARTIN Sophie")
    page.locator("h1").click()  # close the dropdown

    page.locator('label[for="select-all"]').click()
    expect(page.locator("[data-ec-selection-count]")).to_contain_text("2 représentants légaux sélectionnés sur 2")
    shot(page, screenshot_dir, "representatives-filtered")
    axe(page, "representatives-filtered")

    page.get_by_role("button", name="(Re)notifier les comptes").click()
    expect(page.get_by_role("heading", name="(Re)notifier les comptes")).to_be_visible()
    expect(page.get_by_text("2 comptes non notifiables : sans adresse mail")).to_be_visible()
    expect(page.get_by_label("Par feuilles individuelles imprimables")).to_be_checked()
    shot(page, screenshot_dir, "notify-confirm")
    axe(page, "notify-confirm")
    page.get_by_role("button", name="Confirmer").click()

    expect(page.get_by_text("La distribution a été effectuée avec succès")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le courrier au format PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "claire.dubois" in text and "sophie.martin" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    shot(page, screenshot_dir, "notify-done")
    axe(page, "notify-done")
    claire = class_3eme1["claire"]
    claire.refresh_from_db()
    assert claire.state == AccountState.INFORMED

    # Back to the list (the search is kept), then a parent's page.
    page.get_by_role("link", name="Retour à la liste").click()
    expect(page.locator("#results tbody tr")).to_have_count(2)
    expect(page.locator("#results")).to_contain_text("Non activé - informé")
    page.get_by_role("link", name="Voir le compte de Mme Claire DUBOIS").click()
    expect(page.get_by_role("heading", name=re.compile("Compte du représentant légal"))).to_be_visible()
    expect(page.locator("#account-identifier")).to_have_text("claire.dubois")
    expect(page.get_by_text("Seuls les mots de passe provisoires sont affichés")).to_be_visible()
    shot(page, screenshot_dir, "representative-account")
    axe(page, "representative-account")

    page.get_by_role("link", name="Réinitialiser l'identifiant").click()
    expect(page.get_by_text("Êtes-vous sûr de vouloir réinitialiser l'identifiant")).to_be_visible()
    shot(page, screenshot_dir, "reset-identifier-confirm")
    axe(page, "reset-identifier-confirm")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("Le nouvel identifiant est claire.dubois1")).to_be_visible()
    expect(page.locator("#account-identifier")).to_have_text("claire.dubois1")
    shot(page, screenshot_dir, "reset-identifier-done")
    axe(page, "reset-identifier-done")
    claire.refresh_from_db()
    assert claire.identifier == "claire.dubois1"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_screens_students_and_parameters(axe, page, live_server, head, family, screenshot_dir, settings, local_site):
    settings.EDUCONNECT_PARAMETERS_URL_SCHEMES = ["https", "http"]  # the local test site speaks HTTP
    settings.EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # « Vérifier » may reach it (loopback)
    login_as(page, live_server, head)
    page.goto(live_server.url + HOME + "eleves/")
    expect(page.get_by_role("heading", name="Gestion des comptes élèves")).to_be_visible()
    expect(page.locator("#results tbody tr")).to_have_count(2)
    shot(page, screenshot_dir, "students")
    axe(page, "students")
    page.get_by_role("link", name="Voir le compte de Théo SABRIER").click()
    expect(page.get_by_role("heading", name=re.compile("Compte de l'élève"))).to_be_visible()
    expect(page.get_by_text("Représentants légaux liés au compte")).to_be_visible()
    shot(page, screenshot_dir, "student-account")
    axe(page, "student-account")
    page.get_by_role("link", name="Informer").click()
    expect(page.get_by_text("Avec réinitialisation du mot de passe", exact=True)).to_be_visible()
    shot(page, screenshot_dir, "student-inform")
    axe(page, "student-inform")

    # Bulk password reset on the whole list (never-informed accounts would be left out: see the unit tests).
    page.get_by_role("link", name="Élèves", exact=True).first.click()
    page.locator('label[for="select-all"]').click()
    page.get_by_role("button", name="Réinitialiser les mots de passe").click()
    expect(
        page.get_by_text("Êtes-vous sûr de vouloir réinitialiser le mot de passe de ces 2 comptes ?")
    ).to_be_visible()
    shot(page, screenshot_dir, "bulk-reset-confirm")
    axe(page, "bulk-reset-confirm")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("Les mots de passe de 2 élèves ont bien été réinitialisés.")).to_be_visible()
    shot(page, screenshot_dir, "bulk-reset-result")
    axe(page, "bulk-reset-result")

    page.get_by_role("link", name="Retour à la liste").click()
    page.locator('label[for="select-all"]').click()
    page.get_by_role("button", name="Lister les comptes").click()
    expect(page.get_by_text("Liste des élèves (format pdf)")).to_be_visible()
    shot(page, screenshot_dir, "list-choose")
    axe(page, "list-choose")

    page.get_by_role("link", name="Paramètres", exact=True).first.click()
    expect(page.get_by_role("heading", name="Courriers et mails de communication")).to_be_visible()
    page.get_by_label("Adresse internet").first.fill(local_site)
    page.get_by_role("button", name="Vérifier").first.click()
    expect(page.get_by_text("L'adresse a bien été vérifiée")).to_be_visible()
    page.locator('label[for="switch-eleves"]').click()
    expect(page.get_by_text("L'adresse est intégrée dans les courriers et mails.")).to_be_visible()
    shot(page, screenshot_dir, "parameters")
    axe(page, "parameters")
