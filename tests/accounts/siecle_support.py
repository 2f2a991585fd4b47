"""Helpers of the SIECLE import tests: fixture copies, edits in the file's own encoding, table
snapshots (to prove that a refused import wrote nothing) and the command with --json."""

import io
import json
import shutil
from pathlib import Path

from django.core.management import call_command
from django.forms.models import model_to_dict

from accounts.models import Account, Division, LegalRepresentative, Mef, Responsibility, Student
from delegations.models import Establishment
from educonnect.models import AuditEvent

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "siecle"
NAMES = ["ElevesSansAdresses.xml", "ResponsablesAvecAdresses.xml", "Nomenclature.xml", "Structures.xml"]
MODELS = [Establishment, Mef, Division, Student, LegalRepresentative, Responsibility, Account, AuditEvent]


def fixture_files(kind: str = "new") -> list[Path]:
    return [FIXTURES / kind / name for name in NAMES]


def copy_fixture(tmp_path: Path, kind: str = "new") -> dict[str, Path]:
    """A writable copy of a fixture set: {"ElevesSansAdresses": path, ...}."""
    target = tmp_path / kind
    target.mkdir(parents=True, exist_ok=True)
    copies = {}
    for source in fixture_files(kind):
        copies[source.stem] = Path(shutil.copy(source, target / source.name))
    return copies


def edit(path: Path, old: str, new: str, *, encoding: str = "iso-8859-15", count: int = 1) -> Path:
    content = path.read_bytes().decode(encoding)
    assert old in content, f"{old!r} not in {path.name}"
    path.write_bytes(content.replace(old, new, count).encode(encoding))
    return path


def run_json(*paths, **options) -> dict:
    out = io.StringIO()
    call_command("import_siecle", *[str(p) for p in paths], json=True, stdout=out, **options)
    return json.loads(out.getvalue())


def run_text(*paths, **options) -> str:
    out = io.StringIO()
    call_command("import_siecle", *[str(p) for p in paths], stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table an import touches, all fields."""
    return {
        model.__name__: [
            {**model_to_dict(obj), **{f.name: getattr(obj, f.name) for f in model._meta.concrete_fields}}
            for obj in model.objects.order_by("pk")
        ]
        for model in MODELS
    }


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}
