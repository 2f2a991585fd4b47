"""Opening a SIECLE export (.xml or .zip) safely and streaming its records.

- ZIP: exactly one non-hidden entry, an .xml file; declared and actual uncompressed size capped
  (zip bombs) by settings.EDUCONNECT_SIECLE_MAX_BYTES, like plain files.
- XML: defusedxml with DTDs forbidden (XXE, billion laughs, external DTD are refused), parsed as
  bytes so the declared encoding (ISO-8859-15, ISO-8859-1, UTF-8 with or without BOM) is honoured,
  streamed with iterparse and each record cleared once read: one record in memory at a time.
"""

import contextlib
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET
from django.conf import settings

from .errors import SiecleError

ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = b"\xef\xbb\xbf"


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo" if size >= 1024 * 1024 else f"{size} octets"


class LimitedReader:
    """A binary stream that refuses to yield more than `cap` bytes in total, and checks the
    start of the document: a UTF-8 BOM must go with a UTF-8 (or absent) encoding declaration."""

    def __init__(self, raw, cap: int, label: str):
        self.raw = raw
        self.cap = cap
        self.label = label
        self.count = 0
        self.started = False

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.cap + 1
        data = self.raw.read(min(size, self.cap + 1 - self.count))
        self.count += len(data)
        if self.count > self.cap:
            raise SiecleError(self.label, f"fichier trop volumineux (plus de {_human(self.cap)} une fois décompressé)")
        if not self.started and data:
            self.started = True
            self._check_start(data)
        return data

    def _check_start(self, data: bytes) -> None:
        if data.startswith(UTF8_BOM):
            head = data[3:200].lower()
            if b"encoding=" in head and b"utf-8" not in head and b"utf8" not in head:
                raise SiecleError(
                    self.label,
                    "le fichier commence par une marque UTF-8 (BOM) mais déclare un autre encodage",
                )


def _hidden(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


@contextlib.contextmanager
def open_export(path: Path) -> Iterator[tuple[LimitedReader, str]]:
    """Yield (stream, label) for a .xml file or a .zip holding one."""
    cap = settings.EDUCONNECT_SIECLE_MAX_BYTES
    label = path.name
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise SiecleError(label, f"fichier illisible ({exc.strerror or exc})") from exc
    with fh:
        size = path.stat().st_size
        if size > cap:
            raise SiecleError(label, f"fichier trop volumineux ({_human(size)}, maximum {_human(cap)})")
        if fh.read(4) != ZIP_MAGIC:
            fh.seek(0)
            yield LimitedReader(fh, cap, label), label
            return
        fh.seek(0)
        try:
            archive = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, ValueError) as exc:
            raise SiecleError(label, "archive ZIP illisible ou tronquée") from exc
        with archive:
            entries = [i for i in archive.infolist() if not i.is_dir() and not _hidden(i.filename)]
            if len(entries) != 1:
                raise SiecleError(
                    label, f"l'archive doit contenir un seul fichier XML ({len(entries)} fichiers trouvés)"
                )
            entry = entries[0]
            if not entry.filename.lower().endswith(".xml"):
                raise SiecleError(label, f"l'archive contient « {entry.filename} », pas un fichier XML")
            label = f"{path.name} ({PurePosixPath(entry.filename).name})"
            if entry.file_size > cap:
                raise SiecleError(
                    label,
                    f"fichier trop volumineux une fois décompressé ({_human(entry.file_size)}, maximum {_human(cap)})",
                )
            try:
                member = archive.open(entry)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
                raise SiecleError(label, f"entrée de l'archive illisible ({exc})") from exc
            with member:
                try:
                    yield LimitedReader(member, cap, label), label
                except zipfile.BadZipFile as exc:
                    raise SiecleError(label, f"archive ZIP corrompue ({exc})") from exc


def iter_records(events, root: ET.Element) -> Iterator[tuple[str, ET.Element]]:
    """Yield ("PARAMETRES", elem) and (collection tag, record) for every DONNEES/<collection>/<record>,
    each complete; cleared and detached once the consumer moves on."""
    stack = [root]
    for event, elem in events:
        if event == "start":
            stack.append(elem)
            continue
        stack.pop()
        depth = len(stack)
        if depth == 1 and elem.tag == "PARAMETRES":
            yield "PARAMETRES", elem
        elif depth == 3 and stack[1].tag == "DONNEES":
            yield stack[2].tag, elem
        else:
            continue
        elem.clear()
        stack[-1].remove(elem)


def parse(path: Path, parsers: dict, errors):
    """Open, recognise by root element and parse one export with `parsers[root tag]`.
    Raises SiecleError for anything that stops the whole file."""
    with open_export(path) as (stream, label):
        try:
            events = DefusedET.iterparse(stream, events=("start", "end"), forbid_dtd=True)
            _event, root = next(events)
            parser = parsers.get(root.tag)
            if parser is None:
                raise SiecleError(
                    label,
                    f"élément racine « {root.tag} » inconnu : ce n'est pas un export SIECLE attendu "
                    "(BEE_ELEVES, BEE_RESPONSABLES, BEE_NOMENCLATURES, BEE_STRUCTURES)",
                )
            return parser(label, root, events, errors)
        except DefusedXmlException as exc:
            raise SiecleError(
                label, "DTD ou déclaration d'entité interdite (protection XXE / expansion d'entités) — fichier refusé"
            ) from exc
        except ET.ParseError as exc:
            raise SiecleError(label, f"XML mal formé ou tronqué ({exc})") from exc
        except LookupError as exc:
            raise SiecleError(label, f"encodage non reconnu ({exc})") from exc
        except StopIteration as exc:
            raise SiecleError(label, "fichier vide") from exc
