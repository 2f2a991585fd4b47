"""The French order of names on PostgreSQL: an ICU collation the lists sort names with
(`educonnect.collation.french`, whose docstring says why ICU, why deterministic, why in ORDER BY and
not on the columns). Its name is `educonnect.collation.FRENCH`. Nothing happens on SQLite, which
registers the same name on each connection. PostgreSQL must be built with ICU (Debian's, the
official images' and the managed services' are)."""

from django.contrib.postgres.operations import CreateCollation
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("educonnect", "0005_merge_french_names")]

    operations = [CreateCollation("educonnect_fr", provider="icu", locale="fr")]
