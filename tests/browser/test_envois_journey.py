"""Browser journey (issue 14 item 7): Mme JAMIER notifies every pupil of the school by printable
sheets — a background notification — leaves its page, finds it again in « Envois », follows the
PDF being written, then downloads the letters as one PDF and as one PDF per class (zip). The worker
runs in a thread, its letters slowed down so that the progress can be seen. Every new screen is
checked with axe and photographed at 1280 and 390 px."""

import io
import os
import re
import threading
import time
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import expect
from pypdf import PdfReader

from notifications import jobs
from notifications.letters.render import LetterWriter
from notifications.models import JobStatus, NotificationJob
from tests.browser.helpers import login_as
from tests.factories import AccountFactory, DivisionFactory, StudentFactory

HOME = "/administration/0380111P/"
CLASSES = {"6EME1": 5, "6EME2": 4, "5EME A": 3}


@pytest.fixture
def pupils(establishment):
    for code, count in CLASSES.items():
        division = DivisionFactory(establishment=establishment, code=code, label=code)
        for i in range(count):
            student = StudentFactory(
                establishment=establishment, division=division, last_name=f"ELEVE{i}", first_name=code.replace(" ", "")
            )
            AccountFactory(student=student, identifier=f"{code.replace(' ', '').lower()}.eleve{i}")


def shots(page, screenshot_dir, name):
    """Desktop (1280 px) and phone (390 px) screenshots of the current screen."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(screenshot_dir, f"envois-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


class SlowWriter(LetterWriter):
    """A worker on a slow disk: 0.4 s a letter, so the page shows the PDF step going on."""

    def add(self, head, letter):
        time.sleep(0.4)
        super().add(head, letter)


def run_worker(job_id):
    try:
        jobs.job_run(job_id)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notify_the_whole_school_find_the_job_in_envois_and_download_its_letters(
    axe, page, live_server, head, pupils, settings, monkeypatch, screenshot_dir
):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 5
    settings.EDUCONNECT_NOTIFY_CHUNK = 2
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # the worker: below
    monkeypatch.setattr(jobs, "LetterWriter", SlowWriter)
    login_as(page, live_server, head)

    # The whole school: every pupil selected, notified by printable sheets.
    page.goto(live_server.url + HOME + "eleves/")
    page.locator('label[for="select-all"]').click()
    page.get_by_role("button", name="(Re)notifier les comptes").click()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", name="Notification des comptes")).to_be_visible()
    expect(page.locator("#job-progress-label")).to_contain_text("En attente de traitement… 0 / 12 comptes")
    tabs = page.get_by_role("navigation", name="Onglets de l'administration des comptes")
    expect(tabs.get_by_role("link", name="Envois")).to_have_attribute("aria-current", "page")
    job = NotificationJob.objects.get()

    # Its letters are not ready: the download says so, on a page of the module.
    page.goto(live_server.url + f"{HOME}envois/{job.public_id}/courrier.pdf")
    expect(page.locator("#letters-unavailable")).to_contain_text("Le courrier n'est pas encore prêt")
    axe(page, "letters not ready")
    shots(page, screenshot_dir, "not-ready")

    # Leave, come back through « Envois ».
    tabs.get_by_role("link", name="Accueil").click()
    expect(page.get_by_role("heading", name="Bienvenue")).to_be_visible()
    tabs.get_by_role("link", name="Envois").click()
    row = page.locator(f"#job-{job.public_id}")
    expect(row).to_contain_text("Mme Monique JAMIER")
    expect(row).to_contain_text("En attente")
    expect(row).to_contain_text("Pas encore prêt")
    axe(page, "envois (pending)")
    shots(page, screenshot_dir, "list-pending")

    worker = threading.Thread(target=run_worker, args=[job.pk])
    worker.start()
    row.get_by_role("link").first.click()
    label = page.locator("#job-progress-label")
    expect(label).to_contain_text(
        re.compile(r"Préparation du courrier PDF… [1-9]\d* / 12 courriers écrits"), timeout=20000
    )
    seen = label.inner_text()
    assert not seen.startswith("Préparation du courrier PDF… 12 /"), seen  # caught half-way
    axe(page, "job page (PDF being written)")
    shots(page, screenshot_dir, "job-rendering")
    expect(page.get_by_text("La distribution a été effectuée avec succès")).to_be_visible(timeout=30000)
    worker.join(timeout=30)
    assert NotificationJob.objects.get().status == JobStatus.DONE
    axe(page, "job page (done)")
    shots(page, screenshot_dir, "job-done")

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Télécharger le courrier au format PDF").click()
    assert pdf_download.value.suggested_filename.startswith("courriers-educonnect-0380111P-")
    pdf = PdfReader(io.BytesIO(Path(pdf_download.value.path()).read_bytes()))
    assert len(pdf.pages) == 12

    # The per-class form, from the list.
    page.get_by_role("link", name="Tous les envois").click()
    row = page.locator(f"#job-{job.public_id}")
    expect(row).to_contain_text("Terminé")
    expect(row).to_contain_text("12 courriers")
    axe(page, "envois (done)")
    shots(page, screenshot_dir, "list-done")
    with page.expect_download() as zip_download:
        row.get_by_role("link", name=re.compile("^Par classe")).click()
    archive = zipfile.ZipFile(zip_download.value.path())
    assert archive.namelist() == ["5EME-A.pdf", "6EME1.pdf", "6EME2.pdf"]
    for name, code in zip(archive.namelist(), ["5EME A", "6EME1", "6EME2"], strict=True):
        pages = PdfReader(io.BytesIO(archive.read(name))).pages
        assert len(pages) == CLASSES[code]
        assert all(f"Classe : {code}" in " ".join(p.extract_text().split()) for p in pages), name
