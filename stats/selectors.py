"""Reads for the statistics tab, in three queries whose cost follows the school, not the deployment:
student accounts by origin × state and active students by (class, MEF) × state are grouped by the
database (conditional aggregation with `Count(..., filter=Q(...))`); the legal links in scope are read
once (a few rows per student) and the representatives' distinct counts made from them in Python.

Who counts (PRODUCT.md §3, §5):
- students: the establishment's *active* students (not left); their ÉduConnect account gives the state;
- legal representatives: the establishment's *active* representatives holding a legal responsibility
  (level 1) for at least one of those students; their account gives the state;
- « au moins un responsable activé »: a student with at least one such representative whose account is
  « Activé ».
A scope narrows the students to one class and/or one MEF; the representatives follow their students.
Per class and per MEF, a representative counts once in every class (MEF) where they have a child, so
those totals can exceed the synthesis (guide §6.1).
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Lookup, Q

from accounts.models import Account, AccountKind, AccountState, Responsibility, Student
from accounts.structure import structure_of
from delegations.models import Establishment

from .models import StatisticsSnapshot

FIGURES_VERSION = 1
# Figure keys of the four states, in the order of the columns.
STATE_KEYS = {
    AccountState.NOT_INFORMED: "not_informed",
    AccountState.INFORMED: "informed",
    AccountState.ACTIVATING: "activating",
    AccountState.ACTIVATED: "activated",
}
COUNT_KEYS = [*STATE_KEYS.values(), "total"]
NO_DIVISION_LABEL = "Sans classe"
NO_MEF_LABEL = "Sans MEF"


@dataclass(frozen=True)
class Scope:
    """Which students the figures are about: the whole establishment, or one class and/or one MEF."""

    division_id: int | None = None
    mef_id: int | None = None

    @property
    def key(self) -> str:
        parts = []
        if self.division_id:
            parts.append(f"classe={self.division_id}")
        if self.mef_id:
            parts.append(f"mef={self.mef_id}")
        return ";".join(parts)

    @property
    def is_whole(self) -> bool:
        return not self.key

    def student_filter(self, prefix: str = "") -> Q:
        q = Q()
        if self.division_id:
            q &= Q(**{f"{prefix}division_id": self.division_id})
        if self.mef_id:
            q &= Q(**{f"{prefix}mef_id": self.mef_id})
        return q


def _state_counts(field: str, *, distinct: bool = False, count: str = "pk") -> dict:
    """`Count` per state of the account at `field` (+ the total of accounts)."""
    counts = {
        key: Count(count, distinct=distinct, filter=Q(**{f"{field}__state": state}))
        for state, key in STATE_KEYS.items()
    }
    counts["total"] = Count(count, distinct=distinct, filter=Q(**{f"{field}__isnull": False}))
    return counts


def _students_in(establishment: Establishment, scope: Scope, field: str = "student_id"):
    """`field` is the id of an active student of `establishment` in `scope`.

    Responsibilities carry no establishment: reached through a join, PostgreSQL hashes the school's
    students and reads every link of the deployment to probe them (in a 250,000-pupil académie,
    427,000 links read for 3,600 kept: 115 ms of the 150 of each such query). Written
    `student_id = ANY(ARRAY(SELECT id … the school's students))`, the ids are computed first and the
    links are reached through their `student_id` index, so the cost follows the school (≈ 2 ms).
    Other databases keep the plain `IN (subquery)`."""
    students = (
        Student.objects.filter(scope.student_filter(), establishment=establishment, is_active=True)
        .order_by()
        .values("pk")
    )
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": students})
    from django.contrib.postgres.expressions import ArraySubquery

    return _EqualsAny(F(field), ArraySubquery(students))


class _EqualsAny(Lookup):
    """`lhs = ANY(rhs)`, rhs an array expression (PostgreSQL)."""

    lookup_name = "equals_any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _legal_links(establishment: Establishment, scope: Scope):
    """Legal responsibilities between active students (in scope) and active representatives of E."""
    return Responsibility.objects.filter(
        _students_in(establishment, scope),
        scope.student_filter("student__"),
        level=Responsibility.Level.LEGAL,
        student__establishment=establishment,
        student__is_active=True,
        representative__establishment=establishment,
        representative__is_active=True,
    )


def _by_origin(accounts) -> list[dict]:
    return list(
        accounts.values("origin")
        .annotate(**{key: Count("pk", filter=Q(state=state)) for state, key in STATE_KEYS.items()}, total=Count("pk"))
        .order_by("origin")
    )


@dataclass
class _Links:
    """What the representatives' figures need, from ONE read of the legal links in scope (a few rows
    per student): distinct representatives by origin × state, by class × state and by MEF × state, and
    the students with an activated representative by (class, MEF). Distinct counts cannot be rolled up
    from grouped rows, and three grouped queries each walked the same links; reading the links once
    and counting in Python costs less (≈ 3,600 rows for a 2,300-pupil lycée)."""

    by_origin: list[dict]
    by_division: dict[int | None, dict]
    by_mef: dict[int | None, dict]
    activated_by_group: dict[tuple[int | None, int | None], int]


def _read_links(establishment: Establishment, scope: Scope) -> _Links:
    rows = (
        _legal_links(establishment, scope)
        .filter(representative__account__isnull=False)
        .values_list(
            "student_id",
            "student__division_id",
            "student__mef_id",
            "representative_id",
            "representative__account__state",
            "representative__account__origin",
        )
        .order_by()
    )
    representatives: dict[int, tuple[str, str]] = {}
    per_division: set[tuple] = set()
    per_mef: set[tuple] = set()
    activated: dict[int, tuple] = {}
    for student_id, division_id, mef_id, representative_id, state, origin in rows:
        representatives[representative_id] = (origin, state)
        per_division.add((division_id, representative_id, state))
        per_mef.add((mef_id, representative_id, state))
        if state == AccountState.ACTIVATED:
            activated[student_id] = (division_id, mef_id)

    def counted(keys) -> dict[int | None, dict]:
        result: dict[int | None, dict] = {}
        for group, _representative, state in keys:
            counts = result.setdefault(group, dict.fromkeys(COUNT_KEYS, 0))
            counts[STATE_KEYS[state]] += 1
            counts["total"] += 1
        return result

    origins: dict[str, dict] = {}
    for origin, state in representatives.values():
        counts = origins.setdefault(origin, {"origin": origin, **dict.fromkeys(COUNT_KEYS, 0)})
        counts[STATE_KEYS[state]] += 1
        counts["total"] += 1
    activated_by_group: dict[tuple, int] = {}
    for group in activated.values():
        activated_by_group[group] = activated_by_group.get(group, 0) + 1
    return _Links(
        by_origin=[origins[origin] for origin in sorted(origins)],
        by_division=counted(per_division),
        by_mef=counted(per_mef),
        activated_by_group=activated_by_group,
    )


def _student_synthesis(establishment: Establishment, scope: Scope) -> list[dict]:
    """Student accounts by origin × state (one query)."""
    return _by_origin(
        Account.objects.filter(
            scope.student_filter("student__"),
            establishment=establishment,
            kind=AccountKind.STUDENT,
            student__establishment=establishment,
            student__is_active=True,
        )
    )


def _students_by_group(establishment: Establishment, scope: Scope) -> list[dict]:
    """Active students by (class, MEF) and their accounts' states. One query; classes and MEFs are
    rolled up from it in Python, their labels taken from the establishment's structure (cached per
    import: joining the class and MEF tables made PostgreSQL hash the whole académie's)."""
    return list(
        Student.objects.filter(scope.student_filter(), establishment=establishment, is_active=True)
        .values("division_id", "mef_id")
        .annotate(**_state_counts("account"), students=Count("pk"))
        .order_by()
    )


def _add(into: dict, row: dict, keys) -> None:
    for key in keys:
        into[key] = into.get(key, 0) + row[key]


def compute_figures(establishment: Establishment, scope: Scope = Scope()) -> dict:  # noqa: B008
    """Every figure of the statistics tab for `scope`, as a JSON-ready dict (3 queries, and 2 more for
    the classes and MEFs when the establishment's structure is not cached)."""
    links = _read_links(establishment, scope)
    groups = _students_by_group(establishment, scope)
    structure = structure_of(establishment)
    for row in groups:
        row["students_with_activated_representative"] = links.activated_by_group.get(
            (row["division_id"], row["mef_id"]), 0
        )
    representatives_by_division, representatives_by_mef = links.by_division, links.by_mef

    student_keys = [*COUNT_KEYS, "students", "students_with_activated_representative"]
    by_division: dict[int | None, dict] = {}
    by_mef: dict[int | None, dict] = {}
    overall: dict = {}
    for row in groups:
        division = by_division.setdefault(
            row["division_id"],
            {"id": row["division_id"], "label": structure.division_codes.get(row["division_id"], NO_DIVISION_LABEL)},
        )
        mef_label = structure.mef_labels.get(row["mef_id"]) or NO_MEF_LABEL
        mef = by_mef.setdefault(row["mef_id"], {"id": row["mef_id"], "label": mef_label})
        for target in (division, mef, overall):
            _add(target, row, student_keys)

    def students_series(groups_by_id):
        return sorted(groups_by_id.values(), key=lambda g: (g["id"] is None, g["label"]))

    def representatives_series(groups_by_id, representatives):
        rows = []
        for group in students_series(groups_by_id):
            counts = representatives.get(group["id"], dict.fromkeys(COUNT_KEYS, 0))
            rows.append(
                {
                    "id": group["id"],
                    "label": group["label"],
                    **counts,
                    "students": group["students"],
                    "students_with_activated_representative": group["students_with_activated_representative"],
                }
            )
        return rows

    return {
        "version": FIGURES_VERSION,
        "students_count": overall.get("students", 0),
        "students_with_activated_representative": overall.get("students_with_activated_representative", 0),
        "representatives": {
            "synthesis": links.by_origin,
            "by_division": representatives_series(by_division, representatives_by_division),
            "by_mef": representatives_series(by_mef, representatives_by_mef),
        },
        "students": {
            "synthesis": _student_synthesis(establishment, scope),
            "by_division": students_series(by_division),
            "by_mef": students_series(by_mef),
        },
    }


def get_snapshot(establishment: Establishment, scope: Scope) -> StatisticsSnapshot | None:
    return (
        StatisticsSnapshot.objects.filter(
            establishment=establishment, scope=scope.key, figures__version=FIGURES_VERSION
        )
        .only("figures", "computed_at")
        .first()
    )


def filter_choices(establishment: Establishment) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The classes and MEFs of the establishment, for the filters (its structure, cached per import)."""
    structure = structure_of(establishment)
    return list(structure.divisions), list(structure.mefs)
