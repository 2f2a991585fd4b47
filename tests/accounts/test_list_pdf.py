"""« Lister les comptes » as PDF, drawn by the kernel's table writer (educonnect.pdftable): every
selected account in the text (read back with pdftotext), for students and representatives; off the
happy path (nothing selected, another establishment's rows, a selection of a whole lycée); the CSV
byte for byte as it was."""

import datetime
import io
import logging
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.identifiers import identifier_base
from accounts.models import Account, AccountKind, AccountState, Division, Student
from accounts.passwords import provisional_password
from educonnect import crypto
from educonnect.models import AuditAction, AuditEvent
from educonnect.pdfstream import StreamingPdf
from educonnect.pdftable import Cell, Face, Fonts, Para, Section, Table, render_table_pdf, wrap
from tests.accounts.administration_support import representative_account, student_account
from tests.factories import AccountFactory, DivisionFactory, StudentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_intranet")]


def pdf_pages(content: bytes, tmp_path) -> list[str]:
    """The text of each page, as pdftotext reads it (form feed between pages)."""
    path = tmp_path / "list.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def troubleshooting_list(establishment):
    return reverse("troubleshooting:list_accounts", args=[establishment.uai])


def administration_list(establishment, population):
    return reverse(f"administration:{population}_list", args=[establishment.uai])


def test_students_pdf_has_every_selected_identifier_and_password(client, establishment, head, tmp_path):
    d3, d4 = (DivisionFactory(establishment=establishment, code=code) for code in ("3EME1", "4EME2"))
    chosen = [
        student_account(establishment, d3, "DUBOIS", "Paul", identifier="paul.dubois", informed=True),
        student_account(establishment, d3, "N'DIAYE", "Aïssatou", identifier="aissatou.ndiaye", informed=True),
        student_account(
            establishment,
            d4,
            "DE LA FONTAINE-SAINT-EXUPÉRY D'ARGENSON",
            "Marie-Charlotte Éléonore",
            identifier=identifier_base("Marie-Charlotte Éléonore", "DE LA FONTAINE-SAINT-EXUPÉRY D'ARGENSON") + "12",
            informed=True,
        ),
        student_account(establishment, d4, "MARTIN", "Théo", identifier="theo.martin", activated=True),
    ]
    left_out = student_account(establishment, d3, "BERNARD", "Zoé", identifier="zoe.bernard", informed=True)
    client.force_login(head)
    response = client.post(troubleshooting_list(establishment), {"selection": [a.pk for a in chosen], "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    assert response["Content-Disposition"].startswith('attachment; filename="Educonnect-ListeEleves-0380111P-')
    pages = pdf_pages(response.content, tmp_path)
    assert len(pages) == 2  # one class a page
    words = "\n".join(pages).split()
    assert len(chosen[2].identifier) == 42  # as long as they come: whole, the long name wraps instead
    for account in chosen:
        assert account.identifier in words, account.identifier
    assert left_out.identifier not in words
    assert provisional_password(chosen[0]) in pages[0] and provisional_password(chosen[1]) in pages[0]
    assert provisional_password(chosen[2]) in pages[1]
    assert "Mot de passe personnel" in pages[1]  # Théo chose his own
    for page, heading in zip(pages, ["Classe 3EME1 — 2 élèves", "Classe 4EME2 — 2 élèves"], strict=True):
        assert "ÉduConnect — Liste des comptes élèves" in page and heading in page
        assert f"{establishment.name} ({establishment.uai}) — édité le {timezone.localtime():%d/%m/%Y}" in page
        for label in ["Élève", "Classe", "Identifiant", "Mot de passe provisoire"]:
            assert label in page
    assert "DUBOIS Paul" in pages[0] and "N'DIAYE Aïssatou" in pages[0]
    assert "Page 1 / 2" in pages[0] and "Page 2 / 2" in pages[1]
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNTS_LISTED)
    assert event.details == {"format": "pdf", "count": 4, "account_ids": sorted(a.pk for a in chosen)}
    assert event.target_label == "4 compte(s) élève(s)"


def test_representatives_pdf_has_every_selected_identifier_and_password(
    client, establishment, head, family, class_3eme1, tmp_path
):
    client.force_login(head)
    response = client.post(administration_list(establishment, "representatives"), {"select_all": "1", "format": "pdf"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    assert response["Content-Disposition"].startswith('attachment; filename="Educonnect-ListeResponsables-0380111P-')
    (page,) = pdf_pages(response.content, tmp_path)
    words = page.split()
    accounts = [family["goulan"], family["famer"], class_3eme1["claire"], class_3eme1["yannick"], class_3eme1["sophie"]]
    for account in accounts:
        assert account.identifier in words, account.identifier
    for account in [family["famer"], class_3eme1["claire"], class_3eme1["sophie"]]:
        assert provisional_password(account) in words
    assert words.count("famer.sabrier") == 2  # one line per child
    assert words.count("******") == 2  # Goulan chose his password: masked on his two lines
    assert f"Date de création : {timezone.localtime():%d/%m/%Y}" in page
    assert "Établissement : 0380111P - " in page and "Liste des responsables" in page
    for label in ["Nom élève", "Prénom élève", "Niveau", "Classe", "Nom", "Prénom", "Identifiant", "Mot de passe *"]:
        assert label in page
    assert "* Seuls les mots de passe provisoires sont affichés" in page
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNTS_LISTED)
    assert event.details["format"] == "pdf" and event.details["count"] == 5
    assert not any(provisional_password(a) in str(event.details) for a in accounts if provisional_password(a))


def test_no_password_reaches_the_logs(client, establishment, head, caplog):
    account = AccountFactory(student=StudentFactory(establishment=establishment), informed=True)
    client.force_login(head)
    with caplog.at_level(logging.DEBUG):
        response = client.post(troubleshooting_list(establishment), {"selection": [account.pk], "format": "pdf"})
    assert response.status_code == 200
    assert provisional_password(account) not in caplog.text


@pytest.mark.parametrize("data", [{"format": "pdf"}, {"selection_ids": "", "format": "pdf"}])
def test_nothing_selected_goes_back_to_the_list_with_a_message(client, establishment, head, data):
    client.force_login(head)
    response = client.post(troubleshooting_list(establishment), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("troubleshooting:students", args=[establishment.uai])
    assert "Sélectionnez au moins un compte dans la liste." in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNTS_LISTED).exists()


def test_whole_search_finding_nobody_lists_nothing(client, establishment, head):
    AccountFactory(student=StudentFactory(establishment=establishment, last_name="DUBOIS"), informed=True)
    client.force_login(head)
    response = client.post(troubleshooting_list(establishment), {"select_all": "1", "q": "zzz", "format": "pdf"})
    assert response.status_code == 302
    assert response["Location"] == reverse("troubleshooting:students", args=[establishment.uai]) + "?q=zzz"
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNTS_LISTED).exists()


def test_students_of_another_establishment_are_404_and_the_refusal_audited(
    client, establishment, other_establishment, head
):
    ours = AccountFactory(student=StudentFactory(establishment=establishment), informed=True)
    theirs = AccountFactory(student=StudentFactory(establishment=other_establishment), informed=True)
    client.force_login(head)
    response = client.post(
        troubleshooting_list(establishment), {"selection_ids": f"{ours.pk},{theirs.pk}", "format": "pdf"}
    )
    assert response.status_code == 404
    refusal = AuditEvent.objects.get(action=AuditAction.ACCESS_REFUSED)
    assert refusal.actor == head and refusal.establishment == establishment
    assert refusal.details["reason"] == "selection:students"
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNTS_LISTED).exists()


def test_representatives_of_another_establishment_are_404_and_the_refusal_audited(
    client, establishment, other_establishment, head, family
):
    child = StudentFactory(establishment=other_establishment)
    representative_account(other_establishment, "AUTRE", "Camille", [child], identifier="camille.autre")
    foreign_link = child.responsibilities.get()
    ours = family["famer"].representative.responsibilities.first()
    client.force_login(head)
    response = client.post(
        administration_list(establishment, "representatives"),
        {"selection": [ours.pk, foreign_link.pk], "format": "pdf"},
    )
    assert response.status_code == 404
    refusal = AuditEvent.objects.get(action=AuditAction.ACCESS_REFUSED)
    assert refusal.details["reason"] == "selection:representatives"
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNTS_LISTED).exists()


def whole_lycee(establishment, count: int) -> list[Account]:
    """`count` students in classes of 25, each with an informed account (bulk_create: seconds, not minutes)."""
    divisions = Division.objects.bulk_create(
        Division(establishment=establishment, code=f"2NDE{n}", label=f"2NDE{n}") for n in range(count // 25 + 1)
    )
    students = Student.objects.bulk_create(
        Student(
            establishment=establishment,
            eleve_id=f"E{i:06d}",
            last_name=f"NOM{i:04d}",
            first_name="Prénom",
            birth_date=datetime.date(2009, 1, 1),
            division=divisions[i // 25],
        )
        for i in range(count)
    )
    password = crypto.encrypt(crypto.generate_provisional_password())  # one token: the test is about rows
    return Account.objects.bulk_create(
        Account(
            identifier=f"prenom.nom{i:04d}",
            kind=AccountKind.STUDENT,
            establishment=establishment,
            student=student,
            state=AccountState.INFORMED,
            provisional_password_encrypted=password,
            provisional_password_expires_at=timezone.now() + datetime.timedelta(days=90),
        )
        for i, student in enumerate(students)
    )


@pytest.mark.parametrize("how", ["packed", "select_all"])
def test_a_whole_lycee_in_one_pdf(client, establishment, head, tmp_path, how):
    """1,200 accounts — more ids than Django accepts as separate fields (1,000): the packed field or
    « Sélectionner tout » carries them, and every one is in the PDF, 25 a class, one class a page."""
    accounts = whole_lycee(establishment, 1200)
    data = {"selection_ids": ",".join(str(a.pk) for a in accounts)} if how == "packed" else {"select_all": "1"}
    client.force_login(head)
    response = client.post(troubleshooting_list(establishment), {**data, "format": "pdf"})
    assert response.status_code == 200
    pages = pdf_pages(response.content, tmp_path)
    assert len(pages) == 48
    found = [word for word in "\n".join(pages).split() if word.startswith("prenom.nom")]
    assert sorted(found) == sorted(a.identifier for a in accounts)
    assert AuditEvent.objects.get(action=AuditAction.ACCOUNTS_LISTED).details["count"] == 1200


def test_students_csv_is_unchanged(client, establishment, head):
    division = DivisionFactory(establishment=establishment, code="3EME1")
    paul = student_account(establishment, division, "DUBOIS", "Paul", identifier="paul.dubois", informed=True)
    theo = student_account(establishment, division, "MARTIN", "=Théo", identifier="theo.martin", activated=True)
    client.force_login(head)
    response = client.post(troubleshooting_list(establishment), {"selection": [paul.pk, theo.pk], "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8") == (
        "\ufeffÉlève;Nom;Prénom;Classe;MEF;Identifiant;Mot de passe provisoire;État du compte\r\n"
        f"DUBOIS Paul;DUBOIS;Paul;3EME1;3EME;paul.dubois;{provisional_password(paul)};Non activé - informé\r\n"
        "MARTIN =Théo;MARTIN;'=Théo;3EME1;3EME;theo.martin;Mot de passe personnel;Activé\r\n"
    )


def test_representatives_csv_is_unchanged(client, establishment, head, family):
    client.force_login(head)
    response = client.post(administration_list(establishment, "representatives"), {"select_all": "1", "format": "csv"})
    famer = provisional_password(family["famer"])
    lead = f"0380111P;{establishment.name};SABRIER"
    assert response.content.decode("utf-8") == (
        "\ufeffUAI;Établissement;Nom de l'élève;Prénom de l'élève;Niveau de l'élève;Classe de l'élève;"
        "Nom du responsable;Prénom du responsable;Identifiant;Mot de passe\r\n"
        f"{lead};Théo;4EME;4EME7;SABRIER;Goulan;goulan.sabrier;******\r\n"
        f"{lead};Théo;4EME;4EME7;SABRIER;Famer;famer.sabrier;{famer}\r\n"
        f"{lead};Léna;5EME;5EME7;SABRIER;Goulan;goulan.sabrier;******\r\n"
        f"{lead};Léna;5EME;5EME7;SABRIER;Famer;famer.sabrier;{famer}\r\n"
    )


BODY = Face(10)
TABLE = {"body": BODY, "head": Face(9, bold=True), "head_fill": (0.9, 0.9, 0.9), "padding": (5, 6)}


def test_a_section_longer_than_a_page_continues_with_its_heading_and_header(tmp_path):
    rows = [(f"Nom {i}", f"id.{i:03d}", Cell("SECRET", Face(10, mono=True, bold=True))) for i in range(80)]
    table = Table(
        title="Essai",
        columns=["Élève", "Identifiant", "Mot de passe"],
        sections=[Section(rows, intro=(Para("Titre", Face(14, bold=True)),), heading=Para("Classe A", BODY))],
        margins=(40, 40, 40, 40),
        note=(Para("Une note en bas.", BODY),),
        **TABLE,
    )
    pages = pdf_pages(render_table_pdf(table), tmp_path)
    assert len(pages) == 3
    assert "Titre" in pages[0] and "Titre" not in pages[1]
    assert "Classe A" in pages[0] and "Classe A (suite)" in pages[1] and "Classe A (suite)" in pages[2]
    assert all("Identifiant" in page and "Mot de passe" in page for page in pages)
    identifiers = [word for word in "\n".join(pages).split() if word.startswith("id.")]
    assert identifiers == [f"id.{i:03d}" for i in range(80)]  # in order, none lost or repeated
    assert "Une note en bas." in pages[2] and "Page 3 / 3" in pages[2]


def test_a_table_without_rows_says_so(tmp_path):
    table = Table(
        title="Essai",
        columns=["A"],
        sections=[],
        margins=(40, 40, 40, 40),
        empty=(Para("Aucun compte.", BODY),),
        **TABLE,
    )
    (page,) = pdf_pages(render_table_pdf(table), tmp_path)
    assert "Aucun compte." in page and "Page 1 / 1" in page


def test_wrap_cuts_at_spaces_then_inside_a_word_too_wide():
    fonts = Fonts(StreamingPdf(io.BytesIO()))
    width = fonts.width("MARIE-CHARLOTTE", BODY)
    assert wrap("MARIE-CHARLOTTE ÉLÉONORE", width, BODY, fonts) == ["MARIE-CHARLOTTE", "ÉLÉONORE"]
    long_word = "x" * 200
    lines = wrap(long_word, width, BODY, fonts)
    assert "".join(lines) == long_word and len(lines) > 1
    assert all(fonts.width(line, BODY) <= width + 0.01 for line in lines)
