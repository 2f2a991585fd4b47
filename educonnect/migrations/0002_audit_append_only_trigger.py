"""On PostgreSQL the journal refuses UPDATE and DELETE at the database level too."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION educonnect_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit journal is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER educonnect_auditevent_append_only
    BEFORE UPDATE OR DELETE ON educonnect_auditevent
    FOR EACH ROW EXECUTE FUNCTION educonnect_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS educonnect_auditevent_append_only ON educonnect_auditevent;
DROP FUNCTION IF EXISTS educonnect_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("educonnect", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
