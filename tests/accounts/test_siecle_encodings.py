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
