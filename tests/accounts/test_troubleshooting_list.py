"""The Élèves list of the troubleshooting module: access, scoping, filters, sorting, pagination,
HTMX fragments, query count."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountState
from tests.factories import AccountFactory, DivisionFactory, EstablishmentFactory, MefFactory, StudentFactory

pytestmark = pytest.mark.django_db


def students_url(establishment):
    return reverse("troubleshooting:students", args=[establishment.uai])


def home_url(establishment):
    return reverse("troubleshooting:home", args=[establishment.uai])


def account_for(establishment, *, last_name="DUBOIS", first_name="Paul", division="3EME1", state="informed", **kw):
    student = StudentFactory(
        establishment=establishment,
        last_name=last_name,
        first_name=first_name,
        division=DivisionFactory(establishment=establishment, code=division, label=division),
    )
    traits = {state: True} if state else {}
    return AccountFactory(student=student, **traits, **kw)


def row_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="account-(\d+)"', html)]


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["head", "deputy", "delegate_depannage", "delegate_admin"])
@pytest.mark.parametrize("url", [home_url, students_url])
def test_allowed_personas_see_the_module(client, request, establishment, persona, url):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url(establishment))
    assert response.status_code == 200
    assert "ÉduConnect - Dépannage des comptes élèves" in response.text
    assert f"{establishment.name} ({establishment.uai})" in response.text


@pytest.mark.parametrize("persona", ["staff", "stranger_from_other_establishment"])
@pytest.mark.parametrize("url", [home_url, students_url])
def test_staff_without_delegation_and_strangers_get_404(client, request, establishment, persona, url):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(establishment)).status_code == 404


def test_unknown_establishment_is_404(client, head):
    client.force_login(head)
    assert client.get("/depannage/0999999Z/eleves/").status_code == 404


@pytest.mark.parametrize("url", [home_url, students_url])
def test_anonymous_is_sent_to_sign_in(client, establishment, url):
    response = client.get(url(establishment))
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_home_links_to_the_students_tab(client, establishment, delegate_depannage):
    client.force_login(delegate_depannage)
    response = client.get(home_url(establishment))
    assert f'href="{students_url(establishment)}"' in response.text
    assert "Accueil" in response.text and "Élèves" in response.text


# --- content and scoping --------------------------------------------------------------------


def test_row_shows_the_seed_columns(client, establishment, delegate_depannage):
    account = account_for(establishment, identifier="paul.dubois")
    client.force_login(delegate_depannage)
    response = client.get(students_url(establishment))
    html = response.text
    assert response["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    assert 'hx-history="false"' in html
    for header in ["Élève", "Classe", "MEF", "Identifiant", "Mot de passe", "État du compte", "Mail"]:
        assert re.search(rf">{header}(<span|</th>)", html), header
    assert '<td><span class="ec-clamp ec-clamp--name">DUBOIS Paul</span></td>' in html  # « NOM Prénom », as every list
    assert "3EME1" in html
    assert "paul.dubois" in html
    from accounts.passwords import provisional_password

    assert provisional_password(account) in html
    assert "Non activé - informé" in html and "fr-badge--info" in html
    assert "Non renseigné" in html
    assert "Réinitialiser le mot de passe" in html
    assert "data-ec-selection-count>0 élève(s) sélectionné(s) sur 1<" in html


def test_names_are_escaped(client, establishment, head):
    account_for(establishment, last_name="<script>alert(1)</script>", first_name='"><img src=x onerror=alert(2)>')
    client.force_login(head)
    html = client.get(students_url(establishment)).text
    assert "<script>alert(1)" not in html.lower()
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html.lower() and "&quot;&gt;&lt;img" in html


def test_chosen_password_is_masked(client, establishment, delegate_depannage):
    account_for(establishment, state="activated")
    client.force_login(delegate_depannage)
    html = client.get(students_url(establishment)).text
    assert "********" in html
    assert "usager@example.org" in html


def test_same_name_in_two_establishments_only_shows_ours(client, establishment, other_establishment, head):
    ours = account_for(establishment)
    theirs = account_for(other_establishment)
    client.force_login(head)
    html = client.get(students_url(establishment), {"q": "dubois"}).text
    assert row_ids(html) == [ours.pk]
    assert theirs.identifier not in html


def test_left_students_and_representatives_are_not_listed(client, establishment, head):
    kept = account_for(establishment)
    gone = account_for(establishment, last_name="PARTI")
    gone.student.is_active = False
    gone.student.save()
    AccountFactory(for_representative=True, representative__establishment=establishment)
    client.force_login(head)
    assert row_ids(client.get(students_url(establishment)).text) == [kept.pk]


# --- filters --------------------------------------------------------------------------------


def test_name_search_is_accent_and_case_insensitive(client, establishment, head):
    eloise = account_for(establishment, last_name="MARTIN", first_name="Éloïse")
    account_for(establishment, last_name="DURAND", first_name="Léa")
    client.force_login(head)
    for query in ["eloise", "ELOÏSE", "martin eloi", "Éloïse Martin"]:
        assert row_ids(client.get(students_url(establishment), {"q": query}).text) == [eloise.pk], query


def test_filters_by_mef_division_and_states(client, establishment, head):
    sixieme = MefFactory(establishment=establishment, code="10010012110", label="6EME", short_label="6EME")
    a = account_for(establishment, last_name="ALPHA", division="3EME1")
    b = account_for(establishment, last_name="BRAVO", division="3EME2", state="activated")
    c = account_for(establishment, last_name="CHARLIE", division="6A", state=None)
    c.student.mef = sixieme
    c.student.save()
    client.force_login(head)
    url = students_url(establishment)
    assert row_ids(client.get(url, {"mef": sixieme.pk}).text) == [c.pk]
    d1, d2 = a.student.division_id, b.student.division_id
    assert row_ids(client.get(url, {"division": [d1, d2]}).text) == [a.pk, b.pk]
    states = [AccountState.INFORMED, AccountState.NOT_INFORMED]
    assert row_ids(client.get(url, {"state": states}).text) == [a.pk, c.pk]
    assert row_ids(client.get(url, {"state": states, "division": [d2]}).text) == []


def test_division_of_another_establishment_is_an_invalid_filter(client, establishment, other_establishment, head):
    account_for(establishment)
    foreign = DivisionFactory(establishment=other_establishment, code="3EME9")
    client.force_login(head)
    html = client.get(students_url(establishment), {"division": [foreign.pk]}).text
    assert row_ids(html) == []
    assert "Les critères de recherche ne sont pas valides" in html


# --- sorting and pagination -----------------------------------------------------------------


def test_sorting_by_columns(client, establishment, head):
    a = account_for(establishment, last_name="ALPHA", division="3EME2", identifier="zz.alpha")
    b = account_for(establishment, last_name="BRAVO", division="3EME1", identifier="aa.bravo", state="activated")
    client.force_login(head)
    url = students_url(establishment)
    assert row_ids(client.get(url).text) == [a.pk, b.pk]
    assert row_ids(client.get(url, {"sort": "-eleve"}).text) == [b.pk, a.pk]
    assert row_ids(client.get(url, {"sort": "classe"}).text) == [b.pk, a.pk]
    assert row_ids(client.get(url, {"sort": "identifiant"}).text) == [b.pk, a.pk]
    assert row_ids(client.get(url, {"sort": "-etat"}).text) == [b.pk, a.pk]
    assert row_ids(client.get(url, {"sort": "nonsense"}).text) == [a.pk, b.pk]
    html = client.get(url, {"sort": "classe", "q": "a"}).text
    assert 'aria-sort="ascending"' in html
    assert "q=a&amp;sort=-classe" in html  # the next click reverses, filters kept


def test_pagination_keeps_filters(client, establishment, head):
    division = DivisionFactory(establishment=establishment, code="3EME1")
    students = StudentFactory.create_batch(55, establishment=establishment, division=division)
    for student in students:
        AccountFactory(student=student, informed=True)
    client.force_login(head)
    url = students_url(establishment)
    first = client.get(url, {"q": "dubois"}).text
    assert len(row_ids(first)) == 50
    assert "data-ec-selection-count>0 élève(s) sélectionné(s) sur 55<" in first
    assert 'href="/depannage/0380111P/eleves/?q=dubois&amp;page=2"' in first
    assert ">Précédent<" in first and ">Suivant<" in first
    second = client.get(url, {"q": "dubois", "page": 2}).text
    assert len(row_ids(second)) == 5
    assert not set(row_ids(first)) & set(row_ids(second))


# --- HTMX -----------------------------------------------------------------------------------


def normalised(html: str) -> str:
    """Without what differs between two renders of the same thing (the masked CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html).strip()


def test_htmx_swap_equals_a_fresh_reload(client, establishment, head):
    account_for(establishment)
    account_for(establishment, last_name="MARTIN", first_name="Éloïse")
    client.force_login(head)
    params = {"q": "eloise", "sort": "-eleve"}
    fragment = client.get(students_url(establishment), params, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert fragment["Vary"] and "HX-Request" in fragment["Vary"]
    assert fragment["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    page = client.get(students_url(establishment), params).text
    assert normalised(fragment.text) in normalised(page)
    assert normalised(fragment.text).startswith('<div id="results"')


def test_history_restore_gets_the_whole_page(client, establishment, head):
    client.force_login(head)
    response = client.get(
        students_url(establishment), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.text


def test_filter_form_pushes_the_url(client, establishment, head):
    client.force_login(head)
    html = client.get(students_url(establishment)).text
    assert 'hx-push-url="true"' in html
    assert 'hx-target="#results"' in html
    for hx in re.findall(r"<a [^>]*hx-get=[^>]*>", html):
        assert " href=" in hx, hx


# --- query count ----------------------------------------------------------------------------


def _populate(establishment, n):
    division = DivisionFactory(establishment=establishment, code="3EME1")
    for student in StudentFactory.create_batch(n, establishment=establishment, division=division):
        AccountFactory(student=student, informed=True)


# Session, user, their rights (one query), the page (with its total). The classes and MEFs of the filters
# are cached per SIECLE import: none for an imported establishment.
LIST_QUERIES = 4


@pytest.mark.parametrize("htmx", [False, True])
def test_query_count_is_exact_whatever_the_number_of_rows(client, establishment, head, django_assert_num_queries, htmx):
    establishment.siecle_imported_at = timezone.now()
    establishment.save(update_fields=["siecle_imported_at"])
    client.force_login(head)
    headers = {"HX-Request": "true"} if htmx else {}
    url = students_url(establishment)
    _populate(establishment, 5)
    client.get(url, headers=headers)  # the structure's cached copy
    with django_assert_num_queries(LIST_QUERIES):
        assert len(row_ids(client.get(url, {"q": "dubois"}, headers=headers).text)) == 5
    other = EstablishmentFactory()
    _populate(other, 3)  # noise elsewhere
    StudentFactory.reset_sequence(10_000)
    division = DivisionFactory(establishment=establishment, code="3EME1")
    for student in StudentFactory.create_batch(45, establishment=establishment, division=division):
        AccountFactory(student=student, informed=True)
    establishment.siecle_imported_at = timezone.now()  # as an import would: the new class is read again
    establishment.save(update_fields=["siecle_imported_at"])
    client.get(url, headers=headers)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(row_ids(client.get(url, {"q": "dubois"}, headers=headers).text)) == 50
