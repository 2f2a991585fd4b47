"""Background notification jobs: threshold, exactly-once processing across a kill, private PDFs."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountState
from educonnect.models import OutgoingMail, OutgoingMailStatus
from notifications import jobs, services
from notifications.models import EmailStatus, ItemStatus, JobStatus, NotificationJob
from notifications.services import accounts_notify
from tests.factories import AccountFactory, LegalRepresentativeFactory, StudentFactory
from tests.notifications.conftest import deliver_queued, password_of, pdf_pages


@pytest.fixture
def small_threshold(settings):
    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 3
    settings.EDUCONNECT_NOTIFY_CHUNK = 2


@pytest.fixture
def many_students(establishment, divisions):
    return [
        AccountFactory(
            student=StudentFactory(
                establishment=establishment, division=divisions["3EME1"], last_name=f"NOM{i:02d}", first_name="Eva"
            ),
            identifier=f"eva.nom{i:02d}",
        )
        for i in range(7)
    ]


@pytest.fixture
def many_representatives(establishment):
    return [
        AccountFactory(
            for_representative=True,
            representative=LegalRepresentativeFactory(
                establishment=establishment, last_name=f"PARENT{i:02d}", email=f"parent{i:02d}@example.org"
            ),
            identifier=f"parent.nom{i:02d}",
        )
        for i in range(7)
    ]


def start(head, establishment, accounts, channel, capture):
    with capture(execute=True):
        result = accounts_notify(
            actor=head, establishment=establishment, accounts=accounts, channel=channel, with_reset=False
        )
    return result.job


def test_above_the_threshold_a_job_is_enqueued(
    head, establishment, many_students, small_threshold, django_capture_on_commit_callbacks, monkeypatch
):
    enqueued = []
    monkeypatch.setattr(services, "enqueue", enqueued.append)
    job = start(head, establishment, many_students, "sheet", django_capture_on_commit_callbacks)
    assert job is not None and enqueued == [job]
    assert job.total == 7 and job.items.filter(status=ItemStatus.PENDING).count() == 7
    many_students[0].refresh_from_db()
    assert many_students[0].state == AccountState.NOT_INFORMED  # nothing done before the worker runs


def test_the_task_runs_the_job(
    head, establishment, many_students, small_threshold, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    job = start(head, establishment, many_students, "sheet", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.processed == 7 and job.pdf_path


def test_a_job_killed_half_way_resumes_and_sends_each_email_exactly_once(
    head, establishment, many_representatives, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "enqueue", lambda job: None)
    job = start(head, establishment, many_representatives, "email", django_capture_on_commit_callbacks)
    real_notify_one, calls = jobs.notify_one, []

    def dies_on_the_fifth_account(account, **kwargs):
        calls.append(account.pk)
        if len(calls) == 5:
            raise SystemExit("worker killed")
        return real_notify_one(account, **kwargs)

    monkeypatch.setattr(jobs, "notify_one", dies_on_the_fifth_account)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
        jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.processed == 4 and job.status == JobStatus.RUNNING  # 2 chunks committed, the third undone
    assert OutgoingMail.objects.count() == 4  # the undone chunk queued nothing
    assert len(deliver_queued()) == 4

    monkeypatch.setattr(jobs, "notify_one", real_notify_one)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.processed == 7
    recipients = sorted(m.to[0] for m in deliver_queued())
    assert recipients == sorted(f"parent{i:02d}@example.org" for i in range(7))  # each exactly once
    assert OutgoingMail.objects.filter(status=OutgoingMailStatus.SENT).count() == 7
    for account in many_representatives:
        account.refresh_from_db()
        assert account.state == AccountState.INFORMED


def test_an_email_refused_by_the_mailer_stays_queued_and_leaves_later_with_the_same_message_id(
    head, establishment, many_representatives, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "enqueue", lambda job: None)
    job = start(head, establishment, many_representatives[:4], "email", django_capture_on_commit_callbacks)
    jobs.job_run(job.pk)
    assert job.items.filter(email_status=EmailStatus.QUEUED).count() == 4

    def mailer_down(self, fail_silently=False):
        raise ConnectionError("SMTP down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", mailer_down)
        assert deliver_queued() == []  # no exception reaches the caller
    rows = OutgoingMail.objects.order_by("pk")
    assert [(r.status, r.attempts) for r in rows] == [(OutgoingMailStatus.QUEUED, 1)] * 4
    assert all("SMTP down" in r.last_error for r in rows)

    sent = deliver_queued()
    assert sorted(m.to[0] for m in sent) == [f"parent{i:02d}@example.org" for i in range(4)]
    assert {m.extra_headers["Message-ID"] for m in sent} == {f"<{r.key}@educonnect.invalid>" for r in rows}
    assert all(r.status == OutgoingMailStatus.SENT and r.body == "" for r in OutgoingMail.objects.all())


def test_a_sheet_job_killed_half_way_keeps_every_password_for_the_pdf(
    head, establishment, many_students, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    for account in many_students:  # informed: « avec réinitialisation » gives new passwords
        account.state, account.last_notified_at = AccountState.INFORMED, timezone.now()
        account.save()
    monkeypatch.setattr(services, "enqueue", lambda job: None)
    with django_capture_on_commit_callbacks(execute=True):
        job = accounts_notify(
            actor=head, establishment=establishment, accounts=many_students, channel="sheet", with_reset=True
        ).job
    real_notify_one, calls = jobs.notify_one, []

    def dies(account, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("killed")
        return real_notify_one(account, **kwargs)

    monkeypatch.setattr(jobs, "notify_one", dies)
    with pytest.raises(SystemExit):
        jobs.job_run(job.pk)
    assert job.items.exclude(password_encrypted="").count() == 2  # kept, encrypted, until printed
    monkeypatch.setattr(jobs, "notify_one", real_notify_one)
    job = jobs.job_run(job.pk)
    pdf = jobs.pdf_file(job).read_bytes()
    pages = pdf_pages(pdf)
    assert len(pages) == 7
    for account, text in zip(many_students, pages, strict=True):  # NOM00…NOM06: already in letter order
        assert account.identifier in text and password_of(account) in text
    assert not job.items.exclude(password_encrypted="").exists()  # printed: forgotten


@pytest.fixture
def finished_job(head, establishment, many_students, small_threshold, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "enqueue", lambda job: None)
    job = start(head, establishment, many_students, "sheet", django_capture_on_commit_callbacks)
    return jobs.job_run(job.pk)


def pdf_url(job):
    return reverse("envois:job_pdf", kwargs={"uai": job.establishment.uai, "public_id": job.public_id})


def job_url(job):
    return reverse("envois:job", kwargs={"uai": job.establishment.uai, "public_id": job.public_id})


@pytest.mark.usefixtures("on_intranet")
def test_only_the_requester_downloads_the_pdf(
    client, finished_job, head, delegate_admin, stranger_from_other_establishment
):
    """Another administrator of the establishment follows the job (« Envois ») but its letters hold
    provisional passwords: 403 with the reason; someone of another establishment: 404."""
    client.force_login(head)
    response = client.get(pdf_url(finished_job))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(delegate_admin)
    assert client.get(job_url(finished_job)).status_code == 200
    refused = client.get(pdf_url(finished_job))
    assert refused.status_code == 403
    assert f"seule la personne qui a lancé la notification ({head.display_name}) peut le télécharger" in (
        refused.content.decode()
    )
    client.force_login(stranger_from_other_establishment)
    assert client.get(pdf_url(finished_job)).status_code == 404
    assert client.get(job_url(finished_job)).status_code == 404


@pytest.mark.usefixtures("on_intranet")
def test_job_page_polls_until_done_then_offers_the_download(client, head, finished_job):
    client.force_login(head)
    NotificationJob.objects.filter(pk=finished_job.pk).update(status=JobStatus.RUNNING, processed=3)
    page = client.get(job_url(finished_job))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert 'hx-trigger="every 2s"' in html and 'value="42"' in html
    partial = client.get(job_url(finished_job), headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and 'id="job-progress"' in partial.content.decode()
    assert "HX-Request" in partial["Vary"]
    NotificationJob.objects.filter(pk=finished_job.pk).update(status=JobStatus.DONE, processed=7)
    done = client.get(job_url(finished_job), headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in done and "Télécharger le courrier au format PDF" in done


@pytest.mark.usefixtures("on_intranet")
def test_pdf_is_purged_after_the_delay(client, head, finished_job, settings):
    path = jobs.pdf_file(finished_job)
    assert path.is_file()
    assert jobs.purge_letters() == 0
    later = timezone.now() + datetime.timedelta(hours=settings.EDUCONNECT_LETTER_RETENTION_HOURS, minutes=1)
    assert jobs.purge_letters(now=later) == 1
    assert not path.exists() and not jobs.zip_file(finished_job).exists()
    client.force_login(head)
    gone = client.get(pdf_url(finished_job))
    assert gone.status_code == 410 and "Le courrier a été supprimé le" in gone.content.decode()


@pytest.mark.usefixtures("on_intranet")
def test_expired_pdf_is_deleted_on_access(client, head, finished_job):
    path = jobs.pdf_file(finished_job)
    NotificationJob.objects.filter(pk=finished_job.pk).update(pdf_expires_at=timezone.now())
    client.force_login(head)
    response = client.get(pdf_url(finished_job))
    assert response.status_code == 410 and "n&#x27;est conservé que 24 heures" in response.content.decode()
    assert not path.exists()


def test_purge_letters_command(finished_job, capsys):
    NotificationJob.objects.filter(pk=finished_job.pk).update(pdf_expires_at=timezone.now())
    call_command("purge_letters")
    assert "1 courrier(s) supprimé(s)." in capsys.readouterr().out
    call_command("purge_letters")
    assert "0 courrier(s) supprimé(s)." in capsys.readouterr().out


def test_resume_command_enqueues_unfinished_jobs(finished_job, monkeypatch, capsys):
    enqueued = []
    monkeypatch.setattr(services, "enqueue", enqueued.append)
    NotificationJob.objects.filter(pk=finished_job.pk).update(status=JobStatus.RUNNING)
    call_command("resume_notification_jobs")
    assert [j.pk for j in enqueued] == [finished_job.pk]
    assert "1 notification(s) relancée(s), 0 mail(s) remis en file d'envoi." in capsys.readouterr().out


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the DELEG-CE catalogue for later tests
def test_the_database_worker_runs_an_enqueued_job(head, establishment, many_students, small_threshold, settings):
    """The real backend: `accounts_notify` enqueues after commit, `manage.py db_worker` runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = accounts_notify(
        actor=head, establishment=establishment, accounts=many_students, channel="sheet", with_reset=False
    ).job
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.processed == 7 and jobs.pdf_file(job).is_file()
