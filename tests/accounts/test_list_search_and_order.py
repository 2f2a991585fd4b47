"""The lists' search (name, identifier, e-mail; accents and case ignored) and their French order
(« Céline » before « Clément »), through the pages themselves: the troubleshooting and administration
Élèves lists, the administration Représentants légaux list, « Sélectionner tout » and the export.
Run on SQLite (the collation registered per connection) and on PostgreSQL (the ICU collation of the
migration): the expected orders are written out by hand, never computed by the code under test."""

import re

import pytest
from django.contrib import admin
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.exports import listed
from accounts.lists import resolve_selection
from accounts.lists.students import TROUBLESHOOTING_STUDENTS
from accounts.models import Account, Responsibility, Student
from accounts.selectors import student_accounts_visible_to
from tests.accounts.administration_support import representative_account, student_account
from tests.accounts.siecle_support import copy_fixture, edit, fixture_files, run_json
from tests.factories import DivisionFactory

pytestmark = pytest.mark.usefixtures("on_intranet")

# (last name, first name, identifier, e-mail), in the French order the lists must show. A byte order
# (the « C » collation, SQLite's BINARY) would put « Clément » before « Céline », « Ethan » before
# « Émile », « ÉCHARD » after « ZOLA » and « de La Tour » last.
PEOPLE = [
    ("DA SILVA", "Inès", "i.dasilva", ""),
    ("de La Tour", "Anne", "a.delatour", ""),
    ("DELACROIX", "Hugo", "h.delacroix", "hugo@famille-delacroix.fr"),
    ("DUPONT", "Céline", "c.dupont12", "Celine.Dupont@Exemple.fr"),
    ("DUPONT", "Clément", "c.dupont", ""),
    ("DUPONT", "Émile", "e.dupont", "emile.d@exemple.fr"),
    ("DUPONT", "Ethan", "e.dupont1", ""),
    ("EBERT", "Zoé", "z.ebert", ""),
    ("ÉCHARD", "Léa", "l.echard", ""),
    ("EDOUARD", "Paul", "p.edouard", ""),
    ("ZOLA", "Émile", "e.zola", ""),
]
SHUFFLED = [5, 10, 1, 8, 3, 0, 9, 4, 7, 2, 6]  # created out of order: ids say nothing of the order


def troubleshooting_url(establishment):
    return reverse("troubleshooting:students", args=[establishment.uai])


def administration_url(establishment, kind="students"):
    return reverse(f"administration:{kind}", kwargs={"uai": establishment.uai})


def row_ids(html: str, prefix: str = "account") -> list[int]:
    return [int(pk) for pk in re.findall(rf'<tr id="{prefix}-(\d+)"', html)]


@pytest.fixture
def people(establishment, other_establishment):
    """The accounts of PEOPLE (by name), one class; the same Céline DUPONT, with the same e-mail,
    in another establishment."""
    division = DivisionFactory(establishment=establishment, code="3EME1", label="3EME1")
    accounts = {}
    for index in SHUFFLED:
        last, first, identifier, email = PEOPLE[index]
        accounts[f"{first} {last}"] = student_account(
            establishment, division, last, first, identifier=identifier, email=email
        )
    elsewhere = DivisionFactory(establishment=other_establishment, code="3EME1", label="3EME1")
    student_account(
        other_establishment, elsewhere, "DUPONT", "Céline", identifier="c.dupont13", email="Celine.Dupont@Exemple.fr"
    )
    return accounts


def in_order(people, *names) -> list[int]:
    return [people[name].pk for name in names]


FRENCH_ORDER = [f"{first} {last}" for last, first, _identifier, _email in PEOPLE]


# --- order ------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["troubleshooting", "administration"])
def test_both_student_lists_sort_names_in_french_order(client, head, establishment, people, module):
    client.force_login(head)
    url = troubleshooting_url(establishment) if module == "troubleshooting" else administration_url(establishment)
    assert row_ids(client.get(url).text) == in_order(people, *FRENCH_ORDER)
    assert row_ids(client.get(url, {"sort": "-eleve"}).text) == in_order(people, *reversed(FRENCH_ORDER))
    # Within one class, by name too; and the search keeps the order.
    assert row_ids(client.get(url, {"sort": "classe"}).text) == in_order(people, *FRENCH_ORDER)
    dupont = ["Céline DUPONT", "Clément DUPONT", "Émile DUPONT", "Ethan DUPONT"]
    assert row_ids(client.get(url, {"q": "dupont"}).text) == in_order(people, *dupont)


def test_select_all_and_the_export_follow_the_same_order(head, establishment, people):
    accounts = student_accounts_visible_to(head, establishment)
    data = QueryDict("q=dupont&select_all=1")
    selection = resolve_selection(
        TROUBLESHOOTING_STUDENTS, accounts, data, form_kwargs={"establishment": establishment}
    )
    dupont = ["Céline DUPONT", "Clément DUPONT", "Émile DUPONT", "Ethan DUPONT"]
    assert [account.pk for account in selection] == in_order(people, *dupont)
    # « Lister les comptes »: by class, then by name in the same order (sorted in Python).
    assert [line.account.pk for line in listed(accounts)] == in_order(people, *FRENCH_ORDER)


def link(account, student) -> int:
    """The row id of (student, representative) in the Représentants légaux list."""
    return Responsibility.objects.get(student=student, representative=account.representative).pk


def test_representatives_list_sorts_both_names_in_french_order(client, head, establishment, people):
    """« Élèves »: by pupil, then by representative; « Représentants légaux »: by representative."""
    celine, clement = people["Céline DUPONT"].student, people["Clément DUPONT"].student
    echard = representative_account(establishment, "ÉCHARD", "Zoé", [clement, celine], identifier="z.echard")
    ebert = representative_account(establishment, "EBERT", "Éric", [celine], identifier="e.ebert")
    tour = representative_account(establishment, "de La Tour", "Émilie", [clement], identifier="e.delatour")
    client.force_login(head)
    url = administration_url(establishment, "representatives")
    by_pupil = [link(ebert, celine), link(echard, celine), link(tour, clement), link(echard, clement)]
    assert row_ids(client.get(url).text, "row") == by_pupil
    assert row_ids(client.get(url, {"sort": "-eleve"}).text, "row") == by_pupil[::-1]
    by_representative = [link(tour, clement), link(ebert, celine), link(echard, celine), link(echard, clement)]
    assert row_ids(client.get(url, {"sort": "representant"}).text, "row") == by_representative


# --- search -----------------------------------------------------------------------------------


SEARCHES = [
    # By identifier: whole, in capitals, a part of it.
    ("c.dupont12", ["Céline DUPONT"]),
    ("C.DUPONT12", ["Céline DUPONT"]),
    ("dupont1", ["Céline DUPONT", "Ethan DUPONT"]),
    # By e-mail: whole (another establishment's account with the same address is never found), in
    # other capitals, a part of it.
    ("celine.dupont@exemple.fr", ["Céline DUPONT"]),
    ("CELINE.DUPONT@EXEMPLE.FR", ["Céline DUPONT"]),
    ("exemple.fr", ["Céline DUPONT", "Émile DUPONT"]),
    ("@famille-delacroix", ["Hugo DELACROIX"]),
    # A word without a dot, an « @ » or a digit is a name: not looked for in identifiers and e-mails.
    ("exemple", []),
    ("famille", []),
    # By name, accents and case ignored, first or last name, in any order.
    ("celine", ["Céline DUPONT"]),
    ("CÉLINE", ["Céline DUPONT"]),
    ("emile", ["Émile DUPONT", "Émile ZOLA"]),
    ("echard", ["Léa ÉCHARD"]),
    ("la tour", ["Anne de La Tour"]),
    ("emile dupont", ["Émile DUPONT"]),
    # Terms of different kinds combine: each must be found somewhere.
    ("dupont exemple.fr", ["Céline DUPONT", "Émile DUPONT"]),
    ("c.dupont12 celine", ["Céline DUPONT"]),
    ("c.dupont12 clement", []),
    ("c.dupont13", []),  # the other establishment's
]


@pytest.mark.parametrize(("query", "found"), SEARCHES)
@pytest.mark.parametrize("module", ["troubleshooting", "administration"])
def test_search_by_name_identifier_or_email(client, head, establishment, people, module, query, found):
    client.force_login(head)
    url = troubleshooting_url(establishment) if module == "troubleshooting" else administration_url(establishment)
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    assert row_ids(response.text) == in_order(people, *found)


def test_select_all_of_an_identifier_search_is_that_account(head, establishment, people):
    accounts = student_accounts_visible_to(head, establishment)
    for query, name in (("q=c.dupont12", "Céline DUPONT"), ("q=EMILE.D%40EXEMPLE.FR", "Émile DUPONT")):
        data = QueryDict(f"{query}&select_all=1")
        rows = resolve_selection(TROUBLESHOOTING_STUDENTS, accounts, data, form_kwargs={"establishment": establishment})
        assert [account.pk for account in rows] == [people[name].pk]


def test_representatives_search_by_their_identifier_email_or_a_name(client, head, establishment, people):
    """The rows' identifier and e-mail are the representative's: those are searched, with both names."""
    celine, clement = people["Céline DUPONT"].student, people["Clément DUPONT"].student
    mother = representative_account(
        establishment, "DUPONT", "Sophie", [celine, clement], identifier="s.dupont", email="Sophie.Dupont@Exemple.fr"
    )
    aunt = representative_account(establishment, "MARTIN", "Hélène", [celine], identifier="h.martin")
    client.force_login(head)
    url = administration_url(establishment, "representatives")

    def rows(query: str) -> list[int]:
        return row_ids(client.get(url, {"q": query}).text, "row")

    mother_rows = [link(mother, celine), link(mother, clement)]  # one row per child
    assert rows("s.dupont") == mother_rows
    assert rows("SOPHIE.DUPONT@exemple.fr") == mother_rows
    assert rows("helene") == [link(aunt, celine)]  # the representative's name
    assert rows("clement") == [link(mother, clement)]  # the pupil's name
    assert rows("celine dupont") == [link(mother, celine), link(aunt, celine)]
    assert rows("c.dupont12") == []  # the pupil's identifier is not on these rows


# --- the field, the query count -----------------------------------------------------------------


def test_the_search_field_says_what_it_searches(client, head, establishment, people):
    client.force_login(head)
    for url in (troubleshooting_url(establishment), administration_url(establishment)):
        page = client.get(url).text
        assert (
            '<label class="fr-label" for="id_q">Nom ou prénom, identifiant ou adresse mail<span class="fr-hint-text">'
            in page
        )
        assert "Accents et majuscules indifférents. Exemples : celine, c.dupont12, celine.dupont@exemple.fr" in page
    page = client.get(administration_url(establishment, "representatives")).text
    assert (
        "Nom ou prénom du représentant légal ou de l&#x27;élève ; identifiant ou adresse mail du représentant légal. "
        "Accents et majuscules indifférents." in page
    )


@pytest.mark.parametrize("module", ["troubleshooting", "administration", "representatives"])
def test_an_identifier_or_email_search_is_still_four_queries(
    client, head, establishment, people, django_assert_num_queries, module
):
    representative_account(
        establishment,
        "DUPONT",
        "Sophie",
        [people["Céline DUPONT"].student],
        identifier="s.dupont",
        email="s@exemple.fr",
    )
    establishment.siecle_imported_at = timezone.now()
    establishment.save(update_fields=["siecle_imported_at"])
    client.force_login(head)
    url = {
        "troubleshooting": troubleshooting_url(establishment),
        "administration": administration_url(establishment),
        "representatives": administration_url(establishment, "representatives"),
    }[module]
    client.get(url)  # the structure's cached copy
    identifier = "s.dupont" if module == "representatives" else "c.dupont12"
    for query in (identifier, "exemple.fr", "celine"):
        with django_assert_num_queries(4):
            response = client.get(url, {"q": query})
        assert response.status_code == 200 and "DUPONT Céline" in response.text, query


# --- the SIECLE import's bulk writes ---------------------------------------------------------------


def test_after_siecle_imports_the_list_finds_and_orders_the_new_names(client, head, establishment, tmp_path):
    """The import writes students with bulk_create, then bulk_update on a new export: the folded
    names it stores (`search_text`) follow a change of name, and the order is read from the names."""
    run_json(*fixture_files("new"))
    zoe = Account.objects.get(student__eleve_id="1007")
    files = copy_fixture(tmp_path)
    edit(
        files["ElevesSansAdresses"],
        "<NOM_DE_FAMILLE>LE GOFF</NOM_DE_FAMILLE>",
        "<NOM_DE_FAMILLE>ÉCHARD</NOM_DE_FAMILLE>",
    )
    assert run_json(*files.values())["students"]["updated"] == 1
    client.force_login(head)
    url = troubleshooting_url(establishment)

    def names(query: str = "") -> list[str]:
        rows = re.findall(r'<tr id="account-\d+">(.*?)</tr>', client.get(url, {"q": query}).text, flags=re.S)
        return [re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)[1]).strip() for row in rows]

    assert names() == ["DUBOIS Paul", "ÉCHARD Zoé", "SABRIER Éloïse", "SABRIER Léo"]
    assert names("echard") == ["ÉCHARD Zoé"]
    assert Student.objects.get(eleve_id="1007").search_text == "echard zoe"
    # Her identifier stays (« zoe.legoff »): found by it, whole or in part.
    assert names(zoe.identifier.upper()) == names("e.legoff") == ["ÉCHARD Zoé"]


def test_a_name_corrected_in_the_platform_admin_is_found_by_its_new_spelling(head, establishment, people):
    """The other writer of names (/plateforme/): its save keeps `search_text`, which it shows read-only."""
    student = people["Clément DUPONT"].student
    student.last_name = "DUPONT-ÉCHARD"
    model_admin = admin.site.get_model_admin(Student)
    assert "search_text" in model_admin.get_readonly_fields(None, student)
    model_admin.save_model(None, student, None, change=True)
    student.refresh_from_db()
    assert student.search_text == "dupont-echard clement"
    representative = representative_account(establishment, "MARTIN", "Hélène", [student]).representative
    representative.first_name = "Léna"
    admin.site.get_model_admin(type(representative)).save_model(None, representative, None, change=True)
    representative.refresh_from_db()
    assert representative.search_text == "martin lena"
