"""A notification's letters (issue 14 item 7): the PDF step records its progress by chunks, the same
letters come as one PDF per class in a zip, and every download that cannot be served says why."""

import html
import io
import logging
import subprocess
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountState
from educonnect.models import AuditAction, AuditEvent
from notifications import jobs, services, tasks
from notifications.letters.byclass import class_file_name
from notifications.letters.render import LetterWriter
from notifications.models import ItemStatus, JobStatus, NotificationJob
from notifications.services import accounts_notify
from tests.factories import DivisionFactory
from tests.notifications.conftest import student_account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_intranet")]


@pytest.fixture
def small_threshold(settings):
    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 3
    settings.EDUCONNECT_NOTIFY_CHUNK = 2


@pytest.fixture
def three_classes(establishment, students, family):
    """3EME1: BERNARD, ÉMERY, ZOLA, Léa DUPONT and her mother; 3EME2: ARNAUD, Enzo DUPONT;
    « 1ère S/2 » (a class code with an accent, a space and a slash): MARTIN."""
    odd = DivisionFactory(establishment=establishment, code="1ère S/2", label="1ère S/2")
    martin = student_account(establishment, odd, "MARTIN", "Noé", identifier="noe.martin")
    return [*students.values(), *family.values(), martin]


def launch(head, establishment, accounts, capture, monkeypatch, channel="sheet", **kwargs):
    monkeypatch.setattr(services, "enqueue", lambda job: None)
    with capture(execute=True):
        return accounts_notify(
            actor=head, establishment=establishment, accounts=accounts, channel=channel, with_reset=False, **kwargs
        ).job


@pytest.fixture
def pending_job(head, establishment, three_classes, small_threshold, monkeypatch, django_capture_on_commit_callbacks):
    return launch(head, establishment, three_classes, django_capture_on_commit_callbacks, monkeypatch)


@pytest.fixture
def job(pending_job):
    return jobs.job_run(pending_job.pk)


def url(name, job):
    return reverse(f"envois:{name}", args=[job.establishment.uai, job.public_id])


def pdftotext(pdf: bytes, tmp_path, name="letters") -> list[str]:
    """Each page's text, by poppler's pdftotext (an independent reader of the PDFs we write)."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, text=True)
    return [" ".join(page.split()) for page in text.stdout.split("\f") if page.strip()]


def text(response) -> str:
    return html.unescape(response.content.decode())


def download(client, address) -> bytes:
    response = client.get(address)
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


def test_class_file_names_keep_safe_characters_only():
    taken = set()
    assert class_file_name("3EME1", taken) == "3EME1.pdf"
    assert class_file_name("1ère S/2", taken) == "1ERE-S-2.pdf"
    assert class_file_name("../../etc/passwd", taken) == "ETC-PASSWD.pdf"
    assert class_file_name("", taken) == "sans-classe.pdf"
    assert class_file_name("3eme1", taken) == "3EME1-2.pdf"  # two classes, one name: never the same member
    assert class_file_name("1ÈRE S 2", taken) == "1ERE-S-2-2.pdf"


def test_the_per_class_zip_has_one_pdf_per_class_with_that_class_letters(client, head, job, tmp_path):
    client.force_login(head)
    response = client.get(url("job_zip", job))
    assert response["Content-Type"] == "application/zip" and "no-store" in response["Cache-Control"]
    assert (
        f'filename="courriers-par-classe-0380111P-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.zip"'
        in (response["Content-Disposition"])
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["1ERE-S-2.pdf", "3EME1.pdf", "3EME2.pdf"]
    members = {name: pdftotext(archive.read(name), tmp_path, name[:-4]) for name in archive.namelist()}
    identifiers = {
        name: [next(i for i in IDENTIFIERS if i in page) for page in pages] for name, pages in members.items()
    }
    assert identifiers == {  # letter order inside each class: by name (the mother goes with Léa's class)
        "1ERE-S-2.pdf": ["noe.martin"],
        "3EME1.pdf": ["paul.bernard", "celine.dupont114", "lea.dupont", "ines.emery", "zoe.zola"],
        "3EME2.pdf": ["alice.arnaud", "enzo.dupont"],
    }
    for name, pages in members.items():
        division = {"1ERE-S-2.pdf": "1ère S/2", "3EME1.pdf": "3EME1", "3EME2.pdf": "3EME2"}[name]
        students_pages = [page for page in pages if "celine.dupont114" not in page]
        assert all(f"Classe : {division}" in page for page in students_pages), name
        assert not any("Classe : " in page and f"Classe : {division}" not in page for page in pages), name
    # The same letters, in the same order, as the whole PDF.
    whole = pdftotext(download(client, url("job_pdf", job)), tmp_path)
    assert whole == [page for name in archive.namelist() for page in members[name]]


IDENTIFIERS = [
    "celine.dupont114",
    "noe.martin",
    "paul.bernard",
    "lea.dupont",
    "ines.emery",
    "zoe.zola",
    "alice.arnaud",
    "enzo.dupont",
]


def test_the_pdf_step_records_its_progress_by_chunks_not_per_letter(pending_job, monkeypatch):
    """Chunks of 2: what the job page reads while the 8 letters are written."""
    seen = []

    class Watched(LetterWriter):
        def add(self, head, letter):
            seen.append(NotificationJob.objects.values_list("status", "written").get(pk=pending_job.pk))
            super().add(head, letter)

    monkeypatch.setattr(jobs, "LetterWriter", Watched)
    job = jobs.job_run(pending_job.pk)
    assert seen == [(JobStatus.RENDERING, n) for n in (0, 0, 2, 2, 4, 4, 6, 6)]
    assert (job.status, job.written, job.processed) == (JobStatus.DONE, 8, 8)


def test_the_job_page_shows_the_pdf_progress(client, head, job):
    NotificationJob.objects.filter(pk=job.pk).update(status=JobStatus.RENDERING, written=3)
    client.force_login(head)
    partial = text(client.get(url("job", job), headers={"HX-Request": "true"}))
    assert "Préparation du courrier PDF… 3 / 8 courriers écrits (37 %)" in partial
    assert 'value="37"' in partial and 'hx-trigger="every 2s"' in partial


def test_a_failure_while_writing_the_pdf_is_told_in_french_and_the_job_resumes(
    client, head, pending_job, monkeypatch, settings
):
    def disk_full(self, head, letter):
        raise OSError("No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(LetterWriter, "add", disk_full)
        with pytest.raises(OSError):
            tasks.run_notification_job.call(pending_job.pk)
    job = NotificationJob.objects.get(pk=pending_job.pk)
    assert (job.status, job.error, job.processed) == (JobStatus.RENDERING, "OSError", 8)
    assert job.items.exclude(password_encrypted="").exists()  # kept to print when the job resumes
    assert [p.name for p in (settings.MEDIA_ROOT / "letters").iterdir() if p.is_dir()] == []  # no class folder left
    client.force_login(head)
    page = text(client.get(url("job", job), headers={"HX-Request": "true"}))
    assert "La notification s'est interrompue pendant la préparation du courrier PDF" in page
    assert "8 comptes sur 8 ont déjà été notifiés et le restent." in page
    assert f"en indiquant la référence {job.public_id}" in page and 'hx-trigger="every 10s"' in page
    refused = client.get(url("job_pdf", job))
    assert refused.status_code == 409
    assert "La notification s'est interrompue sur une erreur avant que le courrier soit prêt." in text(refused)

    job = jobs.job_run(job.pk)  # the worker restarts
    assert (job.status, job.error, job.written) == (JobStatus.DONE, "", 8)
    assert download(client, url("job_pdf", job)).startswith(b"%PDF")
    assert not job.items.exclude(password_encrypted="").exists()


def test_a_failed_job_says_so(client, head, job):
    NotificationJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, pdf_path="", zip_path="")
    client.force_login(head)
    assert "La notification a échoué. Contactez l'assistance" in text(client.get(url("job", job)))
    for name in ("job_pdf", "job_zip"):
        response = client.get(url(name, job))
        assert response.status_code == 409
        assert "La notification a échoué : aucun courrier n'a été produit." in text(response)


def test_downloading_while_the_job_runs_says_it_is_not_ready(client, head, pending_job):
    client.force_login(head)
    response = client.get(url("job_pdf", pending_job))
    assert response.status_code == 409
    assert "Le courrier n'est pas encore prêt : la notification est en attente de traitement." in text(response)
    NotificationJob.objects.filter(pk=pending_job.pk).update(status=JobStatus.RUNNING, processed=2)
    response = client.get(url("job_pdf", pending_job))
    assert response.status_code == 409
    body = text(response)
    assert "Le courrier n'est pas encore prêt : la notification est en cours (2 comptes notifiés sur 8)." in body
    assert 'class="fr-alert fr-alert--info' in body and url("job", pending_job) in body
    assert 'aria-current="page">Envois</a>' in body  # a page of the module
    NotificationJob.objects.filter(pk=pending_job.pk).update(status=JobStatus.RENDERING, processed=8, written=1)
    response = client.get(url("job_zip", pending_job))
    assert response.status_code == 409 and "(1 courrier écrit sur 8)" in text(response)


def test_an_email_notification_has_no_letters(client, head, establishment, family, monkeypatch, settings):
    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 0
    with monkeypatch.context() as patch:
        patch.setattr(services, "enqueue", lambda job: None)
        job = accounts_notify(
            actor=head, establishment=establishment, accounts=[family["lea"]], channel="email", with_reset=False
        ).job
    client.force_login(head)
    response = client.get(url("job_pdf", job))
    assert response.status_code == 404
    assert "faite par courrier électronique : elle n'a pas de courrier à imprimer" in text(response)


def test_a_small_notification_has_its_pdf_but_no_per_class_zip(client, head, students):
    client.force_login(head)
    client.post(
        reverse("notifications:notify", args=["0380111P"]),
        {"selection": [students["arnaud"].pk, students["zola"].pk], "channel": "sheet"},
    )
    job = NotificationJob.objects.get()
    assert (job.written, job.zip_path) == (2, "")
    assert download(client, url("job_pdf", job)).startswith(b"%PDF")
    response = client.get(url("job_zip", job))
    assert response.status_code == 404
    assert "Le courrier par classe n'est préparé que pour les notifications de plus de 40 comptes" in (text(response))


def test_a_missing_file_is_told_and_logged(client, head, job, caplog):
    jobs.zip_file(job).unlink()
    client.force_login(head)
    with caplog.at_level(logging.ERROR, logger="notifications.envois_views"):
        response = client.get(url("job_zip", job))
    assert response.status_code == 404 and "introuvable sur le serveur" in text(response)
    assert f"notification job {job.public_id}: letters file {job.public_id}-classes.zip missing" in caplog.messages


def test_a_sheet_job_whose_accounts_were_all_left_out_ends_without_letters(
    client, head, establishment, students, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    accounts = list(students.values())
    for account in accounts:
        account.last_notified_at = timezone.now()
        if account.state == AccountState.NOT_INFORMED:
            account.state = AccountState.INFORMED
        account.save(update_fields=["last_notified_at", "state"])
    since = timezone.now() - timezone.timedelta(minutes=5)
    job = launch(head, establishment, accounts, django_capture_on_commit_callbacks, monkeypatch, since=since)
    job = jobs.job_run(job.pk)
    assert (job.status, job.total, job.pdf_path, job.zip_path) == (JobStatus.DONE, 0, "", "")
    client.force_login(head)
    assert "Aucun compte n'a été notifié." in text(client.get(url("job", job)))
    response = client.get(url("job_pdf", job))
    assert response.status_code == 404 and "cette notification n'a pas de courrier" in text(response)


def test_each_download_is_audited(client, head, job):
    client.force_login(head)
    download(client, url("job_pdf", job))
    download(client, url("job_zip", job))
    events = AuditEvent.objects.filter(action=AuditAction.LETTERS_DOWNLOADED).order_by("pk")
    assert [(e.actor, e.details) for e in events] == [
        (head, {"job": str(job.public_id), "form": "pdf"}),
        (head, {"job": str(job.public_id), "form": "zip"}),
    ]
    assert all(e.establishment == job.establishment and e.ip_address == "127.0.0.1" for e in events)


def test_the_job_page_offers_both_downloads_to_its_requester_only(client, head, delegate_admin, job):
    client.force_login(head)
    page = text(client.get(url("job", job)))
    assert url("job_pdf", job) in page and url("job_zip", job) in page
    assert "Télécharger le courrier par classe (un PDF par classe, archive zip)" in page
    assert job.items.filter(status=ItemStatus.DONE).count() == 8
    client.force_login(delegate_admin)
    page = text(client.get(url("job", job)))
    assert url("job_pdf", job) not in page and url("job_zip", job) not in page
    assert "seule la personne qui a lancé la notification (Mme Monique JAMIER) peut le télécharger" in page
