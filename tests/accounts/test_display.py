"""One display vocabulary (accounts.display): the same state has the same badge on every screen,
staff and families, and a name is spelled one way — « N'DIAYE », however SIECLE or a form wrote it —
in lists, banners, headings, files and letters."""

import csv
import datetime
import html
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts import display
from accounts.models import AccountKind, AccountState, Responsibility
from notifications.letters.content import letter_for_account
from tests.accounts.enduser_support import sign_in
from tests.factories import (
    CHOSEN_PASSWORD,
    AccountFactory,
    DivisionFactory,
    LegalRepresentativeFactory,
    ResponsibilityFactory,
    StudentFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_intranet")]

TRAITS = {
    AccountState.NOT_INFORMED: {},
    AccountState.INFORMED: {"informed": True},
    AccountState.ACTIVATING: {"activating": True},
    AccountState.ACTIVATED: {"activated": True},
}


def text(response) -> str:
    return html.unescape(response.content.decode())


def badge(state) -> str:
    """The badge of `state` as every screen renders it."""
    css = display.state_badge_class(state)
    return f'<p class="fr-badge fr-badge--sm {css}">{AccountState(state).label}</p>'


# --- the vocabulary ------------------------------------------------------------------------------


def test_names_keep_one_spelling_of_the_family_name():
    assert display.person_name("Mamadou", "N'Diaye") == "Mamadou N'DIAYE"
    assert display.list_name("Mamadou", "n'diaye") == "N'DIAYE Mamadou"
    assert display.person_name("Fatou", "N'DIAYE", "Mme") == "Mme Fatou N'DIAYE"
    assert display.list_name("Anne", "de La Fontaine") == "DE LA FONTAINE Anne"


def test_every_state_has_its_own_badge():
    classes = [display.state_badge_class(state) for state in AccountState.values]
    assert len(set(classes)) == len(classes)
    assert display.state_badge_class(AccountState.ACTIVATED) == "fr-badge--success"


def test_days_and_plurals():
    assert display.day(datetime.date(2022, 9, 7)) == "07-09-2022"
    assert display.day(None) == "Non renseignée"
    moment = timezone.make_aware(datetime.datetime(2022, 9, 16, 23, 30), datetime.UTC)
    assert display.day(moment) == timezone.localtime(moment).strftime("%d-%m-%Y")
    assert display.text_day(datetime.date(2022, 9, 22)) == "22/09/2022"
    assert display.text_moment(moment) == timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")
    assert [display.plural(n, "compte") for n in (0, 1, 2)] == ["0 compte", "1 compte", "2 comptes"]
    assert display.plural(2, "représentant légal", "représentants légaux") == "2 représentants légaux"


# --- the screens ---------------------------------------------------------------------------------


@pytest.fixture
def ndiaye(establishment):
    """Mamadou, written « N'Diaye » by whoever typed it, and his mother Fatou."""
    division = DivisionFactory(establishment=establishment, code="4EME2", label="4EME2")
    student = StudentFactory(establishment=establishment, last_name="N'Diaye", first_name="Mamadou", division=division)
    account = AccountFactory(student=student, informed=True)
    mother = LegalRepresentativeFactory(establishment=establishment, last_name="N'Diaye", first_name="Fatou")
    ResponsibilityFactory(student=student, representative=mother, rank=1, level=Responsibility.Level.LEGAL)
    parent = AccountFactory(kind=AccountKind.REPRESENTATIVE, student=None, representative=mother, informed=True)
    return {"student": account, "parent": parent}


def test_staff_lists_show_the_list_name_and_the_badge(client, head, establishment, ndiaye):
    client.force_login(head)
    informed = badge(AccountState.INFORMED)
    for url in (
        reverse("troubleshooting:students", args=[establishment.uai]),
        reverse("administration:students", args=[establishment.uai]),
    ):
        page = text(client.get(url))
        assert '<td><span class="ec-clamp ec-clamp--name">N\'DIAYE Mamadou</span></td>' in page, url
        assert f"<td>{informed}</td>" in page, url
        assert "N'Diaye" not in page, url
    page = text(client.get(reverse("administration:representatives", args=[establishment.uai])))
    assert (
        '<span class="ec-clamp ec-clamp--name">N\'DIAYE Mamadou</span>' in page
        and '<span class="ec-clamp ec-clamp--name">N\'DIAYE Fatou</span>' in page
    )
    assert f"<td>{informed}</td>" in page and "N'Diaye" not in page


def test_account_pages_and_confirmations_show_the_person_name(client, head, establishment, ndiaye):
    client.force_login(head)
    student = ndiaye["student"]
    page = text(client.get(reverse("administration:student", args=[establishment.uai, student.pk])))
    assert "Mamadou N'DIAYE" in page and badge(AccountState.INFORMED) in page
    assert "Mme Fatou N'DIAYE" in page  # her link on the child's page
    confirm = text(client.get(reverse("troubleshooting:reset_password", args=[establishment.uai, student.pk])))
    assert "Réinitialiser le mot de passe de Mamadou N'DIAYE" in confirm
    done = text(client.post(reverse("troubleshooting:reset_password", args=[establishment.uai, student.pk])))
    assert "Le mot de passe de l'élève Mamadou N'DIAYE a bien été réinitialisé" in done
    assert f"<td>{badge(AccountState.INFORMED)}</td>" in done
    assert "N'Diaye" not in page + confirm + done


def test_bulk_result_files_and_letters_spell_the_name_the_same_way(client, head, establishment, ndiaye):
    client.force_login(head)
    student = ndiaye["student"]
    result = text(
        client.post(
            reverse("troubleshooting:bulk_reset", args=[establishment.uai]), {"selection": [student.pk], "confirm": "1"}
        )
    )
    assert "<td>N'DIAYE Mamadou</td>" in result
    listing = reverse("troubleshooting:list_accounts", args=[establishment.uai])
    rows = list(
        csv.reader(
            io.StringIO(client.post(listing, {"selection": [student.pk], "format": "csv"}).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[1][0] == "N'DIAYE Mamadou"
    pdf = client.post(listing, {"selection": [student.pk], "format": "pdf"}).content
    assert "N'DIAYE Mamadou" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    student.refresh_from_db()
    assert letter_for_account(student, code="C01", password="X").recipient == "Mamadou N'DIAYE"


@pytest.mark.parametrize("state", AccountState.values)
def test_a_state_has_the_same_badge_for_staff_and_for_the_family(client, head, establishment, state, enduser_env):
    student = StudentFactory(establishment=establishment, last_name="N'Diaye", first_name="Awa")
    account = AccountFactory(student=student, **TRAITS[state])
    client.force_login(head)
    staff_page = text(client.get(reverse("administration:student", args=[establishment.uai, account.pk])))
    assert badge(state) in staff_page
    if state in (AccountState.ACTIVATING, AccountState.ACTIVATED):  # the family signs in with its password
        client.logout()
        sign_in(client, account.identifier, CHOSEN_PASSWORD)
        family_page = text(client.get(reverse("enduser:home")))
        assert badge(state) in family_page
