"""Errors of a SIECLE import: each names the file, the record and the field."""


class SiecleError(Exception):
    """One problem in one file. `str()` gives the French message shown to the operator."""

    def __init__(self, label: str, message: str, *, record: str = "", field: str = ""):
        self.label = label
        self.record = record
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.label]
        if self.record:
            parts.append(self.record)
        if self.field:
            parts.append(f"champ {self.field}")
        parts.append(self.message)
        return " : ".join(p for p in parts if p)


class SiecleImportError(Exception):
    """The import was refused: nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(self.errors[0] if self.errors else "import refusé")


class ErrorList:
    """Collects record-level problems so the operator sees all of them at once (up to `limit`)."""

    def __init__(self, limit: int = 50):
        self.limit = limit
        self.messages: list[str] = []
        self.dropped = 0

    def add(self, label: str, message: str, *, record: str = "", field: str = "") -> None:
        if len(self.messages) < self.limit:
            self.messages.append(str(SiecleError(label, message, record=record, field=field)))
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.messages)

    def all(self) -> list[str]:
        if self.dropped:
            return [*self.messages, f"… et {self.dropped} autre(s) erreur(s)."]
        return list(self.messages)
