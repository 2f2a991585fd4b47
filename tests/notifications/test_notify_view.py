"""POST /notifications/<uai>/notifier/: rights, OTP gate, 404 for foreign accounts, result page."""

import pytest
from django.urls import reverse

from accounts.models import AccountState
from delegations.otp_services import otp_enrol_totp
from educonnect.otp import NOT_ENROLLED_MESSAGE
from notifications import services
from notifications.models import JobStatus, NotificationJob
from tests.factories import AccountFactory, StudentFactory
from tests.notifications.conftest import password_of, pdf_pages

URL = reverse("notifications:notify", kwargs={"uai": "0380111P"})


def post(client, accounts, channel="sheet", **extra):
    return client.post(URL, {"selection": [a.pk for a in accounts], "channel": channel, **extra})


@pytest.mark.usefixtures("on_intranet")
@pytest.mark.parametrize(
    ("persona", "status"),
    [("head", 302), ("delegate_admin", 302), ("delegate_depannage", 404), ("stranger_from_other_establishment", 404)],
)
def test_who_may_notify(client, request, persona, status, students):
    client.force_login(request.getfixturevalue(persona))
    assert post(client, [students["arnaud"]]).status_code == status


@pytest.mark.usefixtures("on_intranet")
def test_an_account_of_another_establishment_is_404_and_nothing_changes(client, head, students, other_establishment):
    foreign = AccountFactory(student=StudentFactory(establishment=other_establishment))
    client.force_login(head)
    assert post(client, [students["arnaud"], foreign]).status_code == 404
    students["arnaud"].refresh_from_db()
    assert students["arnaud"].state == AccountState.NOT_INFORMED


def test_outside_the_intranet_the_second_factor_is_asked(client, head, students):
    client.force_login(head)
    response = post(client, [students["arnaud"]])
    assert response.status_code == 403 and NOT_ENROLLED_MESSAGE in response.text
    otp_enrol_totp(head)
    response = post(client, [students["arnaud"]])
    assert response.status_code == 302 and "/otp/" in response["Location"]
    students["arnaud"].refresh_from_db()
    assert students["arnaud"].state == AccountState.NOT_INFORMED


@pytest.mark.usefixtures("on_intranet")
def test_sheet_notification_leads_to_its_page_and_pdf(client, head, students):
    client.force_login(head)
    response = post(client, [students["arnaud"], students["zola"]], next="/administration/0380111P/eleves/")
    assert response.status_code == 302 and "no-store" in response["Cache-Control"]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "La distribution a été effectuée avec succès" in html
    assert "Télécharger le courrier au format PDF" in html and "/administration/0380111P/eleves/" in html
    job = NotificationJob.objects.get()
    assert job.status == JobStatus.DONE and job.requested_by == head
    pdf = b"".join(client.get(reverse("envois:job_pdf", args=["0380111P", job.public_id])).streaming_content)
    pages = pdf_pages(pdf)
    assert password_of(students["zola"]) in pages[0] and password_of(students["arnaud"]) in pages[1]
    assert password_of(students["arnaud"]) not in html  # never on a page, never in a URL
    # The list it was launched from forgets its selection (static/accounts/lists.js).
    assert f'data-ec-selection-done="{head.pk}:/administration/0380111P/eleves/"' in html


@pytest.mark.usefixtures("on_intranet")
def test_the_job_page_empties_only_its_requester_s_selection(client, head, delegate_admin, students):
    client.force_login(head)
    location = post(client, [students["arnaud"]], next="/administration/0380111P/eleves/?q=arnaud")["Location"]
    assert f'data-ec-selection-done="{head.pk}:/administration/0380111P/eleves/"' in client.get(location).text
    client.force_login(delegate_admin)
    assert "data-ec-selection-done" not in client.get(location).text


@pytest.mark.usefixtures("on_intranet")
def test_email_notification_lists_the_accounts_without_address(client, head, students):
    client.force_login(head)
    page = client.get(post(client, [students["arnaud"], students["emery"]], channel="email")["Location"])
    html = page.content.decode()
    assert "1 compte non notifiable : sans adresse mail" in html and "alice.arnaud" in html


@pytest.mark.usefixtures("on_intranet")
def test_big_selection_goes_to_a_job_page(client, head, students, settings, monkeypatch):
    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 2
    monkeypatch.setattr(services, "enqueue", lambda job: None)
    client.force_login(head)
    response = post(client, list(students.values()))
    job = NotificationJob.objects.get()
    assert job.status == JobStatus.PENDING and job.total == 4
    html = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in html and "0 / 4" in html


@pytest.mark.usefixtures("on_intranet")
def test_get_is_not_allowed(client, head):
    client.force_login(head)
    assert client.get(URL).status_code == 405
