"""accounts_notify: the action matrix, « Dernière information », audit, PDF and e-mails."""

import re

import pytest
from django.core import mail

from accounts.models import AccountState
from educonnect.models import AuditAction, AuditEvent, OutgoingMail
from notifications.services import accounts_notify
from tests.notifications.conftest import deliver_queued, password_of, pdf_pages


def notify(head, establishment, accounts, channel="sheet", with_reset=False):
    return accounts_notify(
        actor=head, establishment=establishment, accounts=accounts, channel=channel, with_reset=with_reset
    )


def test_sheet_gives_one_page_per_account_ordered_by_class_then_name(head, establishment, students):
    before = {k: password_of(a) for k, a in students.items()}
    result = notify(head, establishment, list(students.values()))
    pages = pdf_pages(result.pdf)
    order = ["paul.bernard", "ines.emery", "zoe.zola", "alice.arnaud"]  # 3EME1 B, É, Z, then 3EME2
    assert [next(i for i in order if i in text) for text in pages] == order
    # Never informed / informed: C01 with their (unchanged) provisional password.
    assert before["arnaud"] in pages[3] and before["zola"] in pages[2]
    assert "Mise à disposition de votre compte" in pages[3] and "inchangé" not in pages[3]
    # In activation / activated, without reset: C03, « Votre mot de passe est inchangé ».
    assert "Votre mot de passe est inchangé." in pages[0] and "Votre mot de passe est inchangé." in pages[1]
    assert result.letters == {"C01": 2, "C03": 2}


def test_notify_sets_last_information_and_informs_the_never_informed(head, establishment, students):
    arnaud, emery = students["arnaud"], students["emery"]
    notify(head, establishment, [arnaud, emery])
    arnaud.refresh_from_db()
    emery.refresh_from_db()
    assert arnaud.state == AccountState.INFORMED and arnaud.last_notified_at is not None
    assert emery.state == AccountState.ACTIVATED and emery.last_notified_at is not None


def test_with_reset_issues_new_passwords_except_for_never_informed(head, establishment, students):
    arnaud, zola, emery = students["arnaud"], students["zola"], students["emery"]
    old_arnaud, old_zola = password_of(arnaud), password_of(zola)
    result = notify(head, establishment, [arnaud, zola, emery], with_reset=True)
    new_arnaud, new_zola, new_emery = password_of(arnaud), password_of(zola), password_of(emery)
    assert new_arnaud == old_arnaud  # never informed: its pre-created password is still unused
    assert new_zola != old_zola
    assert new_emery and emery.password_hash == ""  # activated: new provisional password replaces the chosen one
    emery.refresh_from_db()
    assert emery.state == AccountState.ACTIVATED  # a reset never changes the state
    text = " ".join(pdf_pages(result.pdf))
    assert new_arnaud in text and new_zola in text and new_emery in text
    assert "Demande de changement de mot de passe" in text  # C05 for the activated one


def test_audit_row_per_account_without_password(head, establishment, students):
    notify(head, establishment, list(students.values()), with_reset=True)
    rows = AuditEvent.objects.filter(action=AuditAction.ACCOUNT_NOTIFIED)
    assert rows.count() == 4
    passwords = {password_of(a) for a in students.values()}
    for row in rows:
        assert row.actor == head and row.establishment == establishment
        assert set(row.details) >= {"channel", "with_reset", "letter", "password_renewed"}
        assert not any(p in str(row.details) for p in passwords)


def test_email_sends_html_and_text_after_commit_with_a_link_never_the_password(
    head, establishment, family, django_capture_on_commit_callbacks, client
):
    mother = family["mother"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = notify(head, establishment, [mother], channel="email")
        assert mail.outbox == []  # nothing leaves before the commit
    assert result.notified == 1 and result.pdf is None
    for callback in callbacks:
        callback()
    (message,) = deliver_queued()
    password = password_of(mother)
    assert password  # the sheet would print it; the e-mail does not
    assert message.to == ["celine.dupont@example.org"]  # the SIECLE address of the representative
    assert message.subject == "Mise à disposition de services en ligne pour suivre la scolarité de votre enfant"
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert "celine.dupont114" in body and password not in body and password.lower() not in body.lower()
        assert "/compte/reinitialiser/" in body and "ne sert qu'une fois" in body
        assert "Léa DUPONT (3EME1)" in body and "Enzo DUPONT (3EME2)" in body
        assert "La cheffe ou le chef d'établissement" in body
    row = OutgoingMail.objects.get()
    assert message.extra_headers["Message-ID"] == f"<{row.key}@educonnect.invalid>"
    link = re.search(r"http://\S+(/compte/reinitialiser/\S+/)", message.body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "Nouveau mot de passe" in page.content.decode()


def test_email_without_address_is_skipped_and_listed(head, establishment, students, family):
    result = notify(head, establishment, [students["arnaud"], students["zola"], family["mother"]], channel="email")
    assert result.notified == 1
    assert {s["identifier"] for s in result.skipped} == {"alice.arnaud", "zoe.zola"}
    assert result.skipped_message == "2 comptes non notifiables : sans adresse mail"
    students["arnaud"].refresh_from_db()
    assert students["arnaud"].state == AccountState.NOT_INFORMED  # skipped: untouched


def test_email_c04_for_activated_account_says_password_unchanged(
    head, establishment, students, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(head, establishment, [students["emery"]], channel="email")
    (message,) = deliver_queued()
    assert "Votre mot de passe est inchangé." in message.body
    assert "Mot de passe provisoire" not in message.body


def test_all_or_nothing_when_the_pdf_fails(head, establishment, students, monkeypatch):
    import notifications.services as services

    def broken(pages):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "render_letters_pdf", broken)
    with pytest.raises(RuntimeError):
        notify(head, establishment, list(students.values()))
    students["arnaud"].refresh_from_db()
    assert students["arnaud"].state == AccountState.NOT_INFORMED and students["arnaud"].last_notified_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_NOTIFIED).exists()


def test_accounts_of_another_establishment_are_refused(head, establishment, other_establishment):
    from tests.factories import AccountFactory, StudentFactory

    foreign = AccountFactory(student=StudentFactory(establishment=other_establishment))
    with pytest.raises(ValueError):
        notify(head, establishment, [foreign])


def test_paramètres_address_switched_on_is_printed(head, establishment, students):
    from notifications.models import NotificationAddress

    NotificationAddress.objects.create(
        establishment=establishment,
        audience="eleves",
        url="https://ent.example.fr",
        verified_at="2026-09-01T00:00:00Z",
        is_active=True,
    )
    NotificationAddress.objects.create(
        establishment=establishment, audience="responsables", url="https://off.example.fr"
    )
    (text,) = pdf_pages(notify(head, establishment, [students["arnaud"]]).pdf)
    assert "https://ent.example.fr" in text and "off.example.fr" not in text


def test_representative_sheet_names_their_children_of_this_establishment_only(
    head, establishment, other_establishment, family
):
    from tests.factories import ResponsibilityFactory, StudentFactory

    elsewhere = StudentFactory(establishment=other_establishment, last_name="DUPONT", first_name="Maël")
    ResponsibilityFactory(student=elsewhere, representative=family["mother"].representative, rank=3)
    (text,) = pdf_pages(notify(head, establishment, [family["mother"]]).pdf)
    assert "Céline DUPONT" in text and "celine.dupont114" in text and password_of(family["mother"]) in text
    assert "Léa DUPONT (3EME1)" in text and "Enzo DUPONT (3EME2)" in text
    assert "Maël" not in text


def test_an_expired_provisional_password_is_renewed_for_a_letter_that_prints_one(head, establishment, students):
    import datetime

    from django.utils import timezone

    zola = students["zola"]
    zola.provisional_password_expires_at = timezone.now() - datetime.timedelta(days=1)
    zola.save()
    (text,) = pdf_pages(notify(head, establishment, [zola]).pdf)
    fresh = password_of(zola)
    assert fresh and fresh in text
