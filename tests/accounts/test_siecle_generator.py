"""The synthetic SIECLE generator: deterministic, realistic (siecle-format.md §8), and its exports
round-trip through the importer with exact counts."""

import datetime
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter

import pytest
from django.core.management import call_command

from accounts.models import Account, AccountKind, Division, LegalRepresentative, Student
from accounts.siecle.generator import generate
from educonnect.validators import INE_RNIE_RE, is_valid_ine_bea
from tests.accounts.siecle_support import run_json

EXPORT_DATE = datetime.date(2026, 11, 2)
ZIPS = ["ElevesSansAdresses.zip", "ResponsablesAvecAdresses.zip", "Nomenclature.zip", "Structures.zip"]
EXTRA = {
    "students": [
        {
            "last_name": "DUBOIS",
            "first_name": "Paul",
            "division": "3EME1",
            "birth_date": "2011-05-04",
            "sex": "1",
            "representatives": [
                {
                    "key": "dubois-1",
                    "civility": "MME",
                    "last_name": "DUBOIS",
                    "first_name": "Claire",
                    "relationship": "10",
                    "email": "claire.dubois@example.org",
                    "mobile": "06 11 22 33 44",
                }
            ],
        },
        {
            "last_name": "SABRIER",
            "first_name": "Théo",
            "division": "4EME7",
            "birth_date": "2013-01-20",
            "sex": "1",
            "representatives": [
                {
                    "key": "sabrier-p",
                    "civility": "M.",
                    "last_name": "SABRIER",
                    "first_name": "Goulan",
                    "relationship": "20",
                },
                {
                    "key": "sabrier-m",
                    "civility": "MME",
                    "last_name": "SABRIER",
                    "first_name": "Famer",
                    "relationship": "10",
                },
            ],
        },
        {
            "last_name": "SABRIER",
            "first_name": "Léna",
            "division": "5EME7",
            "birth_date": "2014-11-07",
            "sex": "2",
            "representatives": [
                {
                    "key": "sabrier-p",
                    "civility": "M.",
                    "last_name": "SABRIER",
                    "first_name": "Goulan",
                    "relationship": "20",
                },
                {
                    "key": "sabrier-m",
                    "civility": "MME",
                    "last_name": "SABRIER",
                    "first_name": "Famer",
                    "relationship": "10",
                },
            ],
        },
    ]
}


def read(directory, name) -> ET.Element:
    with zipfile.ZipFile(directory / name) as archive:
        (entry,) = archive.infolist()
        data = archive.read(entry)
    assert data.startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>')
    return ET.fromstring(data)


def expected_from_xml(directory) -> dict:
    """Counts an import must give, computed from the XML alone (independently of the manifest)."""
    today = datetime.date.today()
    eleves = read(directory, "ElevesSansAdresses.zip")
    classes = {}
    for structures in eleves.iter("STRUCTURES_ELEVE"):
        divisions = [
            s.findtext("CODE_STRUCTURE")
            for s in structures.iter("STRUCTURE")
            if s.findtext("TYPE_STRUCTURE") == "D" and s.findtext("CODE_STRUCTURE") != "Inactifs"
        ]
        classes[structures.get("ELEVE_ID")] = bool(divisions)
    active = set()
    for eleve in eleves.iter("ELEVE"):
        leave = eleve.findtext("DATE_SORTIE")
        left = bool(leave) and datetime.datetime.strptime(leave, "%d/%m/%Y").date() < today
        if classes.get(eleve.get("ELEVE_ID")) and not left:
            active.add(eleve.get("ELEVE_ID"))
    responsables = read(directory, "ResponsablesAvecAdresses.zip")
    legal: dict[str, set] = {}
    for link in responsables.iter("RESPONSABLE_ELEVE"):
        level = link.findtext("NIVEAU_RESPONSABILITE")
        is_legal = level == "1" if level is not None else link.findtext("RESP_LEGAL") in ("1", "2")
        if is_legal:
            legal.setdefault(link.findtext("PERSONNE_ID"), set()).add(link.findtext("ELEVE_ID"))
    return {
        "students": len(list(eleves.iter("ELEVE"))),
        "active": len(active),
        "representatives": len(legal),
        "active_representatives": sum(bool(students & active) for students in legal.values()),
    }


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        generate(tmp_path / name, uai="0380111P", students=60, seed=seed, export_date=EXPORT_DATE)
    for zip_name in ZIPS:
        assert (tmp_path / "a" / zip_name).read_bytes() == (tmp_path / "b" / zip_name).read_bytes()
    assert (tmp_path / "a" / ZIPS[0]).read_bytes() != (tmp_path / "c" / ZIPS[0]).read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize("old_format", [False, True])
def test_round_trip_with_exact_counts(tmp_path, old_format):
    manifest = generate(tmp_path, uai="0380111P", students=120, seed=3, old_format=old_format)
    expected = expected_from_xml(tmp_path)
    assert (manifest.students, manifest.active_students) == (expected["students"], expected["active"])
    assert (manifest.representatives, manifest.active_representatives) == (
        expected["representatives"],
        expected["active_representatives"],
    )

    result = run_json(*(tmp_path / name for name in ZIPS))

    assert result["anomalies"] == [] and result["guards"] == []
    assert {key: result[key] for key in ("uai", "students", "representatives", "accounts", "errors")} == {
        "uai": "0380111P",
        "students": {"created": 120, "updated": 0, "unchanged": 0, "left": 0},
        "representatives": {"created": manifest.representatives, "updated": 0, "unchanged": 0, "left": 0},
        "accounts": {"students": manifest.eligible_students, "representatives": manifest.active_representatives},
        "errors": [],
    }
    assert Student.objects.filter(is_active=True).count() == manifest.active_students
    assert LegalRepresentative.objects.count() == manifest.representatives  # contacts not stored
    assert manifest.contacts > 0
    assert {d.code: d.students.count() for d in Division.objects.all()} == manifest.divisions
    again = run_json(*(tmp_path / name for name in ZIPS))
    assert again["students"] == {"created": 0, "updated": 0, "unchanged": 120, "left": 0}


@pytest.mark.django_db
def test_extra_people_are_added_exactly(tmp_path):
    manifest = generate(tmp_path, uai="0380111P", students=120, seed=5, extra=EXTRA)
    assert manifest.students == 123

    run_json(*(tmp_path / name for name in ZIPS))

    paul = Student.objects.get(last_name="DUBOIS", first_name="Paul", birth_date=datetime.date(2011, 5, 4))
    assert (paul.division.code, paul.mef.label, paul.is_active) == ("3EME1", "3eme", True)  # LIBELLE_EDITION
    claire = paul.representatives.get()
    assert (claire.civility, claire.email, claire.mobile) == ("Mme", "claire.dubois@example.org", "06 11 22 33 44")
    theo = Student.objects.get(first_name="Théo", last_name="SABRIER")
    lena = Student.objects.get(first_name="Léna", last_name="SABRIER")
    assert (theo.division.code, lena.division.code) == ("4EME7", "5EME7")  # created for them
    assert theo.division.mef.code == "10210001110"
    shared = set(theo.representatives.all()) & set(lena.representatives.all())
    assert len(shared) == 2
    assert Account.objects.filter(representative__in=shared, kind=AccountKind.REPRESENTATIVE).count() == 2


def test_generated_data_is_realistic(tmp_path):
    generate(tmp_path, uai="0380111P", students=700, seed=11, kind="college", export_date=EXPORT_DATE)
    eleves = read(tmp_path, "ElevesSansAdresses.zip")
    assert eleves.findtext("PARAMETRES/DATE_EXPORT") == "02/11/2026"
    assert eleves.findtext("PARAMETRES/ANNEE_SCOLAIRE") == "2026"
    students = list(eleves.iter("ELEVE"))
    assert len({e.get("ELEVE_ID") for e in students}) == 700
    assert all(INE_RNIE_RE.match(e.findtext("ID_NATIONAL")) for e in students)
    assert all(is_valid_ine_bea(e.findtext("INE_BEA")) for e in students)
    leavers = [e for e in students if e.findtext("DATE_SORTIE")]
    assert 0.02 * 700 < len(leavers) < 0.09 * 700
    assert all(datetime.datetime.strptime(e.findtext("DATE_SORTIE"), "%d/%m/%Y").date() < EXPORT_DATE for e in leavers)
    sizes = Counter(
        s.findtext("CODE_STRUCTURE") for s in eleves.iter("STRUCTURE") if s.findtext("TYPE_STRUCTURE") == "D"
    )
    inactifs = sizes.pop("Inactifs")
    assert 1 <= inactifs <= 14
    assert all(24 <= n <= 35 for n in sizes.values()), sizes
    assert all(re.fullmatch(r"[6543]EME[1-9]", code) for code in sizes)
    assert {"6EME1", "3EME1"} <= set(sizes)
    first_names = {e.findtext("PRENOM") for e in students}
    assert first_names & {"Éloïse", "Léa", "Chloé", "Inès", "Zoé", "Noé", "Léo"}
    assert any("-" in name for name in first_names)

    responsables = read(tmp_path, "ResponsablesAvecAdresses.zip")
    persons = list(responsables.iter("PERSONNE"))
    last_names = {p.findtext("NOM_USAGE") for p in persons}
    assert last_names & {"D'ALMEIDA", "FRANCIS--FROUFROU", "N'DIAYE", "LE GOFF", "DE LA FONTAINE"}
    without_email = sum(not p.findtext("MEL") for p in persons) / len(persons)
    without_mobile = sum(not p.findtext("TEL_PORTABLE") for p in persons) / len(persons)
    assert 0.2 < without_email < 0.4
    assert 0.08 < without_mobile < 0.25
    links = list(responsables.iter("RESPONSABLE_ELEVE"))
    levels = Counter(link.findtext("NIVEAU_RESPONSABILITE") for link in links)
    assert set(levels) == {"1", "3"}
    codes = Counter(link.findtext("CODE_PARENTE") for link in links if link.findtext("NIVEAU_RESPONSABILITE") == "1")
    assert codes["10"] and codes["20"] and codes["50"]
    legal_per_student = Counter(
        link.findtext("ELEVE_ID") for link in links if link.findtext("NIVEAU_RESPONSABILITE") == "1"
    )
    assert set(legal_per_student.values()) == {1, 2}
    reps = {}
    for link in links:
        if link.findtext("NIVEAU_RESPONSABILITE") == "1":
            reps.setdefault(link.findtext("ELEVE_ID"), set()).add(link.findtext("PERSONNE_ID"))
    families = Counter(frozenset(r) for r in reps.values())
    siblings = sum(n for n in families.values() if n > 1)
    assert 0.10 * 700 <= siblings <= 0.20 * 700

    mefs = read(tmp_path, "Nomenclature.zip")
    assert {m.get("CODE_MEF") for m in mefs.iter("MEF")} == {"10010012110", "10110001110", "10210001110", "10310019110"}


@pytest.mark.parametrize(
    ("kind", "prefixes"),
    [("lycee", {"2GT", "1G", "TG", "1STMG", "TSTMG"}), ("lp", {"2MRC", "1CAPEPC", "2CAPEPC", "TMCV"})],
)
def test_lycee_and_lp_divisions(tmp_path, kind, prefixes):
    generate(tmp_path, uai="0450750W", students=900, seed=1, kind=kind, export_date=EXPORT_DATE)
    structures = read(tmp_path, "Structures.zip")
    codes = {d.get("CODE_STRUCTURE") for d in structures.iter("DIVISION")}
    assert {re.sub(r"\d+$", "", code) for code in codes} >= prefixes
    assert f"{sorted(prefixes)[0]}1" in codes


def test_old_format_switch(tmp_path):
    generate(tmp_path, uai="0380111P", students=40, seed=2, old_format=True, export_date=EXPORT_DATE)
    eleve = next(read(tmp_path, "ElevesSansAdresses.zip").iter("ELEVE"))
    assert eleve.find("NOM") is not None and eleve.find("NOM_DE_FAMILLE") is None
    assert is_valid_ine_bea(eleve.findtext("ID_NATIONAL"))
    link = next(read(tmp_path, "ResponsablesAvecAdresses.zip").iter("RESPONSABLE_ELEVE"))
    assert link.find("RESP_LEGAL") is not None and link.find("NIVEAU_RESPONSABILITE") is None


def test_generate_command(tmp_path):
    extra = tmp_path / "people.json"
    extra.write_text(__import__("json").dumps(EXTRA), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "generate_siecle",
        "--uai", "0380111P", "--students", "50", "--seed", "4", "--extra", str(extra),
        "--date", "2026-10-01", "--out", str(tmp_path / "out"), stdout=out,
    )  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(ZIPS)
    assert out.getvalue().startswith(f"Exports SIECLE écrits dans {tmp_path / 'out'} : 53 élèves")
