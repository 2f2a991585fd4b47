"""Opening SIECLE exports (.xml, or .zip holding one or several) safely and streaming their records.

- Sources: a plain file is one source; a ZIP gives one source per XML entry (the four exports may
  come in one archive). Other entries and files (PDF, CSV…) are ignored and listed in the report,
  as are XML files whose root is not one of the four exports (BEE_COMMUN, STS_EDT of STS-web,
  sts_emp_*…). Sizes are capped by settings.EDUCONNECT_SIECLE_MAX_BYTES (declared and actual
  uncompressed size: zip bombs), and so is the number of entries of an archive.
- Encoding (issue 15 item 4): the declared encoding is checked against the bytes first, on the
  whole file —
  * declared ISO-8859-1/15 or windows-1252 but the whole file is valid UTF-8 with accents: it is
    read as UTF-8 (a tool re-encoded the file without fixing the declaration; decoding it as
    declared would store « Ã© » for « é »), and an anomaly says so;
  * declared ISO-8859-1/15 with UTF-8 sequences in a file that is not valid UTF-8 as a whole (two
    encodings mixed): refused, nothing can be read right;
  * declared ISO-8859-1/15 with bytes 0x80–0x9F (never text in ISO-8859, the ’ … œ € of
    windows-1252): read as windows-1252, an anomaly says so; windows-1252 declared is read as is;
  * declared UTF-8 but not valid UTF-8, or text encoded twice (« Ã© » written in UTF-8): refused.
- XML: defusedxml with DTDs forbidden (XXE, billion laughs, external DTD are refused), streamed
  with iterparse and each record cleared once read: one record in memory at a time.
"""

import codecs
import contextlib
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET
from django.conf import settings

from .errors import Findings, SiecleError

ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = b"\xef\xbb\xbf"
MAX_ZIP_ENTRIES = 50
CHUNK = 256 * 1024
KNOWN_EXTRAS = {
    "BEE_COMMUN": "export commun SIECLE (BEE_COMMUN), non utilisé",
    "STS_EDT": "export STS-web (STS_EDT, emploi du temps), non utilisé",
}
LATIN_ENCODINGS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso-8859-15", "iso8859-15", "latin9"}
WINDOWS_ENCODINGS = {"windows-1252", "cp1252"}
UTF8_ENCODINGS = {"utf-8", "utf8"}
_DECLARATION = re.compile(rb"""^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*)")
_UTF8_PAIR = re.compile(rb"[\xc2\xc3][\x80-\xbf]")  # « Ã© », « Â° »… when read as ISO-8859
_C1 = re.compile(rb"[\x80-\x9f]")
_TWICE = re.compile(rb"\xc3[\x82\x83]\xc2[\x80-\xbf]")  # « é » encoded to UTF-8 twice


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo" if size >= 1024 * 1024 else f"{size} octets"


class LimitedReader:
    """A binary stream that refuses to yield more than `cap` bytes in total, and checks the
    start of the document: a UTF-8 BOM must go with a UTF-8 (or absent) encoding declaration.
    With `encoding`, the XML declaration is rewritten to it (see the module's docstring)."""

    def __init__(self, raw, cap: int, label: str, encoding: str | None = None):
        self.raw = raw
        self.cap = cap
        self.label = label
        self.count = 0
        self.started = False
        self.encoding = encoding

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.cap + 1
        if not self.started:
            size = max(size, 1024)
        data = self.raw.read(min(size, self.cap + 1 - self.count))
        self.count += len(data)
        if self.count > self.cap:
            raise SiecleError(self.label, f"fichier trop volumineux (plus de {_human(self.cap)} une fois décompressé)")
        if not self.started and data:
            self.started = True
            self._check_start(data)
            if self.encoding:
                data = _DECLARATION.sub(lambda m: m.group(0).replace(m.group(2), self.encoding.encode()), data, count=1)
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


@dataclass(frozen=True)
class Source:
    """One XML document to read: a plain file, or one entry of a ZIP archive."""

    path: Path
    label: str
    member: str = ""

    @contextlib.contextmanager
    def open(self, encoding: str | None = None) -> Iterator[LimitedReader]:
        cap = settings.EDUCONNECT_SIECLE_MAX_BYTES
        try:
            fh = open(self.path, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise SiecleError(self.label, f"fichier illisible ({exc.strerror or exc})") from exc
        with fh:
            if not self.member:
                yield LimitedReader(fh, cap, self.label, encoding)
                return
            try:
                with zipfile.ZipFile(fh) as archive, archive.open(self.member) as member:
                    yield LimitedReader(member, cap, self.label, encoding)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
                raise SiecleError(self.label, f"archive ZIP corrompue ou entrée illisible ({exc})") from exc

    def head(self, size: int = 4096) -> bytes:
        with self.open() as stream:
            return stream.read(size)


def sources(path: Path, ignored: list[dict]) -> list[Source]:
    """The XML documents of `path`; what is not one is appended to `ignored` ({file, reason}).
    Raises SiecleError when the file cannot be opened, is too big, or is a broken archive."""
    cap = settings.EDUCONNECT_SIECLE_MAX_BYTES
    label = path.name
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise SiecleError(label, f"fichier illisible ({exc.strerror or exc})") from exc
    if size > cap:
        raise SiecleError(label, f"fichier trop volumineux ({_human(size)}, maximum {_human(cap)})")
    if magic != ZIP_MAGIC:
        if path.suffix.lower() != ".xml" and not _looks_like_xml(path):
            ignored.append({"file": label, "reason": "ni XML ni ZIP, ignoré"})
            return []
        return [Source(path, label)]
    try:
        with zipfile.ZipFile(path) as archive:
            entries = [i for i in archive.infolist() if not i.is_dir() and not _hidden(i.filename)]
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SiecleError(label, "archive ZIP illisible ou tronquée") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise SiecleError(label, f"l'archive contient {len(entries)} fichiers (maximum {MAX_ZIP_ENTRIES})")
    found = []
    total = 0
    for entry in entries:
        entry_label = f"{label} ({PurePosixPath(entry.filename).name})"
        if not entry.filename.lower().endswith(".xml"):
            ignored.append({"file": entry_label, "reason": "pas un fichier XML, ignoré"})
            continue
        total += entry.file_size
        if entry.file_size > cap or total > 4 * cap:
            raise SiecleError(
                entry_label,
                f"fichier trop volumineux une fois décompressé ({_human(entry.file_size)}, maximum {_human(cap)})",
            )
        found.append(Source(path, entry_label, entry.filename))
    return found


def _looks_like_xml(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(64).removeprefix(UTF8_BOM).lstrip().startswith(b"<")


def root_tag(head: bytes) -> str:
    """The first element's name, from the start of the document ("" when none is found)."""
    match = _ROOT.search(head.removeprefix(UTF8_BOM))
    return match.group(1).decode("ascii", "replace") if match else ""


def ignored_root(root: str) -> str:
    return KNOWN_EXTRAS.get(root, f"élément racine « {root} » : pas un des quatre exports SIECLE attendus, ignoré")


@dataclass
class _Scan:
    non_ascii: bool = False
    valid_utf8: bool = True
    utf8_pairs: bool = False
    c1: bool = False
    twice: bool = False


def _scan(source: Source) -> _Scan:
    """One pass over the whole document's bytes (streamed)."""
    scan = _Scan()
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail = b""
    with source.open() as stream:
        while chunk := stream.read(CHUNK):
            window = tail + chunk
            if not scan.non_ascii and not chunk.isascii():
                scan.non_ascii = True
            if scan.non_ascii:
                scan.utf8_pairs = scan.utf8_pairs or bool(_UTF8_PAIR.search(window))
                scan.c1 = scan.c1 or bool(_C1.search(chunk))
                scan.twice = scan.twice or bool(_TWICE.search(window))
            if scan.valid_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    scan.valid_utf8 = False
            tail = chunk[-3:]
    if scan.valid_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            scan.valid_utf8 = False
    return scan


def effective_encoding(source: Source, head: bytes, findings: Findings) -> str | None:
    """The encoding to parse with when it is not the declared one (None: as declared).
    Raises SiecleError for a file whose bytes cannot be read right."""
    match = _DECLARATION.match(head)
    declared = match.group(2).decode("ascii").lower() if match else "utf-8"
    if declared not in LATIN_ENCODINGS | WINDOWS_ENCODINGS | UTF8_ENCODINGS:
        return None  # left to the parser (an unknown encoding is refused there)
    scan = _scan(source)
    if not scan.non_ascii:
        return None
    shown = match.group(2).decode("ascii") if match else "UTF-8"
    if declared in UTF8_ENCODINGS:
        if not scan.valid_utf8:
            raise SiecleError(
                source.label,
                f"le fichier déclare l'encodage {shown} mais n'est pas en UTF-8 (caractères ISO-8859 ou "
                "windows-1252) : corrigez la déclaration ou refaites l'export depuis SIECLE",
            )
        if scan.twice:
            raise SiecleError(
                source.label,
                "texte encodé deux fois (« Ã© » au lieu de « é ») : les noms seraient enregistrés déformés ; "
                "refaites l'export depuis SIECLE sans le convertir",
            )
        return None
    if scan.valid_utf8:
        findings.flag(
            source.label,
            f"fichier déclaré {shown} mais entièrement encodé en UTF-8 : lu en UTF-8",
            record="déclaration XML",
            field="encoding",
        )
        return "UTF-8"
    if scan.utf8_pairs:
        raise SiecleError(
            source.label,
            f"le fichier déclaré {shown} contient du texte encodé en UTF-8 (« Ã© » au lieu de « é ») mêlé "
            "à du texte ISO-8859 : les noms seraient enregistrés déformés ; refaites l'export depuis SIECLE",
        )
    if scan.c1 and declared in LATIN_ENCODINGS:
        findings.flag(
            source.label,
            f"fichier déclaré {shown} contenant des caractères windows-1252 (’ … œ €) : lu en windows-1252",
            record="déclaration XML",
            field="encoding",
        )
        return "windows-1252"
    return None


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


def parse(source: Source, parsers: dict, findings: Findings, ignored: list[dict]):
    """Recognise one document by its root element and parse it with `parsers[root tag]`; None
    (and an entry in `ignored`) when it is not one of the exports. Raises SiecleError for anything
    that stops the whole file."""
    head = source.head()
    if not head.strip():
        raise SiecleError(source.label, "fichier vide")
    root = root_tag(head)
    if root and root not in parsers:
        ignored.append({"file": source.label, "reason": ignored_root(root)})
        return None
    encoding = effective_encoding(source, head, findings)
    with source.open(encoding) as stream:
        try:
            events = DefusedET.iterparse(stream, events=("start", "end"), forbid_dtd=True)
            _event, root_elem = next(events)
            parser = parsers.get(root_elem.tag)
            if parser is None:
                ignored.append({"file": source.label, "reason": ignored_root(root_elem.tag)})
                return None
            return parser(source.label, root_elem, events, findings)
        except DefusedXmlException as exc:
            raise SiecleError(
                source.label,
                "DTD ou déclaration d'entité interdite (protection XXE / expansion d'entités) — fichier refusé",
            ) from exc
        except ET.ParseError as exc:
            raise SiecleError(source.label, f"XML mal formé ou tronqué ({exc})") from exc
        except LookupError as exc:
            raise SiecleError(source.label, f"encodage non reconnu ({exc})") from exc
        except StopIteration as exc:
            raise SiecleError(source.label, "fichier vide") from exc
