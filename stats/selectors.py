"""Reads for the statistics tab. Every figure is computed by the database in five grouped queries
(conditional aggregation with `Count(..., filter=Q(...))`, semi-join subqueries); Python only sums the
few grouped rows (one per origin, class or MEF), never walks accounts.

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

from accounts.models import Account, AccountKind, AccountState, Division, Mef, Responsibility, Student
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


def _synthesis(establishment: Establishment, scope: Scope) -> dict[str, list[dict]]:
    """Accounts by origin × state, one query per series (each a plain semi-join: cheap to plan, and
    far below the cost where PostgreSQL would JIT-compile it)."""
    accounts = Account.objects.filter(establishment=establishment)
    representatives = accounts.filter(
        kind=AccountKind.REPRESENTATIVE,
        representative__establishment=establishment,
        representative__is_active=True,
        # the representative side is checked above: the subquery needs only the students' side
        representative_id__in=Responsibility.objects.filter(
            _students_in(establishment, scope), level=Responsibility.Level.LEGAL
        ).values("representative_id"),
    )
    students = accounts.filter(
        scope.student_filter("student__"),
        kind=AccountKind.STUDENT,
        student__establishment=establishment,
        student__is_active=True,
    )
    return {AccountKind.REPRESENTATIVE: _by_origin(representatives), AccountKind.STUDENT: _by_origin(students)}


def _students_by_group(establishment: Establishment, scope: Scope) -> list[dict]:
    """Active students by (class, MEF): their accounts' states and how many have an activated
    legal representative. One query; classes and MEFs are rolled up from it in Python."""
    # the students' side is checked by the outer query: the subquery needs only the representatives' side
    with_activated_representative = Responsibility.objects.filter(
        _students_in(establishment, scope),
        level=Responsibility.Level.LEGAL,
        representative__establishment=establishment,
        representative__is_active=True,
        representative__account__state=AccountState.ACTIVATED,
    ).values("student_id")
    return list(
        Student.objects.filter(scope.student_filter(), establishment=establishment, is_active=True)
        .values("division_id", "division__code", "mef_id", "mef__short_label", "mef__label")
        .annotate(
            **_state_counts("account"),
            students=Count("pk"),
            students_with_activated_representative=Count("pk", filter=Q(pk__in=with_activated_representative)),
        )
        .order_by()
    )


def _representatives_by(links, group: str) -> dict[int | None, dict]:
    """Distinct representatives (with an account) per class or per MEF of their children. One query
    grouped by (group, state) with a single `COUNT(DISTINCT)` (a representative has one account, so one
    state); the at most 4 rows per group are then added up."""
    rows = (
        links.filter(representative__account__isnull=False)
        .values(group, "representative__account__state")
        .annotate(count=Count("representative_id", distinct=True))
        .order_by()
    )
    result: dict[int | None, dict] = {}
    for row in rows:
        counts = result.setdefault(row[group], dict.fromkeys(COUNT_KEYS, 0))
        counts[STATE_KEYS[row["representative__account__state"]]] += row["count"]
        counts["total"] += row["count"]
    return result


def _add(into: dict, row: dict, keys) -> None:
    for key in keys:
        into[key] = into.get(key, 0) + row[key]


def compute_figures(establishment: Establishment, scope: Scope = Scope()) -> dict:  # noqa: B008
    """Every figure of the statistics tab for `scope`, as a JSON-ready dict (5 queries)."""
    links = _legal_links(establishment, scope)
    synthesis = _synthesis(establishment, scope)
    groups = _students_by_group(establishment, scope)
    representatives_by_division = _representatives_by(links, "student__division_id")
    representatives_by_mef = _representatives_by(links, "student__mef_id")

    student_keys = [*COUNT_KEYS, "students", "students_with_activated_representative"]
    by_division: dict[int | None, dict] = {}
    by_mef: dict[int | None, dict] = {}
    overall: dict = {}
    for row in groups:
        division = by_division.setdefault(
            row["division_id"], {"id": row["division_id"], "label": row["division__code"] or NO_DIVISION_LABEL}
        )
        mef_label = row["mef__short_label"] or row["mef__label"] or NO_MEF_LABEL
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
            "synthesis": synthesis[AccountKind.REPRESENTATIVE],
            "by_division": representatives_series(by_division, representatives_by_division),
            "by_mef": representatives_series(by_mef, representatives_by_mef),
        },
        "students": {
            "synthesis": synthesis[AccountKind.STUDENT],
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
    """The classes and MEFs of the establishment, for the filters (two queries)."""
    divisions = list(Division.objects.filter(establishment=establishment).order_by("code").values_list("id", "code"))
    mefs = [
        (pk, short_label or label)
        for pk, short_label, label in Mef.objects.filter(establishment=establishment)
        .order_by("code")
        .values_list("id", "short_label", "label")
    ]
    return divisions, mefs
