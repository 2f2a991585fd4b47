"""Fixtures of the notifications tests: accounts in two classes, a family, and PDF helpers."""

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from accounts.passwords import provisional_password
from educonnect import mail as outbox
from educonnect.models import OutgoingMail, OutgoingMailStatus
from tests.factories import (
    AccountFactory,
    DivisionFactory,
    LegalRepresentativeFactory,
    MefFactory,
    ResponsibilityFactory,
    StudentFactory,
)


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, whitespace collapsed (a title may wrap)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def password_of(account) -> str:
    account.refresh_from_db()
    return provisional_password(account)


def deliver_queued() -> list:
    """What the task worker does: send every mail waiting in the outbox; returns Django's test outbox."""
    queued = OutgoingMail.objects.filter(status=OutgoingMailStatus.QUEUED).order_by("pk").values_list("pk", flat=True)
    for pk in list(queued):
        outbox.deliver(pk)
    return mail.outbox


@pytest.fixture(autouse=True)
def _notifications_settings(settings):
    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 40
    settings.EDUCONNECT_NOTIFY_CHUNK = 100
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def on_intranet(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]


@pytest.fixture
def divisions(establishment):
    mef = MefFactory(establishment=establishment, code="10310019110", label="3EME", short_label="3EME")
    return {
        "3EME1": DivisionFactory(establishment=establishment, code="3EME1", label="3EME1", mef=mef),
        "3EME2": DivisionFactory(establishment=establishment, code="3EME2", label="3EME2", mef=mef),
    }


def student_account(establishment, division, last_name, first_name, **kwargs):
    student = StudentFactory(establishment=establishment, division=division, last_name=last_name, first_name=first_name)
    return AccountFactory(student=student, **kwargs)


@pytest.fixture
def students(establishment, divisions):
    """Four students, created out of letter order: 3EME2 ARNAUD, 3EME1 ZOLA, 3EME1 BERNARD, 3EME1 ÉMERY."""
    d1, d2 = divisions["3EME1"], divisions["3EME2"]
    return {
        "arnaud": student_account(establishment, d2, "ARNAUD", "Alice", identifier="alice.arnaud"),
        "zola": student_account(establishment, d1, "ZOLA", "Zoé", identifier="zoe.zola", informed=True),
        "bernard": student_account(establishment, d1, "BERNARD", "Paul", identifier="paul.bernard", activating=True),
        "emery": student_account(establishment, d1, "ÉMERY", "Inès", identifier="ines.emery", activated=True),
    }


@pytest.fixture
def family(establishment, divisions):
    """DUPONT: Léa (3EME1) and Enzo (3EME2); their mother Céline, never informed, with an address."""
    lea = student_account(establishment, divisions["3EME1"], "DUPONT", "Léa", identifier="lea.dupont")
    enzo = student_account(establishment, divisions["3EME2"], "DUPONT", "Enzo", identifier="enzo.dupont")
    mother = LegalRepresentativeFactory(
        establishment=establishment, last_name="DUPONT", first_name="Céline", email="celine.dupont@example.org"
    )
    for rank, child in enumerate([lea.student, enzo.student], start=1):
        ResponsibilityFactory(student=child, representative=mother, rank=rank)
    account = AccountFactory(for_representative=True, representative=mother, identifier="celine.dupont114", email="")
    return {"lea": lea, "enzo": enzo, "mother": account}
