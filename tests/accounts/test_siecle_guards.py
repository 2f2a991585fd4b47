"""No wipe, no roll-back (issue 15 item 3, issue 12 item 12): an import that would empty the
establishment, mark too many pupils as left, go back to an older export, or mix files of different
exports is refused — nothing written, the reason said — unless --force."""

import pytest
from django.core.management.base import CommandError

from accounts.models import SiecleImport, Student
from accounts.siecle.errors import SiecleImportGuarded
from accounts.siecle.generator import generate
from accounts.siecle.importer import siecle_import
from delegations.models import Establishment
from tests.accounts.siecle_support import copy_fixture, edit, fixture_files, run_json, snapshot

pytestmark = pytest.mark.django_db

FORCE_HINT = "relancez avec --force pour importer malgré tout"


def refused_then_forced(files, *expected):
    before = snapshot()
    reports = SiecleImport.objects.count()
    with pytest.raises(CommandError) as excinfo:
        run_json(*files)
    message = str(excinfo.value)
    assert message.startswith("Import SIECLE refusé, aucune donnée n'a été modifiée")
    assert FORCE_HINT in message
    for text in expected:
        assert text in message
    assert snapshot() == before and SiecleImport.objects.count() == reports
    forced = run_json(*files, force=True)
    assert forced["forced"] is True and all(any(t in g for g in forced["guards"]) for t in expected)
    assert SiecleImport.objects.latest("pk").forced is True
    return forced


def drop_classes(path, *eleve_ids):
    for eleve_id in eleve_ids:
        content = path.read_bytes().decode("iso-8859-15")
        start = content.index(f'<STRUCTURES_ELEVE ELEVE_ID="{eleve_id}"')
        end = content.index("</STRUCTURES_ELEVE>", start) + len("</STRUCTURES_ELEVE>")
        path.write_bytes((content[:start] + content[end:]).encode("iso-8859-15"))


def test_export_without_any_active_pupil_is_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(
        files["ElevesSansAdresses"],
        "<TYPE_STRUCTURE>D</TYPE_STRUCTURE>",
        "<TYPE_STRUCTURE>G</TYPE_STRUCTURE>",
        count=-1,
    )
    forced = refused_then_forced(
        files.values(), "l'export Élèves (ElevesSansAdresses.xml) ne contient aucun élève actif (8 élève(s)"
    )
    assert forced["students"]["created"] == 8 and not Student.objects.filter(is_active=True).exists()


def test_up_to_the_share_of_pupils_may_leave(tmp_path):
    run_json(*fixture_files("new"))  # 5 active pupils
    files = copy_fixture(tmp_path)
    drop_classes(files["ElevesSansAdresses"], "1001")  # 1 of 5 = 20 %: allowed

    assert run_json(*files.values())["students"]["left"] == 1


def test_more_than_the_share_of_pupils_leaving_is_refused(tmp_path):
    run_json(*fixture_files("new"))
    files = copy_fixture(tmp_path)
    drop_classes(files["ElevesSansAdresses"], "1001", "1002")  # 2 of 5 = 40 %
    forced = refused_then_forced(
        files.values(), "2 élèves actifs sur 5 (40 %) seraient marqués sortis (au plus 20 % par import)"
    )
    assert forced["students"]["left"] == 2


def test_the_share_is_configurable(tmp_path, settings):
    settings.EDUCONNECT_SIECLE_MAX_LEFT_SHARE = 0.5
    run_json(*fixture_files("new"))
    files = copy_fixture(tmp_path)
    drop_classes(files["ElevesSansAdresses"], "1001", "1002")

    assert run_json(*files.values())["students"]["left"] == 2


def test_export_of_another_school_generated_over_the_establishment_is_refused(tmp_path):
    """The generator's lycée, then a whole other export of the same UAI (every ELEVE_ID new)."""
    generate(tmp_path / "a", uai="0380111P", students=300, seed=1)
    generate(tmp_path / "b", uai="0380111P", students=300, seed=2)
    siecle_import(paths=sorted((tmp_path / "a").iterdir()))
    active = Student.objects.filter(is_active=True).count()

    with pytest.raises(
        SiecleImportGuarded, match=rf"{active} élèves actifs sur {active} \(100 %\) seraient marqués sortis"
    ):
        siecle_import(paths=sorted((tmp_path / "b").iterdir()))
    assert Student.objects.filter(is_active=True).count() == active


def test_older_export_than_the_last_imported_is_refused(tmp_path):
    run_json(*fixture_files("new"))
    files = copy_fixture(tmp_path)
    for path in files.values():
        edit(path, "<DATE_EXPORT>15/09/2026</DATE_EXPORT>", "<DATE_EXPORT>14/09/2026</DATE_EXPORT>")
    refused_then_forced(files.values(), "export du 14/09/2026 plus ancien que le dernier importé (du 15/09/2026)")
    assert Establishment.objects.get(uai="0380111P").siecle_export_date.isoformat() == "2026-09-14"


def test_horodatage_dates_an_export_without_date_export(tmp_path):
    run_json(*fixture_files("new"))
    files = copy_fixture(tmp_path)
    for path in files.values():
        edit(path, "<DATE_EXPORT>15/09/2026</DATE_EXPORT>", "")
    edit(files["ElevesSansAdresses"], "<HORODATAGE>15/09/2026", "<HORODATAGE>10/09/2026")
    edit(files["ResponsablesAvecAdresses"], "<HORODATAGE>15/09/2026", "<HORODATAGE>10/09/2026")

    with pytest.raises(SiecleImportGuarded, match="export du 10/09/2026 plus ancien que le dernier importé"):
        siecle_import(paths=list(files.values()))


def test_files_of_different_school_years_are_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["Nomenclature"], "<ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>", "<ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>")
    refused_then_forced(
        files.values(),
        "les fichiers sont de plusieurs années scolaires (ANNEE_SCOLAIRE — ElevesSansAdresses.xml : 2026, "
        "ResponsablesAvecAdresses.xml : 2026, Nomenclature.xml : 2025, Structures.xml : 2026)",
    )


def test_files_exported_days_apart_are_refused(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["Structures"], "<DATE_EXPORT>15/09/2026</DATE_EXPORT>", "<DATE_EXPORT>01/09/2026</DATE_EXPORT>")
    refused_then_forced(
        files.values(),
        "les fichiers ont été exportés à des dates trop éloignées (Structures.xml le 01/09/2026, "
        "ElevesSansAdresses.xml le 15/09/2026 ; écart maximum 3 jours)",
    )


def test_files_exported_a_day_apart_are_accepted(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["Structures"], "<DATE_EXPORT>15/09/2026</DATE_EXPORT>", "<DATE_EXPORT>14/09/2026</DATE_EXPORT>")

    assert run_json(*files.values())["guards"] == []
