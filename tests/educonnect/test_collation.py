"""The French order of names (`educonnect.collation`): the Python key, and the database's collation of
the same name (ICU on PostgreSQL, the registered comparison on SQLite) giving the same order."""

import random

import pytest

from accounts.models import Student
from educonnect.collation import french, french_key
from tests.factories import StudentFactory

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
def test_the_database_collation_gives_the_same_order(establishment):
    """What the lists do: `order_by(french(<name>))` on the rows of the database."""
    for name in shuffled(NAMES):
        StudentFactory(establishment=establishment, last_name=name)
    ordered = Student.objects.order_by(french("last_name"), "pk").values_list("last_name", flat=True)
    assert list(ordered) == EXPECTED
