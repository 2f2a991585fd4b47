"""Golden tests: the hand-written exports of fixtures/siecle/ give exactly these rows."""

import datetime

import pytest

from accounts.models import (
    Account,
    AccountKind,
    AccountOrigin,
    AccountState,
    Division,
    LegalRepresentative,
    Mef,
    Responsibility,
    Student,
)
from accounts.passwords import provisional_password
from delegations.models import Establishment
from educonnect.models import AuditAction, AuditEvent
from tests.accounts.siecle_support import fixture_files, run_json

pytestmark = pytest.mark.django_db


def students(uai):
    return {
        s.eleve_id: (
            s.last_name,
            s.first_name,
            s.ine,
            s.division.code if s.division else "",
            s.mef.code if s.mef else "",
            s.is_active,
        )
        for s in Student.objects.filter(establishment__uai=uai).select_related("division", "mef")
    }


def representatives(uai):
    return {
        r.personne_id: (r.civility, r.last_name, r.first_name, r.email, r.mobile, r.is_active)
        for r in LegalRepresentative.objects.filter(establishment__uai=uai)
    }


def links(uai):
    return {
        (link.student.eleve_id, link.representative.personne_id, link.relationship, link.rank, link.level)
        for link in Responsibility.objects.filter(student__establishment__uai=uai).select_related(
            "student", "representative"
        )
    }


def accounts(uai):
    return {
        (a.kind, a.identifier, a.student.eleve_id if a.student else a.representative.personne_id, a.email, a.mobile)
        for a in Account.objects.filter(establishment__uai=uai).select_related("student", "representative")
    }


CORE = ("uai", "students", "representatives", "accounts", "errors")


def test_new_format_golden():
    result = run_json(*fixture_files("new"))

    assert result["anomalies"] == [] and result["ignored"] == [] and result["guards"] == []
    assert {key: result[key] for key in CORE} == {
        "uai": "0380111P",
        "students": {"created": 8, "updated": 0, "unchanged": 0, "left": 0},
        "representatives": {"created": 8, "updated": 0, "unchanged": 0, "left": 0},
        "accounts": {"students": 4, "representatives": 6},
        "errors": [],
    }
    assert students("0380111P") == {
        "1001": ("DUBOIS", "Paul", "100000001AB", "3EME1", "10310019110", True),
        "1002": ("SABRIER", "Éloïse", "100000002CD", "4EME7", "10210001110", True),
        "1003": ("SABRIER", "Léo", "100000003EF", "5EME7", "10110001110", True),
        "1004": ("D'ALMEIDA", "Inès", "100000004GH", "3EME1", "10310019110", False),  # left on 02/10/2026
        "1005": ("FRANCIS--FROUFROU", "Noé", "100000005JK", "", "10210001110", False),  # only in « Inactifs »
        "1006": ("MARTIN", "Chloé", "", "3EME1", "10310019110", True),  # no INE: listed, no account
        "1007": ("LE GOFF", "Zoé", "100000007AC", "4EME7", "10210001110", True),  # leaves in 2099
        "1008": ("BERNARD", "Lucas", "100000008BD", "", "", False),  # no class at all
    }
    assert representatives("0380111P") == {
        "2001": ("Mme", "DUBOIS", "Claire", "claire.dubois@example.org", "06 11 22 33 44", True),
        "2002": ("M.", "DUBOIS", "Marc", "", "06 12 34 56 78", True),
        "2004": ("Mme", "SABRIER", "Nathalie", "nathalie.sabrier@example.org", "07 68 33 12 09", True),
        "2005": ("M.", "SABRIER", "Jean-Baptiste", "", "", True),  # « pas-une-adresse » dropped
        "2006": ("M.", "D'ALMEIDA", "João", "", "", False),  # only of a leaver
        "2007": ("Mme", "FROUFROU", "Anne", "", "", False),  # only of an « Inactifs » student
        "2008": ("Mme", "MARTIN", "Sophie", "sophie.martin@example.org", "", True),
        "2009": ("M.", "KERMARREC", "Yann", "", "06 01 02 03 04", True),
    }  # 2003 (contact), 2010 (en charge), 2011 (nameless contact) are not stored
    assert links("0380111P") == {
        ("1001", "2001", "10", 1, 1),
        ("1001", "2002", "20", 2, 1),
        ("1002", "2004", "10", 1, 1),
        ("1002", "2005", "20", 2, 1),
        ("1003", "2005", "20", 1, 1),
        ("1003", "2004", "10", 2, 1),
        ("1004", "2006", "20", 1, 1),
        ("1005", "2007", "10", 1, 1),
        ("1006", "2008", "10", 1, 1),
        ("1007", "2009", "50", 1, 1),
    }
    assert accounts("0380111P") == {
        (AccountKind.STUDENT, "paul.dubois", "1001", "paul.dubois@example.org", ""),
        (AccountKind.STUDENT, "eloise.sabrier", "1002", "", ""),
        (AccountKind.STUDENT, "leo.sabrier", "1003", "", ""),
        (AccountKind.STUDENT, "zoe.legoff", "1007", "", "07 01 02 03 04"),
        (AccountKind.REPRESENTATIVE, "claire.dubois", "2001", "claire.dubois@example.org", "06 11 22 33 44"),
        (AccountKind.REPRESENTATIVE, "marc.dubois", "2002", "", "06 12 34 56 78"),
        (AccountKind.REPRESENTATIVE, "nathalie.sabrier", "2004", "nathalie.sabrier@example.org", "07 68 33 12 09"),
        (AccountKind.REPRESENTATIVE, "jean-baptiste.sabrier", "2005", "", ""),
        (AccountKind.REPRESENTATIVE, "sophie.martin", "2008", "sophie.martin@example.org", ""),
        (AccountKind.REPRESENTATIVE, "yann.kermarrec", "2009", "", "06 01 02 03 04"),
    }
    for account in Account.objects.all():
        assert account.state == AccountState.NOT_INFORMED
        assert account.origin == AccountOrigin.ESTABLISHMENT
        assert len(provisional_password(account)) == 11
        assert account.provisional_password_expires_at > account.created_at + datetime.timedelta(days=90)
        assert account.last_notified_at is None and account.password_hash == ""


def test_new_format_reference_data_and_establishment():
    run_json(*fixture_files("new"))

    establishment = Establishment.objects.get(uai="0380111P")
    assert establishment.name == ""  # the operator completes it
    assert establishment.kind == Establishment.Kind.COLLEGE
    assert establishment.siecle_export_date == datetime.date(2026, 9, 15)
    assert establishment.siecle_school_year == 2026
    assert establishment.siecle_imported_at is not None
    assert {(m.code, m.label, m.short_label) for m in Mef.objects.all()} == {
        ("10010012110", "6eme", "6EME"),  # LIBELLE_EDITION first, FORMATION kept as the short label
        ("10110001110", "5eme", "5EME"),
        ("10210001110", "4eme", "4EME"),
        ("10310019110", "3eme", "3EME"),
    }
    assert {(d.code, d.mef.code) for d in Division.objects.select_related("mef")} == {
        ("3EME1", "10310019110"),
        ("4EME7", "10210001110"),
        ("5EME7", "10110001110"),
    }  # « Inactifs » is not a class
    paul = Student.objects.get(eleve_id="1001")
    assert (paul.birth_date, paul.sex, paul.elenoet, paul.ine_bea, paul.other_first_names) == (
        datetime.date(2011, 5, 4),
        "1",
        "5101",
        "0512345671U",
        "Marcel",
    )
    assert Student.objects.get(eleve_id="1002").search_text == "sabrier eloise"
    claire = LegalRepresentative.objects.get(personne_id="2001")
    assert (claire.birth_name, claire.address_lines, claire.postal_code, claire.city, claire.search_text) == (
        "MOREL",
        "12 rue du Pré Bénit\nBâtiment Œillet",
        "38300",
        "BOURGOIN-JALLIEU",
        "dubois claire",
    )
    event = AuditEvent.objects.get(action=AuditAction.SIECLE_IMPORTED)
    assert event.actor_label == "import_siecle (ligne de commande)"
    assert event.establishment == establishment
    assert event.details["students"] == {"created": 8, "updated": 0, "unchanged": 0, "left": 0}
    assert event.details["accounts"] == {"students": 4, "representatives": 6}
    assert "password" not in str(event.details).lower()


def test_old_format_golden():
    result = run_json(*fixture_files("old"))

    assert result["anomalies"] == [] and result["ignored"] == [] and result["guards"] == []
    assert {key: result[key] for key in CORE} == {
        "uai": "0450750W",
        "students": {"created": 4, "updated": 0, "unchanged": 0, "left": 0},
        "representatives": {"created": 4, "updated": 0, "unchanged": 0, "left": 0},
        "accounts": {"students": 2, "representatives": 3},
        "errors": [],
    }
    assert students("0450750W") == {
        "3001": ("GARCIA", "Mathéo", "0612345671W", "1CAP2A", "50031213210", True),
        "3002": ("GARCIA", "Camille", "0612345672X", "2NDPRO1", "24731214310", True),
        "3003": ("N'DIAYE", "Aïssata", "0612345673Y", "TLEPRO1", "24731214330", False),
        "3004": ("ROUSSEAU", "Théo", "", "2NDPRO1", "24731214310", True),
    }
    assert representatives("0450750W") == {
        "4001": ("Mme", "GARCIA", "Isabelle", "isabelle.garcia@example.net", "06 21 43 65 87", True),
        "4002": ("M.", "GARCIA", "Antonio", "", "", True),
        "4003": ("Mme", "N'DIAYE", "Fatou", "", "", False),
        "4004": ("M.", "ROUSSEAU", "Pierre", "", "07 00 11 22 33", True),
    }  # 4005 (RESP_LEGAL 0) is a contact
    assert links("0450750W") == {
        ("3001", "4001", "10", 1, 1),
        ("3001", "4002", "20", 2, 1),
        ("3002", "4001", "10", 1, 1),
        ("3002", "4002", "20", 2, 1),
        ("3003", "4003", "10", 1, 1),
        ("3004", "4004", "20", 1, 1),
    }
    assert accounts("0450750W") == {
        (AccountKind.STUDENT, "matheo.garcia", "3001", "", ""),
        (AccountKind.STUDENT, "camille.garcia", "3002", "camille.garcia@example.net", ""),
        (AccountKind.REPRESENTATIVE, "isabelle.garcia", "4001", "isabelle.garcia@example.net", "06 21 43 65 87"),
        (AccountKind.REPRESENTATIVE, "antonio.garcia", "4002", "", ""),
        (AccountKind.REPRESENTATIVE, "pierre.rousseau", "4004", "", "07 00 11 22 33"),
    }
    establishment = Establishment.objects.get(uai="0450750W")
    assert establishment.kind == Establishment.Kind.LP
    assert Mef.objects.get(code="50031213210").label == "1CAP2  EQUIPIER POLYVALENT DU COMMERCE"


def test_import_into_an_existing_establishment_keeps_it(establishment):
    run_json(*fixture_files("new"), uai="0380111P")

    assert Establishment.objects.filter(uai="0380111P").count() == 1
    establishment.refresh_from_db()
    assert establishment.name == "CLG PRE BENIT BOURGOIN-JALLIEU"
    assert establishment.siecle_export_date == datetime.date(2026, 9, 15)
    assert Student.objects.filter(establishment=establishment).count() == 8


def test_name_option_names_a_new_establishment():
    run_json(*fixture_files("old"), name="LP LYC METIER Auguste Rodin")

    assert Establishment.objects.get(uai="0450750W").name == "LP LYC METIER Auguste Rodin"
