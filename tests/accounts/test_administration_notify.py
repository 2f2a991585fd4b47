"""« Informer » and « (Re)notifier les comptes » from the administration module, carried out by the
notifications module; the identifier reset shows on the next letter."""

import html
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AccountState

pytestmark = pytest.mark.usefixtures("on_intranet")


@pytest.fixture(autouse=True)
def _synchronous_notifications(settings):
    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 40
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def hidden_and_action(body: str) -> tuple[str, list[tuple[str, str]]]:
    """The notify form of a page: its action and its hidden fields."""
    form = body[body.index('action="/notifications/') :]
    action = re.match(r'action="([^"]+)"', form).group(1)
    form = form[: form.index("</form>")]
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    return action, [(name, value) for name, value in fields if name != "csrfmiddlewaretoken"]


def download_letters(client, response) -> bytes:
    assert response.status_code == 302, response.content[:300]
    job_page = client.get(response["Location"])
    body = html.unescape(job_page.content.decode())
    assert "La distribution a été effectuée avec succès" in body
    pdf_url = re.search(r'href="([^"]+courrier\.pdf)"', body).group(1)
    pdf = client.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf"
    return b"".join(pdf.streaming_content)


def test_inform_one_representative_by_sheet_after_identifier_reset(client, head, family):
    famer = family["famer"]
    client.force_login(head)
    client.post(
        reverse("administration:representative_reset_identifier", kwargs={"uai": "0380111P", "account_id": famer.pk})
    )
    famer.refresh_from_db()
    assert famer.identifier == "famer.sabrier1"

    page = html.unescape(
        client.get(
            reverse("administration:representative_inform", kwargs={"uai": "0380111P", "account_id": famer.pk})
        ).content.decode()
    )
    assert "Par feuille individuelle imprimable" in page and "Avec réinitialisation du mot de passe" in page
    action, fields = hidden_and_action(page)
    assert action == reverse("notifications:notify", kwargs={"uai": "0380111P"})
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    response = client.post(action, {**data, "channel": "sheet"})
    text = pdf_text(download_letters(client, response))
    assert "famer.sabrier1" in text
    assert re.search(r"famer\.sabrier(?!1)", text) is None
    famer.refresh_from_db()
    assert famer.state == AccountState.INFORMED
    assert famer.last_notified_at is not None


def test_bulk_renotify_sans_adresse_mail_in_3eme1_by_sheet(client, head, class_3eme1):
    client.force_login(head)
    division = class_3eme1["paul"].student.division
    confirm = html.unescape(
        client.post(
            reverse("administration:representatives_notify", kwargs={"uai": "0380111P"}),
            {"select_all": "1", "email": "sans", "division": [division.pk]},
        ).content.decode()
    )
    action, fields = hidden_and_action(confirm)
    selection = sorted(int(value) for value in dict(fields)["selection_ids"].split(","))
    assert selection == sorted([class_3eme1["claire"].pk, class_3eme1["sophie"].pk])
    data = {"selection_ids": dict(fields)["selection_ids"], "channel": "sheet", "next": dict(fields)["next"]}
    text = pdf_text(download_letters(client, client.post(action, data)))
    assert "claire.dubois" in text and "sophie.martin" in text
    assert "yannick.dubois" not in text
    for key in ["claire", "sophie"]:
        class_3eme1[key].refresh_from_db()
        assert class_3eme1[key].state == AccountState.INFORMED


def test_renotify_a_whole_establishment_stays_under_the_field_limit(client, head, establishment, settings):
    """Select-all over more accounts than DATA_UPLOAD_MAX_NUMBER_FIELDS: the confirmation carries
    them in one field, and the notification accepts them."""
    from accounts.models import Account
    from tests.factories import AccountFactory, DivisionFactory, StudentFactory

    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    settings.EDUCONNECT_NOTIFY_SYNC_MAX = 100
    division = DivisionFactory(establishment=establishment, code="6EME1", label="6EME1")
    for i in range(30):
        AccountFactory(
            student=StudentFactory(establishment=establishment, division=division, last_name=f"ELEVE{i:02d}")
        )
    client.force_login(head)
    confirm = html.unescape(
        client.post(
            reverse("administration:students_notify", kwargs={"uai": "0380111P"}), {"select_all": "1"}
        ).content.decode()
    )
    action, fields = hidden_and_action(confirm)
    assert len(fields) < 20
    response = client.post(action, {**dict(fields), "channel": "sheet"})
    assert response.status_code == 302
    assert Account.objects.filter(state=AccountState.INFORMED).count() == 30
