"""What the letters and mails print as addresses (issue 14 item 6): where the family signs in — this
deployment's sign-in page, EDUCONNECT_SITE_URL + /compte/connexion/ — and « Vos services en ligne »:
for legal representatives the Scolarité Services portal plus the Paramètres address when switched on
(as the Paramètres screen promises), for students the Paramètres address only."""

import pytest
from django.utils import timezone

from accounts.activation import send_activation_email
from accounts.models import Audience, NotificationAddress
from notifications import jobs, services
from notifications.services import accounts_notify
from tests.factories import AccountFactory
from tests.notifications.conftest import deliver_queued, pdf_pages

SITE = "https://educonnect.example.org"
SIGN_IN = SITE + "/compte/connexion/"
SCOLARITE = "https://teleservices.education.gouv.fr (portail Scolarité Services)"
PORTAL = "https://teleservices.education.gouv.fr"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.EDUCONNECT_SITE_URL = SITE + "/"  # the trailing slash is not doubled


def switch_on(establishment, audience, url):
    return NotificationAddress.objects.create(
        establishment=establishment, audience=audience, url=url, verified_at=timezone.now(), is_active=True
    )


def notify(head, establishment, accounts, channel, with_reset=False):
    return accounts_notify(
        actor=head, establishment=establishment, accounts=accounts, channel=channel, with_reset=with_reset
    )


def bodies(message) -> list[str]:
    return [" ".join(message.body.split()), " ".join(message.alternatives[0].content.split())]


def test_sheets_print_the_sign_in_page_of_this_deployment(head, establishment, students, family):
    accounts = [*students.values(), family["mother"]]
    pages = pdf_pages(notify(head, establishment, accounts, "sheet").pdf)
    assert len(pages) == 5
    for text in pages:
        assert f"l'adresse internet suivante : {SIGN_IN}" in text


def test_representative_sheet_gives_scolarite_services_and_the_address_switched_on(head, establishment, family):
    (without,) = pdf_pages(notify(head, establishment, [family["mother"]], "sheet").pdf)
    assert f"Vos services en ligne : {SCOLARITE} En cas de difficulté" in without
    switch_on(establishment, Audience.REPRESENTATIVES, "https://ent.example.fr/parents")
    switch_on(establishment, Audience.STUDENTS, "https://eleves.example.fr")
    (text,) = pdf_pages(notify(head, establishment, [family["mother"]], "sheet").pdf)
    assert f"Vos services en ligne : {SCOLARITE} https://ent.example.fr/parents En cas de difficulté" in text
    assert "eleves.example.fr" not in text


def test_student_sheet_gives_the_students_address_only(head, establishment, students):
    (without,) = pdf_pages(notify(head, establishment, [students["arnaud"]], "sheet").pdf)
    assert "Vos services en ligne" not in without and PORTAL not in without
    switch_on(establishment, Audience.STUDENTS, "https://eleves.example.fr")
    switch_on(establishment, Audience.REPRESENTATIVES, "https://ent.example.fr/parents")
    (text,) = pdf_pages(notify(head, establishment, [students["arnaud"]], "sheet").pdf)
    assert "Vos services en ligne : https://eleves.example.fr En cas de difficulté" in text
    assert PORTAL not in text and "ent.example.fr/parents" not in text


def test_a_background_job_prints_the_same_addresses(
    head, establishment, family, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """More than EDUCONNECT_NOTIFY_SYNC_MAX accounts: the job writes the letters with the fast writer."""
    from tests.factories import LegalRepresentativeFactory

    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 1
    monkeypatch.setattr(services, "enqueue", lambda job: None)
    switch_on(establishment, Audience.REPRESENTATIVES, "https://ent.example.fr/parents")
    other = AccountFactory(
        for_representative=True,
        representative=LegalRepresentativeFactory(establishment=establishment, last_name="MARTIN"),
        identifier="paul.martin",
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = notify(head, establishment, [family["mother"], other], "sheet").job
    job = jobs.job_run(job.pk)
    pages = pdf_pages(jobs.pdf_file(job).read_bytes())
    assert len(pages) == 2
    for text in pages:
        assert f"l'adresse internet suivante : {SIGN_IN}" in text
        assert f"Vos services en ligne : {SCOLARITE} https://ent.example.fr/parents" in text


@pytest.mark.parametrize(
    ("state", "with_reset", "subject_word"),
    [({}, False, "C02"), ({"activated": True}, False, "C04"), ({"activated": True}, True, "C06")],
)
def test_representative_mails_carry_sign_in_scolarite_services_and_the_address(
    head, establishment, state, with_reset, subject_word, django_capture_on_commit_callbacks
):
    from tests.factories import LegalRepresentativeFactory

    switch_on(establishment, Audience.REPRESENTATIVES, "https://ent.example.fr/parents")
    account = AccountFactory(
        for_representative=True,
        representative=LegalRepresentativeFactory(establishment=establishment, email="parent@example.org"),
        **state,
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = notify(head, establishment, [account], "email", with_reset=with_reset)
    assert result.letters == {subject_word: 1}
    (message,) = deliver_queued()
    text, html = bodies(message)
    assert f"l'adresse internet {SIGN_IN}" in text
    assert f"Vos services en ligne : - {SCOLARITE} - https://ent.example.fr/parents" in text
    assert f'<a href="{SIGN_IN}">{SIGN_IN}</a>' in html
    assert f'<a href="{PORTAL}">{PORTAL}</a> (portail Scolarité Services)' in html
    assert '<a href="https://ent.example.fr/parents">' in html
    assert "communiquée par l'établissement" not in text


def test_student_mail_without_address_names_no_portal(head, establishment, django_capture_on_commit_callbacks):
    from tests.factories import StudentFactory

    account = AccountFactory(student=StudentFactory(establishment=establishment), email="eleve@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(head, establishment, [account], "email")
    (message,) = deliver_queued()
    text, html = bodies(message)
    assert f"l'adresse internet {SIGN_IN}" in text
    assert "Vos services en ligne" not in text and "Vos services en ligne" not in html
    assert PORTAL not in text and PORTAL not in html


def test_activation_mail_c07_of_a_representative_names_scolarite_services(
    establishment, django_capture_on_commit_callbacks
):
    parent = AccountFactory(for_representative=True, representative__establishment=establishment, activating=True)
    student = AccountFactory(student__establishment=establishment, activating=True)
    with django_capture_on_commit_callbacks(execute=True):
        send_activation_email(parent)
        send_activation_email(student)
    to_parent, to_student = deliver_queued()
    assert f"Pour vous connecter : {SIGN_IN}" in bodies(to_parent)[0]
    assert f"Vos services en ligne : - {SCOLARITE}" in bodies(to_parent)[0]
    assert PORTAL not in to_student.body and "Vos services en ligne" not in to_student.body
