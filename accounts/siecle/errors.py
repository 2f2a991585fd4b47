"""Problems of a SIECLE import, each naming the file, the record and the field.

Two kinds (issue 15):
- a *refusal* (file-level fault: malformed or hostile XML, wrong UAJ, missing export, two exports of
  a kind, duplicate keys) stops the whole import before anything is written — `Findings.refuse`;
- an *anomaly* (record-level fault: invalid INE, missing first name, link to an unknown person…)
  is reported and the import goes on: the record is imported flagged, or skipped — `Findings.flag`.
"""

from dataclasses import dataclass

ANOMALY_LIMIT = 2000  # kept in the report; the count is always exact


class SiecleError(Exception):
    """One problem in one file. `str()` gives the French message shown to the operator."""

    def __init__(self, label: str, message: str, *, record: str = "", field: str = ""):
        self.label = label
        self.record = record
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return describe(self.label, self.record, self.field, self.message)


def describe(label: str, record: str, field: str, message: str) -> str:
    parts = [label, record, f"champ {field}" if field else "", message]
    return " : ".join(p for p in parts if p)


class SiecleImportError(Exception):
    """The import was refused: nothing was written. `errors` lists every problem found."""

    #: True when the refusal is a safety guard that `--force` overrides (issue 15 item 3).
    forceable = False

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(self.errors[0] if self.errors else "import refusé")


class SiecleImportGuarded(SiecleImportError):
    """Refused by a safety guard (no wipe, no roll-back): the files are sound, `--force` imports them."""

    forceable = True


@dataclass(frozen=True, slots=True)
class Anomaly:
    """A record-level fault: the import went on (record imported flagged, or skipped)."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return describe(self.file, self.record, self.field, self.message)

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "record": self.record, "field": self.field, "message": self.message}


class Findings:
    """What reading the files found: refusals (up to `limit` messages) and anomalies."""

    def __init__(self, limit: int = 50):
        self.limit = limit
        self.messages: list[str] = []
        self.dropped = 0
        self.anomalies: list[Anomaly] = []
        self.anomaly_count = 0

    def refuse(self, label: str, message: str, *, record: str = "", field: str = "") -> None:
        if len(self.messages) < self.limit:
            self.messages.append(describe(label, record, field, message))
        else:
            self.dropped += 1

    def flag(self, label: str, message: str, *, record: str = "", field: str = "") -> None:
        self.anomaly_count += 1
        if len(self.anomalies) < ANOMALY_LIMIT:
            self.anomalies.append(Anomaly(label, record, field, message))

    def __bool__(self) -> bool:
        """True when something refuses the import (anomalies do not)."""
        return bool(self.messages)

    def all(self) -> list[str]:
        if self.dropped:
            return [*self.messages, f"… et {self.dropped} autre(s) erreur(s)."]
        return list(self.messages)


def student_record(eleve_id: str, first_name: str = "", last_name: str = "") -> str:
    """« élève ELEVE_ID=1001 (Paul DUBOIS) »: the key and the name, as operators search them."""
    who = f"{first_name} {last_name}".strip()
    return f"élève ELEVE_ID={eleve_id}" + (f" ({who})" if who else "")


def person_record(personne_id: str, first_name: str = "", last_name: str = "") -> str:
    who = f"{first_name} {last_name}".strip()
    return f"personne PERSONNE_ID={personne_id}" + (f" ({who})" if who else "")
