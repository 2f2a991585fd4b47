"""Name searches narrow to the establishment first, so their cost follows the school, not the
deployment (docs/performance.md « A whole académie in one database »).

The lists always search within one establishment (`establishment_id = X AND search_text LIKE
'%term%'`, or the ORM's `icontains`). With the name-only trigram indexes of 0004, in an académie of
250,000 pupils PostgreSQL read the trigram matches of every establishment, then dropped the other
schools' (« dubois »: 1,106 matches read for 7 kept). A composite (establishment_id, search_text
gin_trgm_ops) GIN index through btree_gin cannot help on PostgreSQL before 18: btree_gin's bigint
operator class has no cross-type operators, and the ORM sends the establishment's id as an integer
literal (`establishment_id = 4`, bigint = integer), so only the trigram column of such an index is
ever used (plan in docs/performance.md). What does narrow to the school is a B-tree whose first
column is the establishment: students already had (establishment, is_active, last_name, first_name);
representatives get the same. A school's rows (≤ 2,500 for the largest lycée) are then filtered by
name in well under a millisecond, in the list's order, whatever the size of the académie. The
trigram indexes go: the planner chose them for rarer names, which read the whole académie's matches,
and every import paid their upkeep. PostgreSQL only for the trigram part; SQLite never had them."""

from django.db import migrations, models

TABLES = ("accounts_student", "accounts_legalrepresentative")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} "
            "USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_search_trigram_indexes"),
        ("delegations", "0003_otp_backup_codes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="legalrepresentative",
            index=models.Index(
                fields=["establishment", "is_active", "last_name", "first_name"], name="accounts_le_establi_088e5b_idx"
            ),
        ),
        migrations.RunPython(drop_trigram_indexes, create_trigram_indexes),
    ]
