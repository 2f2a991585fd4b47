"""compute_figures on the hand-built establishment of conftest.py. Every expected number below was
counted by hand from the docstring of conftest.py, never recomputed by the code under test."""

from stats.selectors import Scope, compute_figures
from stats.tables import build_series

NBSP = "\u00a0"


def counts(not_informed=0, informed=0, activating=0, activated=0):
    return {
        "not_informed": not_informed,
        "informed": informed,
        "activating": activating,
        "activated": activated,
        "total": not_informed + informed + activating + activated,
    }


def test_whole_establishment_figures(school):
    s = school
    assert compute_figures(s.establishment) == {
        "version": 1,
        # s1..s5 (s6 left); s1 and s4 have r1, activated.
        "students_count": 5,
        "students_with_activated_representative": 2,
        "representatives": {
            # r1 activé, r2 informé, r4 non informé (Établissement); r3 en cours (FranceConnect).
            "synthesis": [
                {"origin": "etablissement", **counts(not_informed=1, informed=1, activated=1)},
                {"origin": "franceconnect", **counts(activating=1)},
            ],
            "by_division": [
                # 5A: s4 (r1), s5 (r4)
                {
                    "id": s.d5a.pk,
                    "label": "5A",
                    **counts(not_informed=1, activated=1),
                    "students": 2,
                    "students_with_activated_representative": 1,
                },
                # 6A: s1 (r1, r2), s2 (r2): r2 counted once
                {
                    "id": s.d6a.pk,
                    "label": "6A",
                    **counts(informed=1, activated=1),
                    "students": 2,
                    "students_with_activated_representative": 1,
                },
                # 6B: s3 (r3; r6 inactive)
                {
                    "id": s.d6b.pk,
                    "label": "6B",
                    **counts(activating=1),
                    "students": 1,
                    "students_with_activated_representative": 0,
                },
            ],
            "by_mef": [
                {
                    "id": s.m5.pk,
                    "label": "5EME",
                    **counts(not_informed=1, activated=1),
                    "students": 2,
                    "students_with_activated_representative": 1,
                },
                # 6EME: r1 (via s1), r2, r3
                {
                    "id": s.m6.pk,
                    "label": "6EME",
                    **counts(informed=1, activating=1, activated=1),
                    "students": 3,
                    "students_with_activated_representative": 1,
                },
            ],
        },
        "students": {
            # s1 activé, s2 and s5 non informés, s4 en cours (Établissement); s3 informé (ENT).
            "synthesis": [
                {"origin": "ent", **counts(informed=1)},
                {"origin": "etablissement", **counts(not_informed=2, activating=1, activated=1)},
            ],
            "by_division": [
                {
                    "id": s.d5a.pk,
                    "label": "5A",
                    **counts(not_informed=1, activating=1),
                    "students": 2,
                    "students_with_activated_representative": 1,
                },
                {
                    "id": s.d6a.pk,
                    "label": "6A",
                    **counts(not_informed=1, activated=1),
                    "students": 2,
                    "students_with_activated_representative": 1,
                },
                {
                    "id": s.d6b.pk,
                    "label": "6B",
                    **counts(informed=1),
                    "students": 1,
                    "students_with_activated_representative": 0,
                },
            ],
            "by_mef": [
                {
                    "id": s.m5.pk,
                    "label": "5EME",
                    **counts(not_informed=1, activating=1),
                    "students": 2,
                    "students_with_activated_representative": 1,
                },
                {
                    "id": s.m6.pk,
                    "label": "6EME",
                    **counts(not_informed=1, informed=1, activated=1),
                    "students": 3,
                    "students_with_activated_representative": 1,
                },
            ],
        },
    }


def test_tables_totals_and_percentages(school):
    series = build_series(compute_figures(school.establishment))
    representatives = series["responsables"]
    # Synthesis: 4 representatives, 1 activated (25 %); 2 students of 5 with an activated one (40 %).
    assert representatives.synthesis.total.counts == [1, 1, 1, 1, 4]
    assert representatives.key_figures[0][0] == f"25{NBSP}%"
    assert representatives.key_figures[1][0] == f"40{NBSP}%"
    establishment_row = representatives.synthesis.rows[0]
    assert (establishment_row.label, establishment_row.counts) == ("Établissement", [1, 1, 0, 1, 3])
    assert [row.label for row in representatives.synthesis.rows] == [
        "Établissement",
        "Responsable",
        "FranceConnect",
        "ATEN",
        "ENT",
        "Non renseigné",
    ]
    # Per class the total is 5, more than the 4 of the synthesis: r1 counts in 5A and in 6A.
    assert representatives.by_division.total.counts == [1, 1, 1, 2, 5]
    assert representatives.by_division.total.percents == [f"40{NBSP}%", f"40{NBSP}%"]
    assert [(row.label, row.percents) for row in representatives.by_division.rows] == [
        ("5A", [f"50{NBSP}%", f"50{NBSP}%"]),
        ("6A", [f"50{NBSP}%", f"50{NBSP}%"]),
        ("6B", [f"0{NBSP}%", f"0{NBSP}%"]),
    ]
    assert representatives.by_mef.total.counts == [1, 1, 1, 2, 5]
    assert "plusieurs enfants" in representatives.by_division.note

    students = series["eleves"]
    assert students.synthesis.total.counts == [2, 1, 1, 1, 5]
    assert students.key_figures[0][0] == f"20{NBSP}%"  # 1 activated student of 5
    assert students.by_mef.total.counts == [2, 1, 1, 1, 5]  # a student is in one MEF only
    assert [(row.label, row.percents) for row in students.by_mef.rows] == [
        ("5EME", [f"0{NBSP}%", f"50{NBSP}%"]),
        ("6EME", [f"33,33{NBSP}%", f"33,33{NBSP}%"]),
    ]


def test_filter_by_class(school):
    figures = compute_figures(school.establishment, Scope(division_id=school.d6a.pk))
    # 6A: s1 (activé), s2 (non informé); their representatives r1 (activé) and r2 (informé).
    assert figures["representatives"]["synthesis"] == [{"origin": "etablissement", **counts(informed=1, activated=1)}]
    assert figures["students"]["synthesis"] == [{"origin": "etablissement", **counts(not_informed=1, activated=1)}]
    assert (figures["students_count"], figures["students_with_activated_representative"]) == (2, 1)
    assert [row["label"] for row in figures["representatives"]["by_division"]] == ["6A"]
    assert figures["representatives"]["by_mef"] == [
        {
            "id": school.m6.pk,
            "label": "6EME",
            **counts(informed=1, activated=1),
            "students": 2,
            "students_with_activated_representative": 1,
        }
    ]


def test_filter_by_mef(school):
    figures = compute_figures(school.establishment, Scope(mef_id=school.m5.pk))
    # 5EME: s4 (en cours), s5 (non informé); r1 (activé), r4 (non informé).
    assert figures["representatives"]["synthesis"] == [
        {"origin": "etablissement", **counts(not_informed=1, activated=1)}
    ]
    assert figures["students"]["synthesis"] == [{"origin": "etablissement", **counts(not_informed=1, activating=1)}]
    assert [row["label"] for row in figures["students"]["by_division"]] == ["5A"]


def test_filter_with_no_student(school):
    figures = compute_figures(school.establishment, Scope(division_id=school.d6a.pk, mef_id=school.m5.pk))
    assert figures["students_count"] == 0
    assert figures["representatives"] == {"synthesis": [], "by_division": [], "by_mef": []}
    series = build_series(figures)
    assert series["responsables"].synthesis.total.counts == [0, 0, 0, 0, 0]
    assert series["responsables"].key_figures[0][0] == "—"


def test_other_establishment_counts_only_its_own(school, other_establishment):
    figures = compute_figures(other_establishment)
    assert figures["students_count"] == 1
    assert figures["representatives"]["synthesis"] == [{"origin": "etablissement", **counts(activated=1)}]
    assert figures["students"]["synthesis"] == [{"origin": "etablissement", **counts(activated=1)}]


def test_student_without_class_or_mef_is_listed_apart(establishment):
    from tests.factories import AccountFactory, StudentFactory

    AccountFactory(student=StudentFactory(establishment=establishment, division=None, mef=None))
    figures = compute_figures(establishment)
    assert [row["label"] for row in figures["students"]["by_division"]] == ["Sans classe"]
    assert [row["label"] for row in figures["students"]["by_mef"]] == ["Sans MEF"]


def test_at_most_ten_queries(school, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        compute_figures(school.establishment)
    with django_assert_max_num_queries(10):
        compute_figures(school.establishment, Scope(division_id=school.d6a.pk, mef_id=school.m6.pk))


def test_queries_do_not_grow_with_the_establishment(school, django_assert_num_queries):
    from tests.factories import AccountFactory, ResponsibilityFactory, StudentFactory

    for _ in range(5):
        student = StudentFactory(establishment=school.establishment, division=school.d6b)
        AccountFactory(student=student)
        AccountFactory(for_representative=True, representative=ResponsibilityFactory(student=student).representative)
    compute_figures(school.establishment)  # reads the classes and MEFs once (cached per import)
    with django_assert_num_queries(3):
        compute_figures(school.establishment)
