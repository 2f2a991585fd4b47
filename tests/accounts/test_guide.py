"""Help where the seeds have it (issue 14 item 11): « Documentation : accès au guide » in both
modules' headers, the in-app guide with the action matrix, the « ? » beside « Pour effectuer des
actions… », « Mes applications », the administration home's shortcut buttons."""

import re

import pytest
from django.urls import reverse

from accounts.guide import action_rows
from accounts.models import AccountState

STATES = list(AccountState)


def matrix_of(page: str) -> dict[str, list[str]]:
    """The guide's table: action label → the Oui/Non of each state, in the order of AccountState."""
    table = page[page.index("<table>") : page.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr id=\"action-[^\"]+\">(.*?)</tr>", table, re.S):
        label = re.search(r"<th scope=\"row\">(.*?)</th>", row).group(1)
        rows[label] = re.findall(r"<td><strong>(Oui|Non)</strong>", row)
    return rows


@pytest.mark.django_db
def test_troubleshooting_guide_shows_what_a_delegate_may_do_in_each_state(client, delegate_depannage, establishment):
    client.force_login(delegate_depannage)
    response = client.get(reverse("troubleshooting:guide", args=[establishment.uai]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Guide du dépannage des comptes élèves" in page
    matrix = matrix_of(page)
    assert matrix == {
        "Réinitialiser le mot de passe": ["Non", "Oui", "Oui", "Oui"],
        "Lister les comptes (PDF ou CSV)": ["Oui", "Oui", "Oui", "Oui"],
    }
    for state in STATES:
        assert f'<th scope="col">{state.label}</th>'.replace("'", "&#x27;") in page


@pytest.mark.django_db
@pytest.mark.usefixtures("on_intranet")
def test_administration_guide_has_the_whole_action_matrix(client, delegate_admin, establishment):
    client.force_login(delegate_admin)
    page = client.get(reverse("administration:guide", args=[establishment.uai])).content.decode()
    matrix = matrix_of(page)
    assert matrix["(Re)notifier les comptes, sans réinitialisation"] == ["Oui"] * 4
    assert matrix["Réinitialiser le mot de passe"] == ["Non", "Oui", "Oui", "Oui"]
    assert matrix["Renvoyer le mail d&#x27;activation"] == ["Non", "Non", "Oui", "Non"]
    assert matrix["Réinitialiser l&#x27;identifiant (cas rares)"] == ["Oui"] * 4
    assert len(matrix) == 6
    assert "sans nouveau mot de passe (le provisoire n&#x27;a jamais été distribué)" in page
    assert "Paramètres" in page
    assert "la retrouver dans l'onglet « Envois »" in page


def test_the_matrix_follows_the_predicates_of_the_actions(monkeypatch):
    monkeypatch.setattr("accounts.matrix.can_reset_identifier", lambda account: (False, "non"))
    rows = {row.key: row for row in action_rows(administration=True)}
    assert [cell.allowed for cell in rows["reset_identifier"].cells] == [False] * 4


@pytest.mark.django_db
def test_guide_of_another_establishment_is_404(client, stranger_from_other_establishment, establishment):
    client.force_login(stranger_from_other_establishment)
    assert client.get(reverse("troubleshooting:guide", args=[establishment.uai])).status_code == 404
    assert client.get(reverse("administration:guide", args=[establishment.uai])).status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("on_intranet")
def test_module_headers_lead_to_the_guide_and_back_to_my_applications(client, delegate_admin, establishment):
    client.force_login(delegate_admin)
    for module, list_url in [
        ("troubleshooting", reverse("troubleshooting:students", args=[establishment.uai])),
        ("administration", reverse("administration:students", args=[establishment.uai])),
    ]:
        page = client.get(list_url).content.decode()
        guide = reverse(f"{module}:guide", args=[establishment.uai])
        header = page[page.index("<header") : page.index("</header>")]
        assert (
            f'href="{guide}"' in header and 'Documentation<span class="fr-sr-only"> : accès au guide</span>' in header
        )
        assert '<a class="fr-btn fr-icon-layout-grid-line" href="/">Mes applications</a>' in header
        # the « ? » beside « Pour effectuer des actions… »
        help_link = re.search(r"Pour effectuer des actions,.*?</p>", page, re.S).group(0)
        assert f'href="{guide}#actions"' in help_link


@pytest.mark.django_db
@pytest.mark.usefixtures("on_intranet")
def test_administration_home_has_the_seeds_shortcut_buttons(client, delegate_admin, establishment):
    client.force_login(delegate_admin)
    page = client.get(reverse("administration:home", args=[establishment.uai])).content.decode()
    uai = establishment.uai
    for href, label in [
        (reverse("administration:students", args=[uai]), "Accès aux comptes des élèves"),
        (reverse("administration:representatives", args=[uai]), "Accès aux comptes des responsables"),
        (f"/administration/{uai}/statistiques/", "Accès aux statistiques"),
        (reverse("parametres:index", args=[uai]), "Accès aux paramètres des notifications élèves / responsables"),
        ("#etablissement", "Informations sur l'établissement de connexion"),
    ]:
        assert re.search(rf'<a class="fr-btn[^"]*" href="{re.escape(href)}">{re.escape(label)}</a>', page), label
