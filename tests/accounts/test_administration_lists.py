"""The Représentants légaux and Élèves lists of the administration module, and their bulk actions."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountOrigin
from accounts.passwords import provisional_password
from educonnect.models import AuditAction, AuditEvent
from tests.accounts.administration_support import representative_account
from tests.factories import AccountFactory, DivisionFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("on_intranet")

REPS = reverse("administration:representatives", kwargs={"uai": "0380111P"})
STUDENTS = reverse("administration:students", kwargs={"uai": "0380111P"})


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def plain(response) -> str:
    """The page as text: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def table_rows(response) -> list[str]:
    """The text of each body row of the table, cells separated by « | »."""
    body = page_text(response)
    tbody = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    # Representatives' rows are « row-<link id> », students' « account-<account id> ».
    for row in re.findall(r"<tr id=\"(?:row|account)-\d+\">(.*?)</tr>", tbody, flags=re.S):
        cells = [re.sub(r"<[^>]+>", " ", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        rows.append(" | ".join(" ".join(cell.split()) for cell in cells[1:-1]))
    return rows


def test_family_with_two_children_shows_both_representatives_for_each_child(client, head, family):
    client.force_login(head)
    response = client.get(REPS, {"q": "sabrier"})
    assert response.status_code == 200
    rows = table_rows(response)
    assert len(rows) == 4
    today = family["goulan"].last_notified_at.astimezone().strftime("%d-%m-%Y")
    famer = "famer.sabrier | Non renseignée | Non activé - non informé | Non renseignée | Non renseignée"
    goulan = f"goulan.sabrier | goulan.sabrier@example.org | Activé | {today} | Non renseignée"
    assert rows == [
        f"SABRIER Léna | 5EME7 | SABRIER Famer | {famer}",
        f"SABRIER Léna | 5EME7 | SABRIER Goulan | {goulan}",
        f"SABRIER Théo | 4EME7 | SABRIER Famer | {famer}",
        f"SABRIER Théo | 4EME7 | SABRIER Goulan | {goulan}",
    ]
    joined = "\n".join(rows)
    assert joined.count("SABRIER Goulan") == 2 and joined.count("SABRIER Famer") == 2
    assert joined.count("4EME7") == 2 and joined.count("5EME7") == 2
    assert "0 représentants légaux sélectionnés sur 4" in plain(response)
    for column in [
        "Élèves",
        "Classe",
        "Représentants légaux",
        "Identifiant",
        "Adresse mail",
        "État du compte",
        "Dernière information",
        "Dernière connexion",
    ]:
        assert f">{column}<" in page_text(response), column


def test_name_filter_matches_student_or_representative_accent_insensitively(client, head, family):
    client.force_login(head)
    by_student = table_rows(client.get(REPS, {"q": "LENA"}))
    assert len(by_student) == 2 and all("SABRIER Léna" in row for row in by_student)
    by_parent = table_rows(client.get(REPS, {"q": "goulan"}))
    assert len(by_parent) == 2 and all("SABRIER Goulan" in row for row in by_parent)
    assert len(table_rows(client.get(REPS, {"q": "sabrier goulan léna"}))) == 1


def test_email_class_state_origin_and_mef_filters(client, head, family, class_3eme1):
    client.force_login(head)
    d3 = class_3eme1["paul"].student.division
    rows = table_rows(client.get(REPS, {"email": "sans", "division": [d3.pk]}))
    assert [row.split(" | ")[2] for row in rows] == ["DUBOIS Claire", "MARTIN Sophie"]
    rows = table_rows(client.get(REPS, {"email": "avec"}))
    assert {row.split(" | ")[2] for row in rows} == {"DUBOIS Yannick", "SABRIER Goulan"}
    rows = table_rows(client.get(REPS, {"state": ["informe"]}))
    assert [row.split(" | ")[2] for row in rows] == ["MARTIN Sophie"]
    family["famer"].origin = AccountOrigin.FRANCECONNECT
    family["famer"].save(update_fields=["origin"])
    rows = table_rows(client.get(REPS, {"origin": ["franceconnect"]}))
    assert {row.split(" | ")[2] for row in rows} == {"SABRIER Famer"}
    rows = table_rows(client.get(REPS, {"mef": family["theo"].student.mef_id}))
    assert {row.split(" | ")[1] for row in rows} == {"4EME7"}


def test_other_establishment_rows_are_never_listed(client, head, family, other_establishment):
    foreign = StudentFactory(establishment=other_establishment, last_name="SABRIER", first_name="Autre")
    representative_account(other_establishment, "SABRIER", "Ailleurs", [foreign])
    client.force_login(head)
    assert len(table_rows(client.get(REPS, {"q": "sabrier"}))) == 4


def test_htmx_swap_equals_fresh_reload(client, head, family):
    client.force_login(head)

    def without_csrf(text):  # the masked CSRF token differs on every rendering
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    partial = without_csrf(page_text(client.get(REPS, {"q": "sabrier"}, headers={"HX-Request": "true"})))
    full = without_csrf(page_text(client.get(REPS, {"q": "sabrier"})))
    assert "<html" not in partial
    start = full.index('<div id="results"')
    assert partial.strip() in full[start:]


def _make_rows(establishment, n):
    division = DivisionFactory(establishment=establishment, code="6EME1", label="6EME1")
    for i in range(n):
        student = AccountFactory(
            student=StudentFactory(establishment=establishment, division=division, last_name=f"ELEVE{i}")
        ).student
        representative_account(establishment, f"PARENT{i}", "Alex", [student])


@pytest.mark.parametrize("url", [REPS, STUDENTS])
def test_query_count_is_exact_whatever_the_number_of_rows(client, head, establishment, django_assert_num_queries, url):
    """Session, user, their rights, the page: the classes and MEFs are cached per import."""
    _make_rows(establishment, 2)
    establishment.siecle_imported_at = timezone.now()
    establishment.save(update_fields=["siecle_imported_at"])
    client.force_login(head)
    client.get(url)  # the structure's cached copy
    with django_assert_num_queries(4):
        assert len(table_rows(client.get(url))) == 2
    division = DivisionFactory(establishment=establishment, code="6EME2", label="6EME2")
    for i in range(12):
        student = AccountFactory(
            student=StudentFactory(establishment=establishment, division=division, last_name=f"AUTRE{i}")
        ).student
        representative_account(establishment, f"TUTEUR{i}", "Sam", [student])
    establishment.siecle_imported_at = timezone.now()
    establishment.save(update_fields=["siecle_imported_at"])
    client.get(url)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(table_rows(response)) == 14


def test_students_list_columns_and_eye(client, head, family):
    client.force_login(head)
    response = client.get(STUDENTS, {"q": "sabrier"})
    rows = table_rows(response)
    assert len(rows) == 2
    body = page_text(response)
    for column in ["Élèves", "Classe", "Identifiant", "État du compte", "Dernière information", "Dernière connexion"]:
        assert f">{column}<" in body, column
    assert reverse("administration:student", kwargs={"uai": "0380111P", "account_id": family["theo"].pk}) in body
    assert "0 élèves sélectionnés sur 2" in plain(response)


def test_list_remembers_the_search_for_back_to_list(client, head, family):
    client.force_login(head)
    listing = page_text(client.get(REPS, {"q": "goulan"}))
    account_url = reverse(
        "administration:representative", kwargs={"uai": "0380111P", "account_id": family["goulan"].pk}
    )
    links = re.findall(rf'href="({re.escape(account_url)}[^"]*)"', listing)  # his rows' eye links (two children)
    assert len(links) == 2 and links[0] == links[1]
    eye = links[0]
    page = page_text(client.get(eye))
    assert f'href="{REPS}?q=goulan"' in page
    # An action on the account page comes back to it without the link's parameter: still remembered.
    assert f'href="{REPS}?q=goulan"' in page_text(client.get(account_url))


def test_a_list_request_writes_nothing(client, head, family, django_assert_num_queries):
    """Searching reads: session, user with rights, the page (the classes and MEFs are cached per import)."""
    establishment = family["goulan"].establishment
    establishment.siecle_imported_at = timezone.now()
    establishment.save(update_fields=["siecle_imported_at"])
    client.force_login(head)
    for url in (REPS, STUDENTS):
        client.get(url, {"q": "sabrier"})
        with django_assert_num_queries(4):
            assert client.get(url, {"q": "goulan"}).status_code == 200


# Bulk actions -------------------------------------------------------------------------------------

BULK = "administration:{}_{}"


def bulk_url(population, action):
    return reverse(BULK.format(population, action), kwargs={"uai": "0380111P"})


def test_bulk_reset_reports_per_state_and_skips_not_informed(client, head, family, class_3eme1):
    client.force_login(head)
    data = {"select_all": "1", "q": "sabrier"}
    confirm = plain(client.post(bulk_url("representatives", "reset"), data))
    # Two representatives of two children: four rows, two accounts — said as the list's counter says it.
    assert "4 lignes sélectionnées — 2 comptes :" in confirm
    assert "Un représentant légal de plusieurs élèves a une ligne par élève et un seul compte" in confirm
    assert "1 compte sera traité, 1 ne peut pas l'être" in confirm
    assert "1 compte : Ce compte n'a pas encore été notifié (« Non activé - non informé »)" in confirm
    famer_before = family["famer"].provisional_password_encrypted
    response = client.post(bulk_url("representatives", "reset"), {**data, "confirm": "1"})
    body = page_text(response)
    assert "no-store" in response["Cache-Control"]
    goulan = family["goulan"]
    goulan.refresh_from_db()
    assert provisional_password(goulan) in body
    assert goulan.state == "active"
    family["famer"].refresh_from_db()
    assert family["famer"].provisional_password_encrypted == famer_before
    assert "1 compte n'a pas été traité" in body
    assert "1 compte : Ce compte n'a pas encore été notifié (« Non activé - non informé »)" in body
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).count() == 1


def test_bulk_student_reset_of_ticked_rows(client, head, family):
    client.force_login(head)
    lena = family["lena"]
    response = client.post(bulk_url("students", "reset"), {"selection": [lena.pk], "confirm": "1"})
    lena.refresh_from_db()
    assert provisional_password(lena) in page_text(response)


def test_bulk_actions_with_a_foreign_id_are_404(client, head, family, other_establishment):
    foreign = AccountFactory(student=StudentFactory(establishment=other_establishment), informed=True)
    client.force_login(head)
    for action in ["reset", "list", "notify"]:
        response = client.post(bulk_url("students", action), {"selection": [foreign.pk], "confirm": "1"})
        assert response.status_code == 404, action
    foreign_before = foreign.provisional_password_encrypted
    foreign.refresh_from_db()
    assert foreign.provisional_password_encrypted == foreign_before


def test_bulk_list_representatives_pdf_and_csv(client, head, family):
    client.force_login(head)
    data = {"select_all": "1", "q": "sabrier"}
    choose = page_text(client.post(bulk_url("representatives", "list"), data))
    assert "Liste des représentants légaux (format pdf)" in choose
    pdf = client.post(bulk_url("representatives", "list"), {**data, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "Educonnect-ListeResponsables-" in pdf["Content-Disposition"]
    csv = client.post(bulk_url("representatives", "list"), {**data, "format": "csv"}).content.decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert lines[0].startswith("UAI;Établissement;Nom de l'élève")
    assert len(lines) == 5
    assert provisional_password(family["famer"]) in csv
    assert "******" in csv  # Goulan chose his own password
    event = AuditEvent.objects.filter(action=AuditAction.ACCOUNTS_LISTED).first()
    assert event.details["count"] == 2
    assert provisional_password(family["famer"]) not in str(event.details)


def test_bulk_list_students_csv(client, head, family):
    client.force_login(head)
    response = client.post(bulk_url("students", "list"), {"select_all": "1", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "lena.sabrier" in response.content.decode("utf-8-sig")


def test_bulk_notify_confirmation_reports_accounts_without_email(client, head, class_3eme1):
    client.force_login(head)
    d3 = class_3eme1["paul"].student.division
    response = client.post(bulk_url("representatives", "notify"), {"select_all": "1", "division": [d3.pk]})
    body = plain(response)
    assert "3 comptes sélectionnés" in body
    assert "2 comptes non notifiables : sans adresse mail" in body
    assert "Par feuilles individuelles imprimables" in body  # the notifications module is installed


def test_nothing_selected_goes_back_to_the_list(client, head, family):
    client.force_login(head)
    response = client.post(bulk_url("students", "reset"), {"q": "sabrier"})
    assert response.status_code == 302
    assert response["Location"] == f"{STUDENTS}?q=sabrier"


def test_filter_dropdowns_offer_every_choice(client, head, family, class_3eme1):
    client.force_login(head)
    body = page_text(client.get(REPS))
    for division in ["3EME1", "4EME7", "5EME7"]:
        assert f">{division}</label>" in body, division
    for label in ["Non activé - non informé", "Non activé - informé", "En cours d'activation", "Activé"]:
        assert f">{label}</label>" in body, label
    for label in ["Établissement", "Responsable", "FranceConnect", "ATEN", "ENT", "Non renseigné"]:
        assert f">{label}</label>" in body, label
    assert 'value="sans"' in body and 'value="avec"' in body
    body = page_text(client.get(STUDENTS))
    assert ">3EME1</label>" in body and "Origine des comptes" not in body
