"""The SQL copy of template establishments (step 2 of `accounts.academie`): one `INSERT … SELECT`
per table for all copies at once, ids shifted by a stride per copy, foreign keys shifted alike, the
establishment swapped; copied accounts' identifiers numbered after the template's. Benchmark data
only (PostgreSQL), never a way to load real establishments."""

from django.core.management.color import no_style
from django.db import connection

from accounts.models import Account, Division, LegalRepresentative, Mef, Responsibility, Student
from delegations.models import Establishment

# The tables copied from the templates, parents first.
COPIED_MODELS = (Mef, Division, Student, LegalRepresentative, Responsibility, Account)


def copy_rows(template_ids: list[int], copies: list[tuple[int, int]]) -> None:
    """Copy the templates' rows of COPIED_MODELS to every copy (establishment id, template id)."""
    with connection.cursor() as cursor:
        strides = {}
        for model in COPIED_MODELS:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')  # noqa: S608
            strides[model] = cursor.fetchone()[0]
        cursor.execute("CREATE TEMPORARY TABLE academie_copy (n bigint, template_id bigint, establishment_id bigint)")
        cursor.executemany(
            "INSERT INTO academie_copy VALUES (%s, %s, %s)",
            [(n, template, establishment) for n, (establishment, template) in enumerate(copies, 1)],
        )
        for model in COPIED_MODELS:
            cursor.execute(_copy_statement(model, strides))
        _number_copied_identifiers(cursor, template_ids, strides[Account])
        for statement in connection.ops.sequence_reset_sql(no_style(), COPIED_MODELS):
            cursor.execute(statement)
        cursor.execute("DROP TABLE academie_copy")


def _copy_statement(model, strides: dict) -> str:
    """INSERT … SELECT of `model`'s template rows into every copy at once."""
    table = model._meta.db_table
    columns, values = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        columns.append(f'"{column}"')
        target = field.related_model if field.is_relation else None
        if field.primary_key:
            values.append(f't."{column}" + c.n * {strides[model]}')
        elif target is Establishment:
            values.append("c.establishment_id")
        elif target in strides:
            values.append(f't."{column}" + c.n * {strides[target]}')
        elif model is Account and column == "identifier":
            values.append(f"'copy' || (t.id + c.n * {strides[model]})")
        else:
            values.append(f't."{column}"')
    if model is Responsibility:  # no establishment of its own: the student's
        source = (
            f'"{table}" t JOIN "{Student._meta.db_table}" s ON s.id = t.student_id '
            "JOIN academie_copy c ON c.template_id = s.establishment_id"
        )
    else:
        source = f'"{table}" t JOIN academie_copy c ON c.template_id = t.establishment_id'
    # In copy order, so that each establishment's rows lie together as an import leaves them.
    return (
        f'INSERT INTO "{table}" ({", ".join(columns)}) SELECT {", ".join(values)} FROM {source} '  # noqa: S608
        "ORDER BY c.n, t.id"
    )


def _number_copied_identifiers(cursor, template_ids: list[int], stride: int) -> None:
    """Copied accounts get their template identifier's base (« lea.martin ») numbered after every
    identifier of that base already allocated, as `IdentifierAllocator` would have: the templates'
    identifiers of one base are « base », « base1 » … « base(k-1) », so copies take k, k+1…
    (a copied account's template is the account whose id is its own minus n × the stride)."""
    table = Account._meta.db_table
    cursor.execute(
        f"""
        WITH template AS (
            SELECT regexp_replace(identifier, '[0-9]+$', '') AS base, COUNT(*) AS taken
            FROM "{table}" WHERE establishment_id = ANY(%s) GROUP BY 1
        ),
        copied AS (
            SELECT a.id, regexp_replace(t.identifier, '[0-9]+$', '') AS base
            FROM "{table}" a JOIN academie_copy c ON c.establishment_id = a.establishment_id
            JOIN "{table}" t ON t.id = a.id - c.n * %s
        ),
        numbered AS (
            SELECT copied.id, copied.base,
                   template.taken + ROW_NUMBER() OVER (PARTITION BY copied.base ORDER BY copied.id) - 1 AS number
            FROM copied JOIN template ON template.base = copied.base
        )
        UPDATE "{table}" a
        SET identifier = CASE WHEN numbered.number = 0 THEN numbered.base ELSE numbered.base || numbered.number END
        FROM numbered WHERE numbered.id = a.id
        """,  # noqa: S608
        [template_ids, stride],
    )
