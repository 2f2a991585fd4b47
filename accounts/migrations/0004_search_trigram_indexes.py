"""Trigram indexes on the folded names, for the lists' « Nom ou prénom » search (`search_text LIKE
'%term%'`): without them every search reads every student of the deployment (a whole académie),
and at 2,500 students the plan also read every account. PostgreSQL only (pg_trgm is a trusted
extension: the database owner may create it); SQLite keeps its scans."""

from django.db import migrations

TABLES = ("accounts_student", "accounts_legalrepresentative")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_enduser_birth_date_lock")]

    operations = [migrations.RunPython(create, drop)]
