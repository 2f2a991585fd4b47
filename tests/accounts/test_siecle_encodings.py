"""Encodings: ISO-8859-15 (with € and œ), ISO-8859-1, UTF-8 with and without BOM; unknown
encodings and a BOM contradicting the declaration are refused cleanly."""

import zipfile

import pytest
from django.core.management.base import CommandError

from accounts.models import LegalRepresentative, Student
from tests.accounts.siecle_support import copy_fixture, counts, edit, fixture_files, run_json

pytestmark = pytest.mark.django_db


def reencode(tmp_path, encoding: str, *, bom: bool = False, declared: str | None = None):
    files = copy_fixture(tmp_path)
    for path in files.values():
        content = path.read_bytes().decode("iso-8859-15")
        content = content.replace('encoding="ISO-8859-15"', f'encoding="{declared or encoding}"')
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + content.encode(encoding))
    return files


def test_iso_8859_15_with_euro_and_oe(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ResponsablesAvecAdresses"], "<LIGNE1_ADRESSE>3 impasse", "<LIGNE1_ADRESSE>Loyer 5 € 3 impasse")
    run_json(*files.values())

    assert Student.objects.get(eleve_id="1007").other_first_names == "Cœur"
    assert LegalRepresentative.objects.get(personne_id="2004").address_lines.startswith("Loyer 5 € 3 impasse")
    assert "Bâtiment Œillet" in LegalRepresentative.objects.get(personne_id="2001").address_lines


@pytest.mark.parametrize("bom", [True, False])
def test_utf8(tmp_path, bom):
    files = reencode(tmp_path, "utf-8", bom=bom, declared="UTF-8")
    assert files["ElevesSansAdresses"].read_bytes().startswith(b"\xef\xbb\xbf") is bom

    assert run_json(*files.values())["students"]["created"] == 8
    assert Student.objects.get(eleve_id="1002").first_name == "Éloïse"
    assert Student.objects.get(eleve_id="1007").other_first_names == "Cœur"


def test_iso_8859_1_old_format():
    run_json(*fixture_files("old"))
    assert Student.objects.get(eleve_id="3003").first_name == "Aïssata"
    assert LegalRepresentative.objects.get(personne_id="4001").city == "ORLÉANS"


def test_zipped_iso_8859_15(tmp_path):
    zips = []
    for path in fixture_files("new"):
        target = tmp_path / f"{path.stem}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, path.name)
        zips.append(target)
    run_json(*reversed(zips))  # any order
    assert Student.objects.get(eleve_id="1003").first_name == "Léo"


def test_unknown_encoding_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["Nomenclature"], 'encoding="ISO-8859-15"', 'encoding="X-INCONNU-42"')
    before = counts()
    with pytest.raises(CommandError, match="Nomenclature.xml : encodage non reconnu"):
        run_json(*files.values())
    assert counts() == before


def test_bom_contradicting_the_declaration_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    path = files["ElevesSansAdresses"]
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    before = counts()
    with pytest.raises(CommandError, match="ElevesSansAdresses.xml : le fichier commence par une marque UTF-8"):
        run_json(*files.values())
    assert counts() == before


# Issue 15 item 4. The choice: a file declared ISO-8859-1/15 whose bytes are, as a whole, valid
# UTF-8 with accents is read as UTF-8 (and the report says so); two encodings mixed in one file,
# a file declared UTF-8 that is not, and text encoded twice are refused: the names would be stored
# garbled (« Ã© »).


def test_utf8_bytes_under_an_iso_declaration_are_read_as_utf8(tmp_path):
    files = copy_fixture(tmp_path)
    for path in files.values():
        path.write_bytes(path.read_bytes().decode("iso-8859-15").encode("utf-8"))  # declaration untouched

    result = run_json(*files.values())

    assert Student.objects.get(eleve_id="1002").first_name == "Éloïse"
    assert Student.objects.get(eleve_id="1007").other_first_names == "Cœur"
    assert "Ã" not in "".join(Student.objects.values_list("first_name", flat=True))
    notices = [a for a in result["anomalies"] if a["field"] == "encoding"]
    assert {a["file"] for a in notices} == {"ElevesSansAdresses.xml", "ResponsablesAvecAdresses.xml"}
    assert notices[0]["message"] == "fichier déclaré ISO-8859-15 mais entièrement encodé en UTF-8 : lu en UTF-8"


def test_utf8_mixed_into_an_iso_file_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    path = files["ElevesSansAdresses"]
    path.write_bytes(path.read_bytes().replace("Léo".encode("iso-8859-15"), "Léo".encode()))
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        run_json(*files.values())
    assert (
        "ElevesSansAdresses.xml : le fichier déclaré ISO-8859-15 contient du texte encodé en UTF-8 (« Ã© » au lieu de « é »)"
        in str(excinfo.value)
    )
    assert counts() == before


def test_latin_bytes_under_a_utf8_declaration_are_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ResponsablesAvecAdresses"], 'encoding="ISO-8859-15"', 'encoding="UTF-8"')
    before = counts()
    with pytest.raises(
        CommandError, match="ResponsablesAvecAdresses.xml : le fichier déclare l'encodage UTF-8 mais n'est pas en UTF-8"
    ):
        run_json(*files.values())
    assert counts() == before


def test_text_encoded_twice_is_refused(tmp_path):
    files = reencode(tmp_path, "utf-8", declared="UTF-8")
    path = files["ElevesSansAdresses"]
    text = path.read_bytes().decode("utf-8")
    path.write_bytes(text.replace("Éloïse", "Éloïse".encode().decode("latin-1")).encode("utf-8"))
    before = counts()
    with pytest.raises(
        CommandError, match=r"ElevesSansAdresses.xml : texte encodé deux fois \(« Ã© » au lieu de « é »\)"
    ):
        run_json(*files.values())
    assert counts() == before


def test_windows_1252_is_accepted(tmp_path):
    files = reencode(tmp_path, "cp1252", declared="windows-1252")
    edit(
        files["ResponsablesAvecAdresses"],
        "<LIGNE1_ADRESSE>3 impasse",
        "<LIGNE1_ADRESSE>Chez l’œuvre 5 € 3 impasse",
        encoding="cp1252",
    )

    result = run_json(*files.values())

    assert result["anomalies"] == []
    assert Student.objects.get(eleve_id="1007").other_first_names == "Cœur"
    assert LegalRepresentative.objects.get(personne_id="2004").address_lines.startswith("Chez l’œuvre 5 € 3 impasse")


def test_windows_1252_characters_under_an_iso_8859_1_declaration_are_read_as_windows_1252(tmp_path):
    files = copy_fixture(tmp_path, "old")  # ISO-8859-1
    path = files["ResponsablesAvecAdresses"]
    content = path.read_bytes().decode("iso-8859-1").replace("GARCIA</NOM>", "GARCIA</NOM><!-- -->", 1)
    content = content.replace("<PRENOM>Isabelle</PRENOM>", "<PRENOM>Isabelle-Zoë’</PRENOM>")
    path.write_bytes(content.encode("cp1252"))

    result = run_json(*files.values())

    assert LegalRepresentative.objects.get(personne_id="4001").first_name == "Isabelle-Zoë’"
    assert [a["message"] for a in result["anomalies"]] == [
        "fichier déclaré ISO-8859-1 contenant des caractères windows-1252 (’ … œ €) : lu en windows-1252"
    ]
