"""ÉduConnect identifiers: `prenom.nom`, lower-case ASCII, unique platform-wide (PRODUCT.md §4)."""

import re

from educonnect.text import fold

MAX_BASE_LENGTH = 40
_NOT_ALLOWED = re.compile(r"[^a-z0-9-]")


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
    """Identifiers in use that start with any of `bases` (one query per distinct base prefix,
    batched by the first letter to keep the query count small)."""
    from django.db.models import Q

    from .models import Account

    if not bases:
        return set()
    taken: set[str] = set()
    base_list = sorted(bases)
    for i in range(0, len(base_list), 500):
        chunk = base_list[i : i + 500]
        condition = Q()
        for base in chunk:
            condition |= Q(identifier__startswith=base)
        taken.update(Account.objects.filter(condition).values_list("identifier", flat=True))
    return taken


class IdentifierAllocator:
    """Allocates identifiers for a batch of new accounts with few queries.

    One indexed `IN` query finds which bases are taken exactly; only for those (and for bases
    wanted more than once in the batch) a prefix query fetches the numbered variants. The batch's
    own allocations are remembered, so two new « lea.martin » become lea.martin and lea.martin1."""

    CHUNK = 500

    def __init__(self, bases: list[str]):
        from django.db.models import Q

        from .models import Account

        wanted: dict[str, int] = {}
        for base in bases:
            wanted[base] = wanted.get(base, 0) + 1
        distinct = sorted(wanted)
        self.taken: set[str] = set()
        for i in range(0, len(distinct), self.CHUNK):
            chunk = distinct[i : i + self.CHUNK]
            self.taken.update(Account.objects.filter(identifier__in=chunk).values_list("identifier", flat=True))
        crowded = sorted(b for b in distinct if b in self.taken or wanted[b] > 1)
        for i in range(0, len(crowded), self.CHUNK):
            condition = Q()
            for base in crowded[i : i + self.CHUNK]:
                condition |= Q(identifier__startswith=base)
            self.taken.update(Account.objects.filter(condition).values_list("identifier", flat=True))
        self._next_number: dict[str, int] = {}

    def allocate(self, base: str) -> str:
        if base not in self.taken:
            self.taken.add(base)
            return base
        number = self._next_number.get(base, 1)
        while f"{base}{number}" in self.taken:
            number += 1
        identifier = f"{base}{number}"
        self.taken.add(identifier)
        self._next_number[base] = number + 1
        return identifier
