"""Browser journey: Mme JAMIER informs a parent by e-mail while the mail server refuses; the page says
the mail waits, nothing is lost; once the server answers, the mail leaves — with the identifier and a
link to choose a password, never the password — and the parent chooses hers, then signs in."""

import os
import re
import socket

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.passwords import provisional_password
from educonnect import mail as outbox
from educonnect.models import OutgoingMail
from tests.browser.helpers import login_as
from tests.factories import AccountFactory, LegalRepresentativeFactory, ResponsibilityFactory, StudentFactory

NEW_PASSWORD = "Choisi-par-moi-2027"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_inform_by_email_while_the_mail_server_refuses_then_choose_a_password(
    page, live_server, settings, head, establishment, screenshot_dir
):
    settings.EDUCONNECT_SITE_URL = live_server.url
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    settings.MAILERS = {  # nothing listens there: the SMTP conversation fails
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }
    mother = LegalRepresentativeFactory(
        establishment=establishment, first_name="Céline", last_name="DUPONT", email="celine.dupont@example.org"
    )
    ResponsibilityFactory(student=StudentFactory(establishment=establishment, first_name="Léa"), representative=mother)
    account = AccountFactory(
        for_representative=True, representative=mother, identifier="celine.dupont114", email="celine.dupont@example.org"
    )
    password = provisional_password(account)
    shot = lambda name: page.screenshot(path=os.path.join(screenshot_dir, f"notify-{name}.png"), full_page=True)  # noqa: E731

    login_as(page, live_server, head)
    page.goto(live_server.url + reverse("administration:representative", args=[establishment.uai, account.pk]))
    page.get_by_role("link", name="Informer").click()
    page.get_by_text("Par envoi d'un mail").click()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("La distribution a été effectuée avec succès")).to_be_visible()
    expect(page.get_by_text("1 mail en attente d'envoi")).to_be_visible()
    shot("mail-pending")
    page.set_viewport_size({"width": 390, "height": 900})
    shot("mail-pending-390")
    page.set_viewport_size({"width": 1400, "height": 1000})
    assert mail.outbox == [] and OutgoingMail.objects.get().attempts == 1

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    row = OutgoingMail.objects.get()
    assert outbox.resume(now=row.next_attempt_at) == 1  # the worker's retry
    (message,) = mail.outbox
    assert message.to == ["celine.dupont@example.org"]
    assert password not in message.body and password not in message.alternatives[0].content
    page.reload()
    expect(page.get_by_text("en attente d'envoi")).to_have_count(0)

    link = re.search(r"(http://\S+/compte/reinitialiser/\S+/)", message.body).group(1)
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_text("celine.dupont114")).to_be_visible()
    page.get_by_label("Nouveau mot de passe", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    shot("choose-password")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a été modifié")).to_be_visible()
    page.get_by_role("textbox", name=re.compile("^Identifiant")).fill("celine.dupont114")
    page.get_by_label("Mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_label("Adresse mail")).to_have_value("celine.dupont@example.org")  # activation step
    page.goto(link)
    expect(page.get_by_text("n'est pas valide")).to_be_visible()  # single use
