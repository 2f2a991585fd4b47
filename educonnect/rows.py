"""Model instances from the rows of a hand-written statement, converted as the ORM converts them.

A few statements on every request are written by hand (the rights with the user, the busiest list's
page): the ORM spent more time building them than the database running them. Their rows still come
back as the ORM would give them: SQLite returns dates and datetimes as text, booleans as integers,
and each backend's converters (`connection.ops.get_db_converters`, the fields' own) fix that.
"""

from django.db import connection, connections


class RowReader:
    """Reads `model`'s concrete fields from consecutive columns of a row, starting at `start`.

    `reader.instance(row)` is a model instance, as `Model.from_db` makes it; `reader.values(row)` the
    converted values, in the order of the fields."""

    def __init__(self, model, start: int = 0, fields=None):
        self.model = model
        self.fields = list(fields or model._meta.concrete_fields)
        self.start = start
        self.end = start + len(self.fields)
        self.attnames = [field.attname for field in self.fields]
        self._converters = []
        for field in self.fields:
            column = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            self._converters.append((converters, column))

    @classmethod
    def of(cls, model, start: int = 0, fields: tuple = ()):
        """A reader kept for this thread's connection (its converters are bound to it)."""
        # `connection` is a proxy shared by every thread; the wrapper behind it is this thread's.
        readers = connections[connection.alias].__dict__.setdefault("_educonnect_row_readers", {})
        key = (model, start, fields)
        if key not in readers:
            readers[key] = cls(model, start, [model._meta.get_field(name) for name in fields] or None)
        return readers[key]

    def values(self, row) -> list:
        values = []
        for raw, (converters, column) in zip(row[self.start : self.end], self._converters, strict=True):
            value = raw
            for converter in converters:
                value = converter(value, column, connection)
            values.append(value)
        return values

    def instance(self, row):
        return self.model.from_db(connection.alias, self.attnames, self.values(row))

    def columns(self, alias: str) -> str:
        """The SELECT list of these fields for the table aliased `alias`."""
        return ", ".join(f'{alias}."{field.column}"' for field in self.fields)
