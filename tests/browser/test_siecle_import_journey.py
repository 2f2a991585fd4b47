"""Browser journey (issue 15 item 8): the head of a private establishment deposits the four SIECLE
exports (and an extra export, ignored), follows the dry run's progress, reads its report, confirms,
follows the import, finds it in the list. The background tasks run on the database backend, by
`manage.py db_worker` from the test, while the page polls. Screens are photographed."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import SiecleImport, Student
from delegations.models import Assignment, Establishment
from tests.accounts.siecle_support import fixture_files
from tests.browser.helpers import login_as
from tests.factories import AssignmentFactory, EstablishmentFactory, UserFactory

BEE_COMMUN = (
    b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_COMMUN VERSION="1.0"><PARAMETRES><UAJ>0380111P</UAJ>'
    b"</PARAMETRES><DONNEES/></BEE_COMMUN>"
)


@pytest.fixture(autouse=True)
def _intranet_and_worker_backend(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def shot(page, name):
    for width, suffix in ((1400, ""), (390, "-mobile")):
        page.set_viewport_size({"width": width, "height": 1000})
        page.screenshot(path=os.path.join("/tmp", f"siecle-{name}{suffix}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})


def work():
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_private_head_imports_the_exports_in_the_browser(page, live_server, tmp_path):
    school = EstablishmentFactory(uai="0380111P", name="COLLEGE SAINT-JOSEPH", sector=Establishment.Sector.PRIVATE)
    head = UserFactory(username="chef.prive", first_name="Anne", last_name="PRIVEE")
    AssignmentFactory(user=head, establishment=school, function=Assignment.Function.DIR, title="Directrice")
    extra = tmp_path / "ExportCommun.xml"
    extra.write_bytes(BEE_COMMUN)
    login_as(page, live_server, head)

    page.goto(live_server.url + "/delegations/0380111P/")
    page.get_by_role("link", name="Import SIECLE : déposer les exports de l'établissement").click()
    expect(page.get_by_role("heading", name="Import SIECLE — COLLEGE SAINT-JOSEPH")).to_be_visible()
    expect(page.get_by_text("Aucun import pour l'instant.")).to_be_visible()
    shot(page, "upload")

    # A click without files: the form says what is missing, on the same page.
    page.get_by_role("button", name="Vérifier les fichiers").click()
    expect(page.get_by_text("Choisissez les fichiers exportés de SIECLE.")).to_be_visible()

    page.get_by_label("Exports SIECLE").set_input_files([*map(str, fixture_files("new")), str(extra)])
    page.get_by_role("button", name="Vérifier les fichiers").click()
    expect(page.get_by_text("Vérification en cours")).to_be_visible()
    expect(page.locator("progress.siecle-progress")).to_be_visible()
    shot(page, "checking")

    work()  # the dry run; the page polls every 2 s
    expect(page.get_by_text("Vérification terminée : rien n'a encore été modifié.")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("ExportCommun.xml : export commun SIECLE (BEE_COMMUN), non utilisé")).to_be_visible()
    expect(page.get_by_role("row", name="Élèves 8 0 0 0")).to_be_visible()
    assert not Student.objects.exists()
    shot(page, "report")

    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_text("En attente d'import")).to_be_visible()
    work()
    expect(page.get_by_role("heading", name="Import terminé")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("10 créés par cet import")).to_be_visible()
    assert Student.objects.filter(establishment=school).count() == 8
    shot(page, "done")

    page.get_by_role("link", name="Imports SIECLE").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Importé")
    expect(row).to_contain_text("15/09/2026")
    shot(page, "list")
    assert SiecleImport.objects.get().status == "done"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_head_reads_the_anomalies_of_the_last_import_on_the_home(page, live_server, head, tmp_path):
    from tests.accounts.siecle_support import copy_fixture, edit, run_json

    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], "<DATE_NAISS>07/11/2014</DATE_NAISS>", "")
    edit(files["ElevesSansAdresses"], "<ID_NATIONAL>100000003EF</ID_NATIONAL>", "<ID_NATIONAL>12345</ID_NATIONAL>")
    run_json(*files.values())
    login_as(page, live_server, head)

    page.goto(live_server.url + "/administration/0380111P/")
    summary = page.get_by_text("2 anomalies signalées lors de cet import")
    expect(summary).to_be_visible()
    anomaly = page.get_by_text("élève importé sans INE, donc sans compte ÉduConnect")
    expect(anomaly).to_be_hidden()
    summary.click()
    expect(anomaly).to_be_visible()
    shot(page, "home-anomalies")
