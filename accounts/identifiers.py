"""ÉduConnect identifiers: `prenom.nom`, lower-case ASCII, unique platform-wide (PRODUCT.md §4)."""

import re
from dataclasses import dataclass

from django.db import connection

from educonnect.text import fold

MAX_BASE_LENGTH = 40
_NOT_ALLOWED = re.compile(r"[^a-z0-9-]")
VARIANTS_CHUNK = 5000


def identifier_base(first_name: str, last_name: str) -> str:
    """« Céline », « Dupont » → « celine.dupont »; spaces and apostrophes dropped, hyphens kept
    (collapsed), each part truncated so the whole stays short."""

    def part(text: str) -> str:
        folded = fold(text).replace("'", "").replace("’", "").replace(" ", "")
        cleaned = _NOT_ALLOWED.sub("", folded)
        return re.sub(r"-{2,}", "-", cleaned).strip("-")

    first = part(first_name.split()[0] if first_name.split() else "")[:20] or "x"
    last = part(last_name)[: MAX_BASE_LENGTH - len(first) - 1] or "x"
    return f"{first}.{last}"


def next_free_identifier(base: str, taken: set[str]) -> str:
    """`base` if free, else `base` + the smallest number ≥ 1 not taken (« celine.dupont114 »).
    `taken` holds the identifiers already used that start with `base`."""
    if base not in taken:
        return base
    number = 1
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


def taken_identifiers(bases: set[str]) -> set[str]:
    """Identifiers in use that are one of `bases` or one of their numbered variants (« base12 »)."""
    return numbered_variants(sorted(bases))


def numbered_variants(bases: list[str]) -> set[str]:
    """Identifiers in use that are one of `bases` or start with one of them followed by a digit (a
    superset is harmless: allocation only asks whether « base<n> » is in the set).

    Identifiers are unique platform-wide, so in a whole académie a common base (« lea.martin ») has
    its variants in many establishments; this reads those variants only, never every identifier. On
    PostgreSQL each base is one range scan of the identifier's pattern index (`varchar_pattern_ops`,
    the index Django adds for LIKE on a unique CharField): identifiers from « base » up to, not
    including, « base: » (« : » follows « 9 » in byte order: the range holds « base », « base<digits>… »,
    and « base-… »/« base.… »). OR-ing hundreds of `LIKE 'base%'` made the planner scan the whole
    table instead (3.7 s for a 2,500-pupil import in a 250,000-pupil académie). The ORM expression of
    the same read (`_variants_orm`) serves the other databases, and the tests compare both."""
    if not bases:
        return set()
    if connection.vendor != "postgresql":
        return _variants_orm(bases)
    from .models import Account

    taken: set[str] = set()
    with connection.cursor() as cursor:
        for i in range(0, len(bases), VARIANTS_CHUNK):
            cursor.execute(
                "SELECT v.identifier FROM unnest(%s::text[]) AS b(base) CROSS JOIN LATERAL ("  # noqa: S608
                f'SELECT a.identifier FROM "{Account._meta.db_table}" a '
                "WHERE a.identifier ~>=~ b.base AND a.identifier ~<~ (b.base || ':')) v",
                [bases[i : i + VARIANTS_CHUNK]],
            )
            taken.update(identifier for (identifier,) in cursor.fetchall())
    return taken


def _variants_orm(bases: list[str]) -> set[str]:
    """`numbered_variants` through the ORM (prefix matches, in chunks of 500 bases)."""
    from django.db.models import Q

    from .models import Account

    taken: set[str] = set()
    for i in range(0, len(bases), 500):
        condition = Q()
        for base in bases[i : i + 500]:
            condition |= Q(identifier__startswith=base)
        taken.update(Account.objects.filter(condition).values_list("identifier", flat=True))
    return taken


@dataclass(frozen=True)
class FreeNumbers:
    """Where the numbered variants of a base stand: « base<first> » is the smallest free one (≥ 1), and
    `above` the numbers taken beyond it (usually none: allocation fills the smallest gap)."""

    first: int = 1
    above: frozenset[int] = frozenset()


# For each base, from its numbered variants « base<n> » (n ≥ 1, no leading zero): how many there are
# and the largest. When they are exactly 1…max (the usual case: allocation fills the smallest gap),
# the first free number is max + 1 and nothing else leaves the database; otherwise the numbers come
# back and the gap is found in Python. Each base is one range scan of the identifier's pattern index
# (index-only once autovacuum has passed); one row per base is returned, whatever the homonyms.
_FREE_NUMBERS_SQL = """
SELECT w.base, COALESCE(MAX(v.n), 0),
       CASE WHEN COUNT(v.n) = COALESCE(MAX(v.n), 0) THEN NULL ELSE array_agg(v.n) END
FROM unnest(%s::text[]) AS w(base)
LEFT JOIN LATERAL (
    SELECT substr(a.identifier, length(w.base) + 1)::bigint AS n
    FROM "{table}" a
    WHERE a.identifier ~>=~ w.base AND a.identifier ~<~ (w.base || ':')
      AND substr(a.identifier, length(w.base) + 1) ~ '^[1-9][0-9]{{0,17}}$'
) v ON true
GROUP BY w.base
"""


def free_numbers(bases: list[str]) -> dict[str, FreeNumbers]:
    """`FreeNumbers` of each of `bases` (the numbered variants « base1 », « base2 »… in use).

    Identifiers are unique platform-wide: in a whole académie a common base has its variants in many
    establishments. On PostgreSQL the database walks them and answers one row per base (first free
    number, numbers taken above it): a 2,500-pupil import in a 250,000-pupil académie reads ≈ 5,000
    rows instead of the ≈ 200,000 identifiers of its homonyms (and instead of the whole table that
    OR-ed `LIKE 'base%'` made the planner scan). Other databases compute the same from
    `_variants_orm`; the tests compare both."""
    if not bases:
        return {}
    if connection.vendor != "postgresql":
        return _free_numbers_from(bases, _variants_orm(bases))
    from .models import Account

    result: dict[str, FreeNumbers] = {}
    sql = _FREE_NUMBERS_SQL.format(table=Account._meta.db_table)
    with connection.cursor() as cursor:
        for i in range(0, len(bases), VARIANTS_CHUNK):
            cursor.execute(sql, [bases[i : i + VARIANTS_CHUNK]])
            for base, largest, numbers in cursor.fetchall():
                if numbers is None:  # 1…largest, no gap
                    result[base] = FreeNumbers(largest + 1)
                else:
                    result[base] = _gap(set(numbers))
    return result


def _free_numbers_from(bases: list[str], identifiers: set[str]) -> dict[str, FreeNumbers]:
    """`free_numbers` computed in Python from the identifiers in use."""
    result = {}
    for base in bases:
        numbers = set()
        for identifier in identifiers:
            suffix = identifier[len(base) :]
            if identifier.startswith(base) and re.fullmatch(r"[1-9][0-9]{0,17}", suffix):
                numbers.add(int(suffix))
        result[base] = _gap(numbers)
    return result


def _gap(numbers: set[int]) -> FreeNumbers:
    """The smallest number ≥ 1 not in `numbers`, and those above it."""
    first = min(n + 1 for n in numbers | {0} if n + 1 not in numbers)
    return FreeNumbers(first, frozenset(n for n in numbers if n > first))


class IdentifierAllocator:
    """Allocates identifiers for a batch of new accounts with few queries.

    One indexed `IN` query finds which bases are taken exactly; only for those (and for bases
    wanted more than once in the batch) `free_numbers` tells where their numbered variants stand.
    The batch's own allocations are remembered, so two new « lea.martin » become lea.martin and
    lea.martin1."""

    CHUNK = 500

    def __init__(self, bases: list[str]):
        from .models import Account

        wanted: dict[str, int] = {}
        for base in bases:
            wanted[base] = wanted.get(base, 0) + 1
        distinct = sorted(wanted)
        self.taken: set[str] = set()  # exact bases in use, and every identifier given by this allocator
        for i in range(0, len(distinct), self.CHUNK):
            chunk = distinct[i : i + self.CHUNK]
            self.taken.update(Account.objects.filter(identifier__in=chunk).values_list("identifier", flat=True))
        crowded = sorted(b for b in distinct if b in self.taken or wanted[b] > 1)
        self._numbers = free_numbers(crowded)
        self._next_number: dict[str, int] = {}

    def allocate(self, base: str) -> str:
        if base not in self.taken:
            self.taken.add(base)
            return base
        numbers = self._numbers.get(base, FreeNumbers())
        number = self._next_number.get(base, numbers.first)
        while number in numbers.above or f"{base}{number}" in self.taken:
            number += 1
        identifier = f"{base}{number}"
        self.taken.add(identifier)
        self._next_number[base] = number + 1
        return identifier
