"""Re-importing the same files changes nothing: all unchanged, no UPDATE of domain rows, accounts
(and their updated_at, identifiers, provisional passwords) untouched."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.siecle.importer import siecle_import
from tests.accounts.siecle_support import fixture_files, run_json, snapshot

pytestmark = pytest.mark.django_db

DOMAIN_TABLES = (
    "accounts_student",
    "accounts_legalrepresentative",
    "accounts_account",
    "accounts_responsibility",
    "accounts_mef",
    "accounts_division",
)


@pytest.mark.parametrize("kind", ["new", "old"])
def test_second_import_changes_nothing(kind):
    first = run_json(*fixture_files(kind))
    rows = snapshot()

    second = run_json(*fixture_files(kind))

    assert second["students"] == {"created": 0, "updated": 0, "unchanged": first["students"]["created"], "left": 0}
    assert second["representatives"] == {
        "created": 0,
        "updated": 0,
        "unchanged": first["representatives"]["created"],
        "left": 0,
    }
    assert second["accounts"] == first["accounts"]
    after = snapshot()
    for model in ("Mef", "Division", "Student", "LegalRepresentative", "Responsibility", "Account"):
        assert after[model] == rows[model], model
    # Only the establishment's import date moves, and the journal gains one event.
    assert len(after["AuditEvent"]) == len(rows["AuditEvent"]) + 1


def test_second_import_writes_no_domain_row():
    siecle_import(paths=fixture_files("new"))

    with CaptureQueriesContext(connection) as queries:
        siecle_import(paths=fixture_files("new"))

    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and any(table in q["sql"] for table in DOMAIN_TABLES)
    ]
    assert writes == []


def test_reimport_takes_few_queries():
    siecle_import(paths=fixture_files("new"))

    with CaptureQueriesContext(connection) as queries:
        siecle_import(paths=fixture_files("new"))

    assert len(queries) <= 17  # + the guard's read of the active pupils; the report row
