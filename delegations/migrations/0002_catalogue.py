from django.db import migrations


def load(apps, schema_editor):
    from delegations.catalogue import load_catalogue

    load_catalogue(apps.get_model("delegations", "Domain"), apps.get_model("delegations", "Service"))


class Migration(migrations.Migration):
    dependencies = [("delegations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
