"""« Envois » (issue 14 item 7): a tab of every page of the administration module listing the
establishment's notifications — scoped, newest first, paginated, in a fixed number of queries."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from delegations.models import Assignment
from educonnect.models import AuditAction, AuditEvent
from notifications.models import JobStatus, NotificationJob
from tests.factories import AssignmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_intranet")]

ENVOIS = "/administration/0380111P/envois/"


def plain(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


def rows(response) -> dict[str, str]:
    """Each job's row as text (cells separated by « | »), by the job's public id."""
    body = html.unescape(response.content.decode())
    found = {}
    for public_id, row in re.findall(r'<tr id="job-([0-9a-f-]+)">(.*?)</tr>', body, flags=re.S):
        cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        found[public_id] = " | ".join(cells)
    return found


def make_job(establishment, user, *, minutes_ago=0, **fields) -> NotificationJob:
    defaults = {"channel": "sheet", "status": JobStatus.DONE, "total": 3, "processed": 3}
    job = NotificationJob.objects.create(establishment=establishment, requested_by=user, **{**defaults, **fields})
    NotificationJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    job.refresh_from_db()
    return job


def test_every_page_of_the_module_has_the_envois_tab(client, head, establishment):
    job = make_job(establishment, head)
    client.force_login(head)
    pages = [
        "/administration/0380111P/",
        "/administration/0380111P/eleves/",
        "/administration/0380111P/responsables/",
        "/administration/0380111P/statistiques/",
        "/administration/0380111P/parametres/",
        ENVOIS,
        reverse("envois:job", args=["0380111P", job.public_id]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert f'<a class="fr-nav__link" href="{ENVOIS}"' in body, url
        current = 'href="/administration/0380111P/envois/" aria-current="page">Envois</a>'
        assert (current in body) == url.startswith(ENVOIS), url


def test_the_list_shows_this_establishments_jobs_only_newest_first(
    client, head, delegate_admin, establishment, other_establishment, stranger_from_other_establishment
):
    old = make_job(establishment, head, minutes_ago=60)
    new = make_job(establishment, delegate_admin, minutes_ago=5, channel="email", total=2, processed=2)
    elsewhere = make_job(other_establishment, stranger_from_other_establishment)
    client.force_login(head)
    response = client.get(ENVOIS)
    assert list(rows(response)) == [str(new.public_id), str(old.public_id)]
    assert str(elsewhere.public_id) not in response.content.decode()
    assert "2 notifications" in plain(response)


def test_a_row_says_who_when_channel_counts_state_and_the_letters(client, head, delegate_admin, establishment):
    now = timezone.now()
    expires = now + datetime.timedelta(hours=20)
    kept = make_job(
        establishment,
        head,
        total=5,
        processed=5,
        with_reset=True,
        skipped=[{"identifier": "a.b", "name": "A B", "reason": "déjà notifié entre-temps par une autre demande"}],
        pdf_path="letters/x.pdf",
        zip_path="letters/x-classes.zip",
        pdf_expires_at=expires,
    )
    deleted = make_job(establishment, head, pdf_expires_at=now - datetime.timedelta(hours=1))
    expired = make_job(establishment, head, pdf_path="letters/y.pdf", pdf_expires_at=now - datetime.timedelta(hours=1))
    others = make_job(establishment, delegate_admin, pdf_path="letters/z.pdf", pdf_expires_at=expires)
    running = make_job(establishment, head, status=JobStatus.RUNNING, total=40, processed=12)
    rendering = make_job(establishment, head, status=JobStatus.RENDERING, total=40, processed=40, written=10)
    interrupted = make_job(establishment, head, status=JobStatus.RENDERING, total=40, processed=40, error="OSError")
    by_mail = make_job(establishment, head, channel="email", total=4, processed=3, skipped=[{}, {}])
    client.force_login(head)
    response = client.get(ENVOIS)
    table = rows(response)
    stamp = timezone.localtime(kept.created_at).strftime("%d/%m/%Y à %H:%M")
    until = timezone.localtime(expires).strftime("%d/%m/%Y à %H:%M")
    assert table[str(kept.public_id)] == (
        f"{stamp} : voir la notification par Mme Monique JAMIER | Terminé | PDF du {stamp} Par classe (zip) du {stamp}"
        f" jusqu'au {until} | Courrier PDF avec réinitialisation | 6 | 5 courriers | 1"
    )
    gone = timezone.localtime(deleted.pdf_expires_at).strftime("%d/%m/%Y à %H:%M")
    assert f"| Terminé | Supprimé le {gone} |" in table[str(deleted.public_id)]
    assert "| Terminé | Expiré |" in table[str(expired.public_id)]
    assert table[str(others.public_id)].startswith(
        f"{timezone.localtime(others.created_at):%d/%m/%Y à %H:%M} : voir la notification par Mme Claire VIESCOLAIRE"
        " | Terminé | Réservé à Mme Claire VIESCOLAIRE |"
    )
    assert (
        "| En cours 12 / 40 comptes | Pas encore prêt | Courrier PDF | 40 | 12 courriers | 0"
        in (table[str(running.public_id)])
    )
    assert "| Préparation du courrier 10 / 40 courriers écrits | Pas encore prêt |" in table[str(rendering.public_id)]
    assert "| Interrompue | Pas encore prêt |" in table[str(interrupted.public_id)]
    assert table[str(by_mail.public_id)].endswith("| Terminé | — | Mail | 6 | 3 mails | 2")
    body = response.content.decode()
    assert 'class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--error">Interrompue<' in body
    assert 'class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--success">Terminé<' in body
    assert reverse("envois:job_pdf", args=["0380111P", kept.public_id]) in body
    assert reverse("envois:job_pdf", args=["0380111P", others.public_id]) not in body
    assert reverse("envois:job", args=["0380111P", others.public_id]) in body


def test_the_list_is_paginated(client, head, establishment):
    jobs = [make_job(establishment, head, minutes_ago=i) for i in range(23)]
    client.force_login(head)
    first = client.get(ENVOIS)
    assert list(rows(first)) == [str(j.public_id) for j in jobs[:20]]
    assert 'href="?page=2">Suivant</a>' in first.content.decode()
    second = client.get(ENVOIS, {"page": 2})
    assert list(rows(second)) == [str(j.public_id) for j in jobs[20:]]
    assert 'href="?page=1">Précédent</a>' in second.content.decode()
    assert list(rows(client.get(ENVOIS, {"page": "abc"}))) == [str(j.public_id) for j in jobs[:20]]


def test_no_job_yet_says_how_to_launch_one(client, head):
    client.force_login(head)
    assert "Aucune notification n'a encore été lancée dans cet établissement." in plain(client.get(ENVOIS))


def test_query_count_is_fixed_whatever_the_number_of_jobs(
    client, head, delegate_admin, establishment, django_assert_num_queries
):
    """Session, user, their rights, the count, the page of jobs with who launched them."""
    make_job(establishment, head)
    make_job(establishment, delegate_admin)
    client.force_login(head)
    client.get(ENVOIS)
    with django_assert_num_queries(5):
        assert len(rows(client.get(ENVOIS))) == 2
    for i in range(15):
        make_job(establishment, delegate_admin if i % 2 else head, minutes_ago=i)
    with django_assert_num_queries(5):
        assert len(rows(client.get(ENVOIS))) == 17


def test_a_job_of_another_establishment_is_404_and_audited(
    client, head, establishment, other_establishment, stranger_from_other_establishment
):
    """Even for someone who administers both establishments: the job is looked for in the
    establishment of the URL only."""
    AssignmentFactory(user=head, establishment=other_establishment, function=Assignment.Function.DIR)
    theirs = make_job(other_establishment, stranger_from_other_establishment, pdf_path="letters/t.pdf")
    client.force_login(head)
    for name in ("envois:job", "envois:job_pdf", "envois:job_zip"):
        url = reverse(name, args=["0380111P", theirs.public_id])
        assert client.get(url, REMOTE_ADDR="127.0.0.1").status_code == 404, name
        refused = AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED).latest("pk")
        assert (refused.details["reason"], refused.details["path"], refused.establishment) == (
            "notification_job",
            url,
            establishment,
        )
    assert client.get(reverse("envois:job", args=["0450750W", theirs.public_id])).status_code == 200
