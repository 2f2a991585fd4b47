"""The French order of names (`educonnect.collation`): the Python key, and the database's collation of
the same name (ICU on PostgreSQL, the registered comparison on SQLite) giving the same order."""

import random

import pytest
from django.db import connection

from educonnect.collation import FRENCH, french_key

NAMES = [
    "Céline",
    "Clément",
    "DA SILVA",
    "D'ALMEIDA",
    "de La Tour",
    "DE LA TOUR",
    "DELACROIX",
    "DUPONT",
    "Émile",
    "Eva",
    "Ethan",
    "Œdipe",
    "Ochoa",
    "Oscar",
    "Zoé",
]
# Written out by hand: letters first, accents and case ignored; spaces and apostrophes before letters.
EXPECTED = [
    "Céline",
    "Clément",
    "D'ALMEIDA",
    "DA SILVA",
    "de La Tour",
    "DE LA TOUR",
    "DELACROIX",
    "DUPONT",
    "Émile",
    "Ethan",
    "Eva",
    "Ochoa",
    "Œdipe",
    "Oscar",
    "Zoé",
]


def shuffled(names: list[str]) -> list[str]:
    copy = list(names)
    random.Random(14).shuffle(copy)
    return copy


def test_python_key_sorts_in_french_order():
    assert sorted(shuffled(NAMES), key=french_key) == EXPECTED
    # Equal letters: without accent first, then lower case first.
    assert sorted(["HÉLÈNE", "Hélène", "Helene"], key=french_key) == ["Helene", "Hélène", "HÉLÈNE"]
    assert sorted([None, "", "A"], key=french_key) == [None, "", "A"]


@pytest.mark.django_db
def test_the_database_collation_gives_the_same_order():
    values = ", ".join(["(%s)"] * len(NAMES))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT column1 FROM (VALUES {values}) AS t ORDER BY column1 COLLATE "{FRENCH}"',  # noqa: S608
            shuffled(NAMES),
        )
        assert [row[0] for row in cursor.fetchall()] == EXPECTED
