"""Data for the administration module tests (fixtures registered for every test by tests/conftest.py): the SABRIER family of the seed (two children, two
legal representatives), and a few more accounts in 3EME1."""

import pytest

from accounts.models import AccountKind, Responsibility
from tests.factories import (
    AccountFactory,
    DivisionFactory,
    LegalRepresentativeFactory,
    MefFactory,
    ResponsibilityFactory,
    StudentFactory,
)


def student_account(establishment, division, last_name, first_name, **account):
    student = StudentFactory(establishment=establishment, division=division, last_name=last_name, first_name=first_name)
    return AccountFactory(student=student, **account)


def representative_account(establishment, last_name, first_name, children, *, email="", civility="Mme", **account):
    representative = LegalRepresentativeFactory(
        establishment=establishment, last_name=last_name, first_name=first_name, email=email, civility=civility
    )
    relationship = Responsibility.Relationship.MOTHER if civility == "Mme" else Responsibility.Relationship.FATHER
    for child in children:
        rank = 1 if civility == "Mme" else 2
        ResponsibilityFactory(student=child, representative=representative, rank=rank, relationship=relationship)
    return AccountFactory(
        kind=AccountKind.REPRESENTATIVE, student=None, representative=representative, email=email, **account
    )


@pytest.fixture
def on_intranet(settings):
    """The test client's 127.0.0.1 is on the administrative network: no second factor asked."""
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]


@pytest.fixture
def family(establishment):
    """SABRIER: Théo (4EME7) and Léna (5EME7); Goulan (activated) and Famer (never informed)."""
    mef4 = MefFactory(establishment=establishment, code="10210001110", label="4EME", short_label="4EME")
    mef5 = MefFactory(establishment=establishment, code="10110001110", label="5EME", short_label="5EME")
    d4 = DivisionFactory(establishment=establishment, code="4EME7", label="4EME7", mef=mef4)
    d5 = DivisionFactory(establishment=establishment, code="5EME7", label="5EME7", mef=mef5)
    theo = student_account(establishment, d4, "SABRIER", "Théo", identifier="theo.sabrier", activated=True)
    lena = student_account(establishment, d5, "SABRIER", "Léna", identifier="lena.sabrier", informed=True)
    goulan = representative_account(
        establishment,
        "SABRIER",
        "Goulan",
        [theo.student, lena.student],
        email="goulan.sabrier@example.org",
        civility="M.",
        identifier="goulan.sabrier",
        activated=True,
    )
    famer = representative_account(
        establishment, "SABRIER", "Famer", [theo.student, lena.student], identifier="famer.sabrier"
    )
    return {"theo": theo, "lena": lena, "goulan": goulan, "famer": famer}


@pytest.fixture
def class_3eme1(establishment):
    """3EME1: Paul DUBOIS (parents Claire, without e-mail, and Yannick, with one) and Inès MARTIN
    (mother Sophie, without e-mail, informed)."""
    division = DivisionFactory(establishment=establishment, code="3EME1", label="3EME1")
    paul = student_account(establishment, division, "DUBOIS", "Paul", identifier="paul.dubois")
    ines = student_account(establishment, division, "MARTIN", "Inès", identifier="ines.martin", informed=True)
    claire = representative_account(establishment, "DUBOIS", "Claire", [paul.student], identifier="claire.dubois")
    yannick = representative_account(
        establishment,
        "DUBOIS",
        "Yannick",
        [paul.student],
        email="yannick.dubois@example.org",
        civility="M.",
        identifier="yannick.dubois",
    )
    sophie = representative_account(
        establishment, "MARTIN", "Sophie", [ines.student], identifier="sophie.martin", informed=True
    )
    return {"paul": paul, "ines": ines, "claire": claire, "yannick": yannick, "sophie": sophie}
