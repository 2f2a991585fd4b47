"""Browser journey (issue 14 item 6): Mme JAMIER (re)notifies the whole list of students while no
Paramètres address is switched on — the confirmation warns « IMPORTANT – Paramétrage avant
notification des comptes » and links to Paramètres; she notifies anyway, and the letter sends the
family to this deployment's sign-in page. She then verifies and switches on the students' address:
the next confirmation has no warning, and the letter prints the address. Same warning in the
« Informer » panel (HTMX) of a parent's page."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login_as

HOME = "/administration/0380111P/"
TITLE = "IMPORTANT – Paramétrage avant notification des comptes"


@pytest.fixture(autouse=True)
def _intranet_and_sync(settings, live_server):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 40
    settings.EDUCONNECT_SITE_URL = live_server.url


def shot(page, out, name):
    """Desktop (1280 px) and 390 px wide screenshots of the current screen."""
    for width, suffix in ((1280, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(out, f"parameters-warning-{name}{suffix}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def download_letters(page, out, tmp_path, name) -> str:
    """Download the letters of the job page; their text (pdftotext), and page 1 as PNG (60 dpi)."""
    expect(page.get_by_text("La distribution a été effectuée avec succès")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le courrier au format PDF").click()
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(Path(download_info.value.path()).read_bytes())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), os.path.join(out, name)], check=True
    )
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_warning_then_notify_then_switch_the_address_on(
    axe, page, live_server, head, family, screenshot_dir, settings, local_site, tmp_path
):
    settings.EDUCONNECT_PARAMETERS_URL_SCHEMES = ["https", "http"]  # the local test site speaks HTTP
    settings.EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # « Vérifier » may reach it (loopback)
    sign_in = live_server.url + "/compte/connexion/"
    out = os.environ.get("EDUCONNECT_SHOTS") or screenshot_dir
    os.makedirs(out, exist_ok=True)
    login_as(page, live_server, head)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The whole list (« Sélectionner tout »), no address switched on: the warning.
    page.goto(live_server.url + HOME + "eleves/")
    page.locator('label[for="select-all"]').click()
    page.get_by_role("button", name="(Re)notifier les comptes").click()
    warning = page.locator("#parameters-warning")
    expect(warning.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(warning).to_contain_text("Aucune adresse internet n'est intégrée dans les courriers et mails des élèves")
    expect(warning).to_contain_text("L'onglet « Paramètres » permet d'insérer une adresse")
    axe(page, "notify-confirm-with-warning")
    shot(page, out, "confirm")

    # Notifying stays possible: the letter gives the sign-in page of this deployment.
    page.get_by_role("button", name="Confirmer").click()
    text = download_letters(page, out, tmp_path, "letters-without-address")
    assert f"l'adresse internet suivante : {sign_in}" in text
    assert "Vos services en ligne" not in text

    # The warning's link leads to Paramètres: verify and switch on the students' address. The
    # notification done, the list's selection was emptied.
    page.goto(live_server.url + HOME + "eleves/")
    expect(page.locator("[data-ec-selection-count]")).to_have_text(re.compile(r"^0 élève"))
    page.locator('label[for="select-all"]').click()
    page.get_by_role("button", name="(Re)notifier les comptes").click()
    page.get_by_role("link", name="Renseigner et activer l'adresse dans les Paramètres").click()
    expect(page.get_by_role("heading", name="Courriers et mails de communication")).to_be_visible()
    page.locator("#url-eleves").fill(local_site)
    page.locator("#address-eleves").get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text("L'adresse a bien été vérifiée")).to_be_visible()
    page.locator('label[for="switch-eleves"]').click()
    expect(page.get_by_text("L'adresse est intégrée dans les courriers et mails.")).to_be_visible()

    # Back to the list: the selection left for Paramètres is still there (nothing was done with it).
    page.goto(live_server.url + HOME + "eleves/")
    expect(page.locator("[data-ec-selection-count]")).not_to_have_text(re.compile(r"^0 élève"))
    page.get_by_role("button", name="(Re)notifier les comptes").click()
    expect(page.get_by_role("heading", name="(Re)notifier les comptes")).to_be_visible()
    expect(page.locator("#parameters-warning")).to_have_count(0)
    page.get_by_role("button", name="Confirmer").click()
    text = download_letters(page, out, tmp_path, "letters-with-address")
    assert f"Vos services en ligne : {local_site}" in text
    assert f"l'adresse internet suivante : {sign_in}" in text

    # A parent's « Informer » panel (HTMX): the representatives' address is still off.
    page.goto(live_server.url + HOME + f"responsables/{family['famer'].pk}/")
    page.evaluate("window.__not_reloaded = true")
    page.get_by_role("link", name="Informer").click()
    panel = page.locator("#confirmation")
    expect(panel.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(panel).to_contain_text("et celle du portail Scolarité Services.")
    expect(panel).not_to_contain_text("Seed 002")  # the template's comment is not shown
    assert page.evaluate("window.__not_reloaded") is True  # the panel was swapped in (HTMX)
    axe(page, "inform-panel-with-warning")
    shot(page, out, "inform")
    page.get_by_role("button", name="Confirmer").click()
    text = download_letters(page, out, tmp_path, "letter-representative")
    assert "https://teleservices.education.gouv.fr (portail Scolarité Services)" in text
    assert re.search(r"famer\.sabrier", text)
