"""/plateforme/ speaks French (issue 14 item 5): every app and model the operator sees, third-party
ones included, and « ÉduConnect » with its accent (mail sender too)."""

import html
import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.core import mail
from django.core.mail import send_mail

from educonnect import audit
from educonnect.models import AuditAction
from tests.factories import UserFactory

ENGLISH = re.compile(r"\b(devices?|tasks?|results?|events?|groups?|users?|Otp_\w+|Backend|Django)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _on_intranet(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]  # /plateforme/ asks no second factor there


@pytest.fixture
def operator(db):
    return UserFactory(username="operateur", is_staff=True, is_superuser=True)


def index_names(page: str) -> list[str]:
    captions = re.findall(r"<caption>\s*<a[^>]*>([^<]*)</a>", page)
    rows = [re.sub(r"<[^>]+>", "", row).strip() for row in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', page, re.S)]
    return [html.unescape(name) for name in captions + rows]


@pytest.mark.django_db
def test_every_app_and_model_of_the_platform_admin_has_a_french_name(client, operator):
    client.force_login(operator)
    page = client.get("/plateforme/").content.decode()
    names = index_names(page)
    assert len(names) == len(admin.site._registry) + len({m._meta.app_label for m in admin.site._registry})
    english = [name for name in names if ENGLISH.search(name)]
    assert english == []
    for expected in ["Journal d'audit", "Clés OTP (TOTP)", "Tâches", "Tâches d'arrière-plan", "Noyau ÉduConnect"]:
        assert expected in names
    assert "ÉduConnect — administration de la plateforme" in page
    assert "EduConnect" not in page.replace("ÉduConnect", "")


@pytest.mark.django_db
def test_the_audit_journal_changelist_has_french_columns(client, operator):
    audit.record(action=AuditAction.STAFF_LOGOUT, actor=operator, target=operator)
    client.force_login(operator)
    page = client.get("/plateforme/educonnect/auditevent/").content.decode()
    headers = [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r'<div class="text">(.*?)</div>', page)]
    assert headers == ["Date", "Action", "Auteur", "Établissement", "Cible"]


def test_mails_leave_from_educonnect_with_its_accent(settings_fr=settings):
    assert settings.DEFAULT_FROM_EMAIL.startswith("ÉduConnect <")
    send_mail("Objet", "Corps", None, ["parent@example.org"])
    message = mail.outbox[-1].message()
    assert str(message["From"]) == "ÉduConnect <ne-pas-repondre@educonnect.invalid>"
    assert b"From: =?utf-8?" in message.as_bytes()  # the accented display name, encoded as RFC 2047 says
