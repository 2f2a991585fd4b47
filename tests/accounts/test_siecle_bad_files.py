"""A bad file changes nothing (every table compared before/after) and the message names the file,
the record and the field."""

import io
import zipfile

import pytest
from django.core.management.base import CommandError

from accounts.siecle import importer
from accounts.siecle.errors import SiecleError, SiecleImportError
from accounts.siecle.importer import siecle_import
from accounts.siecle.reader import LimitedReader
from delegations.models import Establishment
from tests.accounts.siecle_support import copy_fixture, counts, edit, fixture_files, run_json, snapshot
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

XXE = '<!DOCTYPE BEE_ELEVES [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<BEE_ELEVES'
LAUGHS = (
    '<!DOCTYPE BEE_ELEVES [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n<BEE_ELEVES'
)


def refused(files, *expected, settings=None, max_bytes=None, **options) -> str:
    """Run the command on files after a good import; assert it fails, wrote nothing, and says `expected`."""
    run_json(*fixture_files("new"))
    if max_bytes:
        settings.EDUCONNECT_SIECLE_MAX_BYTES = max_bytes
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        run_json(*files, **options)
    assert snapshot() == before
    message = str(excinfo.value)
    assert message.startswith("Import SIECLE refusé, aucune donnée n'a été modifiée")
    for text in expected:
        assert text in message
    return message


def test_xxe_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], "<BEE_ELEVES", XXE)
    edit(files["ElevesSansAdresses"], "<PRENOM>Paul</PRENOM>", "<PRENOM>&xxe;</PRENOM>")
    refused(files.values(), "ElevesSansAdresses.xml", "DTD ou déclaration d'entité interdite")


def test_billion_laughs_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], "<BEE_ELEVES", LAUGHS)
    edit(files["ElevesSansAdresses"], "<PRENOM>Paul</PRENOM>", "<PRENOM>&lol3;</PRENOM>")
    refused(files.values(), "ElevesSansAdresses.xml", "expansion d'entités")


def test_external_dtd_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(
        files["Structures"],
        "<BEE_STRUCTURES",
        '<!DOCTYPE BEE_STRUCTURES SYSTEM "http://127.0.0.1:9/x.dtd">\n<BEE_STRUCTURES',
    )
    refused(files.values(), "Structures.xml", "DTD")


def test_truncated_xml_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    path = files["ResponsablesAvecAdresses"]
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    refused(files.values(), "ResponsablesAvecAdresses.xml", "XML mal formé ou tronqué")


def test_uai_other_than_the_requested_one_is_refused():
    message = refused(
        fixture_files("new"), "UAJ « 0380111P » différent de l'établissement demandé « 0450750W »", uai="0450750W"
    )
    assert "ElevesSansAdresses.xml : PARAMETRES : champ UAJ" in message


def test_uaj_with_a_wrong_check_letter_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["Structures"], "<UAJ>0380111P</UAJ>", "<UAJ>0380111A</UAJ>")
    refused(files.values(), "Structures.xml : PARAMETRES : champ UAJ : code UAI « 0380111A » invalide")


def test_invalid_uai_option_is_refused():
    refused(fixture_files("new"), "code UAI « 0010856B » invalide", uai="0010856B")


def test_files_of_two_establishments_are_refused():
    refused([*fixture_files("new")[:1], *fixture_files("old")[1:]], "plusieurs établissements")


def test_duplicate_ine_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(
        files["ElevesSansAdresses"], "<ID_NATIONAL>100000002CD</ID_NATIONAL>", "<ID_NATIONAL>100000001AB</ID_NATIONAL>"
    )
    refused(
        files.values(),
        "ElevesSansAdresses.xml : élève ELEVE_ID=1002 (Éloïse SABRIER) : champ ID_NATIONAL : INE « 100000001AB » en double "
        "(déjà porté par l'élève ELEVE_ID=1001)",
    )


def test_ine_held_by_another_student_of_the_establishment_is_refused(tmp_path):
    run_json(*fixture_files("new"))
    StudentFactory(establishment=Establishment.objects.get(uai="0380111P"), eleve_id="999", ine="100000099AB")
    files = copy_fixture(tmp_path)
    edit(
        files["ElevesSansAdresses"], "<ID_NATIONAL>100000002CD</ID_NATIONAL>", "<ID_NATIONAL>100000099AB</ID_NATIONAL>"
    )
    before = snapshot()
    with pytest.raises(
        CommandError,
        match=r"ElevesSansAdresses.xml : élève ELEVE_ID=1002 \(Éloïse SABRIER\) : champ ID_NATIONAL : INE « 100000099AB » déjà porté par l'élève ELEVE_ID=999",
    ):
        run_json(*reversed(files.values()))
    assert snapshot() == before


DUPLICATE_ELEVE = ('<ELEVE ELEVE_ID="1003" ELENOET="5103">', '<ELEVE ELEVE_ID="1002" ELENOET="5103">')
DUPLICATE_PERSONNE = ('<PERSONNE PERSONNE_ID="2005">', '<PERSONNE PERSONNE_ID="2004">')


def test_duplicate_eleve_id_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], *DUPLICATE_ELEVE)
    refused(
        files.values(),
        "ElevesSansAdresses.xml : élève ELEVE_ID=1002 (Léo SABRIER) : champ ELEVE_ID : identifiant présent deux fois",
    )


def test_duplicate_personne_id_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ResponsablesAvecAdresses"], *DUPLICATE_PERSONNE)
    refused(
        files.values(),
        "ResponsablesAvecAdresses.xml : personne PERSONNE_ID=2004 (Jean-Baptiste SABRIER) : champ PERSONNE_ID : "
        "identifiant présent deux fois",
    )


def test_every_problem_is_listed(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], *DUPLICATE_ELEVE)
    edit(files["ResponsablesAvecAdresses"], *DUPLICATE_PERSONNE)
    message = refused(files.values(), "ELEVE_ID=1002 (Léo SABRIER)", "PERSONNE_ID=2004 (Jean-Baptiste SABRIER)")
    assert message.count("\n  - ") == 2


def test_missing_responsables_export_is_refused():
    refused([fixture_files("new")[0], *fixture_files("new")[2:]], "export Responsables manquant")


def test_two_exports_of_the_same_kind_are_refused(tmp_path):
    files = copy_fixture(tmp_path)
    refused([*files.values(), fixture_files("new")[0]], "deux exports Élèves fournis")


def test_oversized_xml_is_refused(settings):
    refused(
        fixture_files("new"), "ElevesSansAdresses.xml : fichier trop volumineux (5", settings=settings, max_bytes=5000
    )


def zip_of(tmp_path, name, entries: dict[str, bytes]):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, content in entries.items():
            archive.writestr(entry, content)
    return path


def test_zip_bomb_is_refused_before_decompression(tmp_path, settings):
    bomb = zip_of(tmp_path, "ElevesSansAdresses.zip", {"ElevesSansAdresses.xml": b"<BEE_ELEVES>" + b" " * 20_000_000})
    assert bomb.stat().st_size < 100_000
    refused(
        [bomb, *fixture_files("new")[1:]],
        "ElevesSansAdresses.zip (ElevesSansAdresses.xml) : fichier trop volumineux",
        settings=settings,
        max_bytes=1024 * 1024,
    )


def test_stream_beyond_the_cap_is_cut_whatever_the_zip_header_says():
    reader = LimitedReader(io.BytesIO(b"x" * 5000), 4096, "ElevesSansAdresses.zip (ElevesSansAdresses.xml)")
    with pytest.raises(SiecleError, match="trop volumineux"):
        while reader.read(1024):
            pass


def test_zip_with_two_exports_of_one_kind_is_refused(tmp_path):
    content = fixture_files("new")[0].read_bytes()
    path = zip_of(tmp_path, "ElevesSansAdresses.zip", {"ElevesSansAdresses.xml": content, "Autre.xml": content})
    refused([path, *fixture_files("new")[1:]], "ElevesSansAdresses.zip (Autre.xml) : deux exports Élèves fournis")


def test_zip_without_xml_leaves_the_export_missing(tmp_path):
    path = zip_of(tmp_path, "ElevesSansAdresses.zip", {"ElevesSansAdresses.csv": b"a;b"})
    refused([path, *fixture_files("new")[1:]], "export Élèves manquant")


def test_zip_hidden_entries_are_ignored(tmp_path):
    content = fixture_files("new")[0].read_bytes()
    path = zip_of(
        tmp_path,
        "ElevesSansAdresses.zip",
        {
            "export/ElevesSansAdresses.xml": content,
            "__MACOSX/export/._ElevesSansAdresses.xml": b"junk",
            ".DS_Store": b"",
        },
    )
    assert run_json(path, *fixture_files("new")[1:])["students"]["created"] == 8


def test_corrupt_zip_is_refused(tmp_path):
    path = tmp_path / "ElevesSansAdresses.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    refused([path, *fixture_files("new")[1:]], "ElevesSansAdresses.zip : archive ZIP illisible")


@pytest.mark.parametrize("step", ["sync_links", "accounts_precreate"])
def test_failure_while_writing_rolls_everything_back(monkeypatch, step):
    """Fault injection after most rows are written: the transaction leaves no trace."""

    def boom(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(importer, step, boom)
    before = counts()
    with pytest.raises(RuntimeError, match="panne simulée"):
        siecle_import(paths=fixture_files("new"))
    assert counts() == before


def test_refused_import_from_an_empty_database_creates_nothing(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], *DUPLICATE_ELEVE)
    before = counts()
    with pytest.raises(SiecleImportError):
        siecle_import(paths=list(files.values()))
    assert counts() == before


def test_json_error_output_then_non_zero_exit(tmp_path):
    import json

    from django.core.management import call_command

    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], *DUPLICATE_ELEVE)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_siecle", *map(str, files.values()), json=True, stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["errors"] == [
        "ElevesSansAdresses.xml : élève ELEVE_ID=1002 (Léo SABRIER) : champ ELEVE_ID : identifiant présent deux fois "
        "dans le fichier"
    ]
    assert payload["forceable"] is False


def test_concurrent_write_conflict_is_reported_and_rolled_back(monkeypatch):
    from django.db import IntegrityError

    def clash(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(importer, "accounts_precreate", clash)
    before = counts()
    with pytest.raises(SiecleImportError, match="écriture concurrente détectée"):
        siecle_import(paths=fixture_files("new"))
    assert counts() == before
