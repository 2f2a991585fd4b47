"""French grammar helpers (issue 14 item 2): elision and plurals."""

import pytest
from django.template import Context, Template
from django.test import Client

from educonnect.text import de


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ambre", "d'Ambre"),
        ("Éloïse MARTIN", "d'Éloïse MARTIN"),
        ("Enzo DUPONT", "d'Enzo DUPONT"),
        ("Paul DUBOIS", "de Paul DUBOIS"),
        ("Hugo BERNARD", "de Hugo BERNARD"),
        ("M. Bruno MORAND", "de M. Bruno MORAND"),
    ],
)
def test_de_elides_before_a_vowel(name, expected):
    assert de(name) == expected


@pytest.mark.parametrize(("count", "expected"), [(0, "0 résultat"), (1, "1 résultat"), (2, "2 résultats")])
def test_pluriel_follows_french_rules(count, expected):
    template = Template("{% load french %}{{ n }} résultat{{ n|pluriel }}")
    assert template.render(Context({"n": count})) == expected


def test_pluriel_with_two_forms_and_lists():
    template = Template(
        '{% load french %}ne peu{{ n|pluriel:"t,vent" }} — {{ items|length }} personne{{ items|pluriel }}'
    )
    assert template.render(Context({"n": 0, "items": []})) == "ne peut — 0 personne"
    assert template.render(Context({"n": 3, "items": [1, 2]})) == "ne peuvent — 2 personnes"


@pytest.mark.django_db
def test_a_search_without_result_says_0_resultat(delegate_depannage):
    client = Client()
    client.force_login(delegate_depannage)
    page = client.get("/depannage/0380111P/eleves/?q=zzz").content.decode()
    assert "Comptes ÉduConnect des élèves : 0 résultat</caption>" in page
