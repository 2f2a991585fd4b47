"""The import_siecle command: --json prints exactly one JSON object, the default output is a French
summary, a refused import exits non-zero."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from educonnect.models import AuditAction, AuditEvent
from tests.accounts.siecle_support import copy_fixture, edit, fixture_files, run_text

pytestmark = pytest.mark.django_db


def test_json_output_is_one_object_of_the_documented_shape():
    out = io.StringIO()
    call_command("import_siecle", *map(str, fixture_files("new")), "--json", stdout=out)

    payload = json.loads(out.getvalue())  # the whole output is one JSON document
    assert list(payload) == [
        "uai",
        "students",
        "representatives",
        "accounts",
        "errors",
        "dry_run",
        "establishment_created",
        "export_date",
        "school_year",
        "files",
        "ignored",
        "mefs",
        "divisions",
        "accounts_created",
        "examples",
        "anomaly_count",
        "anomalies",
        "guards",
        "forced",
    ]
    assert payload["files"][0] == {
        "file": "ElevesSansAdresses.xml",
        "kind": "Élèves",
        "export_date": "2026-09-15",
        "school_year": 2026,
        "timestamp": "2026-09-15 08:12:41",
    }
    for key in ("students", "representatives", "mefs", "divisions"):
        assert list(payload[key]) == ["created", "updated", "unchanged", "left"]
        assert all(isinstance(v, int) for v in payload[key].values())
    assert list(payload["accounts"]) == ["students", "representatives"]
    assert payload["errors"] == []


def test_french_summary():
    text = run_text(*fixture_files("new"))

    assert text.splitlines() == [
        "Import SIECLE de l'établissement 0380111P : données fournies par SIECLE le 15/09/2026",
        "  Établissement créé (nom à compléter).",
        "  Élèves : 8 créés, 0 mis à jour, 0 inchangé, 0 sorti.",
        "  Représentants légaux : 8 créés, 0 mis à jour, 0 inchangé, 0 sorti.",
        "  Comptes ÉduConnect : 4 comptes élèves, 6 comptes représentants légaux (10 créés par cet import).",
        "  MEF : 4 créés, 0 mis à jour, 0 inchangé.",
        "  Classes : 3 créées, 0 mise à jour, 0 inchangée.",
        "  Fichiers lus :",
        "    - ElevesSansAdresses.xml (Élèves, exporté le 15/09/2026, année scolaire 2026)",
        "    - ResponsablesAvecAdresses.xml (Responsables, exporté le 15/09/2026, année scolaire 2026)",
        "    - Nomenclature.xml (Nomenclature, exporté le 15/09/2026, année scolaire 2026)",
        "    - Structures.xml (Structures, exporté le 15/09/2026, année scolaire 2026)",
        "  Aucune anomalie.",
    ]


def test_summary_of_a_reimport_into_a_named_establishment(establishment):
    run_text(*fixture_files("new"))
    text = run_text(*fixture_files("new"), uai="0380111p")

    assert text.splitlines()[0].startswith("Import SIECLE de l'établissement CLG PRE BENIT BOURGOIN-JALLIEU (0380111P)")
    assert "  Élèves : 0 créé, 0 mis à jour, 8 inchangés, 0 sorti." in text
    assert "(0 créé par cet import)" in text


def test_each_import_is_journaled():
    run_text(*fixture_files("new"))
    run_text(*fixture_files("new"))

    events = AuditEvent.objects.filter(action=AuditAction.SIECLE_IMPORTED).order_by("id")
    assert [e.details["students"]["created"] for e in events] == [8, 0]
    assert all(e.actor_label == "import_siecle (ligne de commande)" and e.actor is None for e in events)
    assert events[0].details["files"] == [p.name for p in fixture_files("new")]


def test_refusal_raises_command_error(tmp_path):
    files = copy_fixture(tmp_path)
    edit(
        files["ElevesSansAdresses"], '<ELEVE ELEVE_ID="1003" ELENOET="5103">', '<ELEVE ELEVE_ID="1001" ELENOET="5103">'
    )
    with pytest.raises(
        CommandError, match=r"ElevesSansAdresses.xml : élève ELEVE_ID=1001 \(Léo SABRIER\) : champ ELEVE_ID"
    ):
        call_command("import_siecle", *map(str, files.values()))


def test_refused_import_exits_non_zero(tmp_path):
    """manage.py exits with CommandError.returncode (1) and prints the message on stderr."""
    files = copy_fixture(tmp_path)
    edit(files["ResponsablesAvecAdresses"], '<PERSONNE PERSONNE_ID="2002">', '<PERSONNE PERSONNE_ID="2001">')
    with pytest.raises(CommandError) as excinfo:
        call_command("import_siecle", *map(str, files.values()))
    assert excinfo.value.returncode == 1
    assert "personne PERSONNE_ID=2001 (Marc DUBOIS) : champ PERSONNE_ID : identifiant présent deux fois" in str(
        excinfo.value
    )


def test_an_import_is_a_log_line(caplog):
    with caplog.at_level("INFO", logger="accounts.siecle.importer"):
        run_text(*fixture_files("new"))
    (record,) = [r for r in caplog.records if r.name == "accounts.siecle.importer"]
    assert record.levelname == "INFO"
    assert record.getMessage().startswith("siecle import 0380111P: export of ")
    assert record.getMessage().endswith(" accounts created, 0 anomalies")
