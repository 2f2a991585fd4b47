"""`school`: a hand-built establishment whose figures are worked out by hand in the tests (registered
for every test by tests/conftest.py: the stats tests and the statistics browser journey use it).

0380111P, two MEFs and three classes:

    MEF 6EME: classes 6A, 6B        MEF 5EME: class 5A

Students (account state, account origin):
    s1 6A activé (Établissement)        s4 5A en cours (Établissement)
    s2 6A non informé (Établissement)   s5 5A non informé (Établissement)
    s3 6B informé (ENT)                 s6 6A activé — LEFT the establishment (is_active=False)

Legal representatives (account state, origin) → children:
    r1 activé (Établissement)     → s1 (6A) and s4 (5A)    children in two classes and two MEFs
    r2 informé (Établissement)    → s1 (6A) and s2 (6A)    two children in the same class
    r3 en cours (FranceConnect)   → s3 (6B)
    r4 non informé (Établissement)→ s5 (5A)
    r5 activé (Responsable), inactive → s6 only            never counted
    r6 activé, inactive           → s3                      never counted (s3 gains nothing)
    r7 activé, active but only a CONTACT (level 3) of s5   not a legal representative: never counted

Another establishment (0450750W) has one student and one representative, both activated: never counted.
"""

from types import SimpleNamespace

import pytest

from accounts.models import AccountOrigin, Responsibility
from tests.factories import (
    AccountFactory,
    DivisionFactory,
    LegalRepresentativeFactory,
    MefFactory,
    ResponsibilityFactory,
    StudentFactory,
)

STATE_TRAITS = {
    "non_informe": {},
    "informe": {"informed": True},
    "en_cours": {"activating": True},
    "active": {"activated": True},
}


def _student(establishment, division, name, state, origin=AccountOrigin.ESTABLISHMENT, **kwargs):
    student = StudentFactory(establishment=establishment, division=division, last_name=name, **kwargs)
    AccountFactory(student=student, origin=origin, **STATE_TRAITS[state])
    return student


def _representative(establishment, name, state, origin=AccountOrigin.ESTABLISHMENT, children=(), **kwargs):
    representative = LegalRepresentativeFactory(establishment=establishment, last_name=name, **kwargs)
    AccountFactory(for_representative=True, representative=representative, origin=origin, **STATE_TRAITS[state])
    for child in children:
        ResponsibilityFactory(student=child, representative=representative)
    return representative


@pytest.fixture
def school(establishment, other_establishment):
    e = establishment
    m6 = MefFactory(establishment=e, code="10010012110", label="6EME", short_label="6EME")
    m5 = MefFactory(establishment=e, code="10110001110", label="5EME", short_label="5EME")
    d6a = DivisionFactory(establishment=e, code="6A", label="6A", mef=m6)
    d6b = DivisionFactory(establishment=e, code="6B", label="6B", mef=m6)
    d5a = DivisionFactory(establishment=e, code="5A", label="5A", mef=m5)

    s1 = _student(e, d6a, "UN", "active")
    s2 = _student(e, d6a, "DEUX", "non_informe")
    s3 = _student(e, d6b, "TROIS", "informe", AccountOrigin.ENT)
    s4 = _student(e, d5a, "QUATRE", "en_cours")
    s5 = _student(e, d5a, "CINQ", "non_informe")
    s6 = _student(e, d6a, "SIX", "active", is_active=False)

    r1 = _representative(e, "RUN", "active", children=[s1, s4])
    r2 = _representative(e, "RDEUX", "informe", children=[s1, s2])
    r3 = _representative(e, "RTROIS", "en_cours", AccountOrigin.FRANCECONNECT, children=[s3])
    r4 = _representative(e, "RQUATRE", "non_informe", children=[s5])
    r5 = _representative(e, "RCINQ", "active", AccountOrigin.REPRESENTATIVE, children=[s6], is_active=False)
    r6 = _representative(e, "RSIX", "active", children=[s3], is_active=False)
    r7 = _representative(e, "RSEPT", "active")
    ResponsibilityFactory(student=s5, representative=r7, level=Responsibility.Level.CONTACT, rank=None)

    o = other_establishment
    other_division = DivisionFactory(establishment=o, code="6A", label="6A")
    foreign_student = _student(o, other_division, "AILLEURS", "active")
    _representative(o, "RAILLEURS", "active", children=[foreign_student])

    return SimpleNamespace(
        establishment=e,
        m6=m6,
        m5=m5,
        d6a=d6a,
        d6b=d6b,
        d5a=d5a,
        students=[s1, s2, s3, s4, s5, s6],
        representatives=[r1, r2, r3, r4, r5, r6, r7],
    )
