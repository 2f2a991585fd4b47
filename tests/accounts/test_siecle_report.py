"""The import report (issue 15 items 2, 5, 7): kept in the database for each import, printed by the
command (text and --json); the dry run prints the whole report and writes nothing; extra exports
are ignored and listed; a ZIP may hold the four exports."""

import datetime
import zipfile

import pytest

from accounts.models import SiecleImport, Student
from accounts.siecle.generator import generate
from tests.accounts.siecle_support import copy_fixture, edit, fixture_files, run_json, run_text, snapshot

pytestmark = pytest.mark.django_db

BEE_COMMUN = (
    b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_COMMUN VERSION="1.0"><PARAMETRES><UAJ>0380111P</UAJ>'
    b"</PARAMETRES><DONNEES/></BEE_COMMUN>"
)
STS_EDT = (
    b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<STS_EDT><PARAMETRES><UAJ>0380111P</UAJ></PARAMETRES></STS_EDT>'
)


def test_the_report_is_kept_for_each_import(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], "<DATE_NAISS>07/11/2014</DATE_NAISS>", "")
    run_json(*files.values())
    run_json(*files.values())

    first, second = SiecleImport.objects.order_by("pk")
    assert (first.uai, first.establishment.uai, first.status, first.source) == (
        "0380111P",
        "0380111P",
        "done",
        "command",
    )
    assert first.actor_label == "import_siecle (ligne de commande)" and first.actor is None
    assert (first.export_date, first.school_year) == (datetime.date(2026, 9, 15), 2026)
    assert [(f["file"], f["export_date"], f["school_year"]) for f in first.report["files"]] == [
        ("ElevesSansAdresses.xml", "2026-09-15", 2026),
        ("ResponsablesAvecAdresses.xml", "2026-09-15", 2026),
        ("Nomenclature.xml", "2026-09-15", 2026),
        ("Structures.xml", "2026-09-15", 2026),
    ]
    assert first.report["students"] == {"created": 8, "updated": 0, "unchanged": 0, "left": 0}
    assert first.report["representatives"] == {"created": 8, "updated": 0, "unchanged": 0, "left": 0}
    assert first.report["mefs"]["created"] == 4 and first.report["divisions"]["created"] == 3
    assert (first.accounts_created, second.accounts_created) == (10, 0)
    assert second.report["students"] == {"created": 0, "updated": 0, "unchanged": 8, "left": 0}
    assert first.anomaly_count == second.anomaly_count == 1
    assert first.report["anomalies"][0]["record"] == "élève ELEVE_ID=1003 (Léo SABRIER)"
    assert first.finished_at is not None


def test_dry_run_writes_nothing_and_reports_what_the_import_would_do(tmp_path):
    generate(tmp_path, uai="0380111P", students=200, seed=4)
    paths = sorted(tmp_path.iterdir())
    before = snapshot()

    dry = run_json(*paths, dry_run=True)

    assert snapshot() == before and not SiecleImport.objects.exists()
    real = run_json(*paths)
    for key in ("students", "representatives", "accounts", "mefs", "divisions", "accounts_created", "anomalies"):
        assert dry[key] == real[key], key
    assert dry["dry_run"] is True and real["dry_run"] is False
    assert dry["establishment_created"] is True
    assert len(dry["examples"]["students"]["created"]) == 5


def test_dry_run_of_changes_gives_examples_per_kind(tmp_path):
    run_json(*fixture_files("new"))
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], "<MEL>paul.dubois@example.org</MEL>", "<MEL>paul.d@example.org</MEL>")
    edit(files["ResponsablesAvecAdresses"], "<PRENOM>Sophie</PRENOM>", "<PRENOM>Sophia</PRENOM>")
    content = files["ElevesSansAdresses"].read_bytes().decode("iso-8859-15")
    start = content.index('<STRUCTURES_ELEVE ELEVE_ID="1007"')
    end = content.index("</STRUCTURES_ELEVE>", start) + len("</STRUCTURES_ELEVE>")
    files["ElevesSansAdresses"].write_bytes((content[:start] + content[end:]).encode("iso-8859-15"))
    before = snapshot()

    text = run_text(*files.values(), dry_run=True)

    assert snapshot() == before
    lines = text.splitlines()
    assert lines[0] == "Simulation (--dry-run) : aucune donnée n'a été écrite. Voici ce que ferait l'import."
    assert "  Élèves : 0 créé, 1 mis à jour, 6 inchangés, 1 sorti." in lines
    assert "    Élèves mis à jour : DUBOIS Paul (adresse mail SIECLE)" in lines
    assert "    Élèves sortis : LE GOFF Zoé" in lines
    assert "    Représentants légaux mis à jour : MARTIN Sophia (prénom)" in lines
    assert "    Représentants légaux sortis : KERMARREC Yann" in lines


def test_dry_run_says_why_the_import_would_be_refused(tmp_path):
    run_json(*fixture_files("new"))
    files = copy_fixture(tmp_path)
    edit(
        files["ElevesSansAdresses"],
        "<TYPE_STRUCTURE>D</TYPE_STRUCTURE>",
        "<TYPE_STRUCTURE>G</TYPE_STRUCTURE>",
        count=-1,
    )
    before = snapshot()

    text = run_text(*files.values(), dry_run=True)

    assert snapshot() == before
    assert "  L'import serait refusé sans --force :" in text
    assert "    - 5 élèves actifs sur 5 (100 %) seraient marqués sortis (au plus 20 % par import)" in text


def test_extra_exports_are_ignored_and_listed(tmp_path):
    commun = tmp_path / "ExportCommun.xml"
    commun.write_bytes(BEE_COMMUN)
    edt = tmp_path / "sts_emp_0380111P_2026.xml"
    edt.write_bytes(STS_EDT)
    notice = tmp_path / "notice.pdf"
    notice.write_bytes(b"%PDF-1.4 ...")

    result = run_json(*fixture_files("new"), commun, edt, notice)

    assert result["students"]["created"] == 8
    assert result["ignored"] == [
        {"file": "notice.pdf", "reason": "ni XML ni ZIP, ignoré"},
        {"file": "ExportCommun.xml", "reason": "export commun SIECLE (BEE_COMMUN), non utilisé"},
        {"file": "sts_emp_0380111P_2026.xml", "reason": "export STS-web (STS_EDT, emploi du temps), non utilisé"},
    ]
    assert "  Fichiers ignorés :" in run_text(*fixture_files("new"), commun)


def test_unknown_xml_is_ignored(tmp_path):
    other = tmp_path / "Autre.xml"
    other.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?><AUTRE_EXPORT><PARAMETRES/></AUTRE_EXPORT>')

    result = run_json(*fixture_files("new"), other)

    assert result["ignored"] == [
        {
            "file": "Autre.xml",
            "reason": "élément racine « AUTRE_EXPORT » : pas un des quatre exports SIECLE attendus, ignoré",
        }
    ]


def test_a_zip_holding_the_four_exports_and_extras(tmp_path):
    archive = tmp_path / "exports_0380111P.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in fixture_files("new"):
            z.write(path, f"export/{path.name}")
        z.writestr("export/ExportCommun.xml", BEE_COMMUN)
        z.writestr("export/LISEZMOI.txt", b"exports du 15/09")

    result = run_json(archive)

    assert result["students"]["created"] == 8
    assert [f["file"] for f in result["files"]] == [
        "exports_0380111P.zip (ElevesSansAdresses.xml)",
        "exports_0380111P.zip (ResponsablesAvecAdresses.xml)",
        "exports_0380111P.zip (Nomenclature.xml)",
        "exports_0380111P.zip (Structures.xml)",
    ]
    assert result["ignored"] == [
        {"file": "exports_0380111P.zip (LISEZMOI.txt)", "reason": "pas un fichier XML, ignoré"},
        {"file": "exports_0380111P.zip (ExportCommun.xml)", "reason": "export commun SIECLE (BEE_COMMUN), non utilisé"},
    ]
    assert Student.objects.count() == 8


def test_dry_run_of_a_reimport_with_changes_matches_the_import(tmp_path):
    """Moves to a class that does not exist yet, a leaver, a new pupil: the dry run's placeholder
    keys make every comparison come out as in the real import."""
    run_json(*fixture_files("new"))
    files = copy_fixture(tmp_path)
    eleves = files["ElevesSansAdresses"]
    edit(eleves, "<CODE_STRUCTURE>5EME7</CODE_STRUCTURE>", "<CODE_STRUCTURE>5EME8</CODE_STRUCTURE>")
    edit(eleves, "<DATE_SORTIE>30/06/2099</DATE_SORTIE>", "<DATE_SORTIE>30/09/2026</DATE_SORTIE>")
    edit(
        eleves,
        "    </ELEVES>",
        '      <ELEVE ELEVE_ID="1009"><ID_NATIONAL>100000009CE</ID_NATIONAL><NOM_DE_FAMILLE>NOUVEAU</NOM_DE_FAMILLE>'
        "<PRENOM>Jules</PRENOM><DATE_NAISS>01/01/2012</DATE_NAISS></ELEVE>\n    </ELEVES>",
    )
    edit(
        eleves,
        "    </STRUCTURES>",
        '      <STRUCTURES_ELEVE ELEVE_ID="1009"><STRUCTURE><CODE_STRUCTURE>5EME8</CODE_STRUCTURE>'
        "<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>\n    </STRUCTURES>",
    )
    before = snapshot()

    dry = run_json(*files.values(), dry_run=True)

    assert snapshot() == before
    real = run_json(*files.values())
    assert dry["students"] == real["students"] == {"created": 1, "updated": 1, "unchanged": 6, "left": 1}
    for key in ("representatives", "accounts", "mefs", "divisions", "accounts_created", "examples"):
        assert dry[key] == real[key], key
    assert real["divisions"]["created"] == 1
