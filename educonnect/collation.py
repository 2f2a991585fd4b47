"""The French order of names: « Céline » before « Clément », « Émile » among the E's, « de La Tour »
among the D's (issue 14 item 9). One expression sorts names on both databases:
`french("student__last_name")`, i.e. `Collate(…, FRENCH)` in an `order_by`.

- PostgreSQL: FRENCH is an ICU collation (locale « fr ») created by the migration
  `educonnect/0006_french_collation` (CreateCollation). The databases here are created « C.UTF-8 »,
  whose byte order put « Clément » before « Céline » and every lower-case particle (« de La Tour »)
  after « ZOLA ».
- SQLite (the demo and the tests without DATABASE_URL): the same name is registered on every
  connection (`register_sqlite_collation`, on `connection_created`) as a comparison of `french_key`,
  cached per name. The same key sorts in Python (`sorted(…, key=french_key)`), e.g. the exports.

Choices:
- `Collate` in ORDER BY rather than `db_collation` on the name columns: only the queries that sort
  by name need the collation. A column collation would also change the equality and LIKE of those
  columns, rebuild their indexes, and on SQLite be needed by every tool that opens the file (the
  `sqlite3` shell, a backup script) since it would be part of the schema. The lists' sort gains
  nothing from an index either: a page comes with its total (COUNT(*) OVER ()), so the
  establishment's matching rows (2,500 at most) are read and sorted in memory whatever the order.
- Deterministic, not nondeterministic (« und-u-ks-level2 »): a nondeterministic collation only
  matters when *equality* must ignore case or accents, and nothing compares names with it — the
  search compares the folded `search_text`. For ORDER BY both give the same order to names that
  differ (letters first, then accents, then case, lower case first); the deterministic one breaks
  the remaining ties byte-wise instead of leaving them to the next key, and it keeps LIKE usable
  (PostgreSQL before 18 refuses LIKE under a nondeterministic collation).
- No stored sort key: nothing to maintain in `save()`, bulk writes, the SIECLE import or the académie
  copy — the order is computed from the names themselves when read, so it cannot go stale.
"""

import functools

from django.db.models import Expression
from django.db.models.functions import Collate

from .text import fold

FRENCH = "educonnect_fr"


def french(expression: str | Expression) -> Collate:
    """`expression` (a field path) compared in French order, for an `order_by`."""
    return Collate(expression, FRENCH)


@functools.lru_cache(maxsize=8192)
def french_key(text: str | None) -> tuple[str, str, str]:
    """Letters first, accents and case ignored (« celine » < « clement »); then the accents
    (« Helene » < « Hélène »); then the case, lower case first (« de La Tour » < « DE LA TOUR »),
    as ICU's French order does. Spaces, hyphens and apostrophes come before letters in both."""
    text = text or ""
    return fold(text), text.casefold(), text.swapcase()


def compare(left: str | None, right: str | None) -> int:
    """SQLite's collation callback: negative, zero or positive."""
    a, b = french_key(left), french_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: SQLite learns FRENCH (PostgreSQL has it from the migration)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(FRENCH, compare)
