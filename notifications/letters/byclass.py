"""The letters of a batch split per class: one PDF per class (`LetterWriter`, the same pages as the
whole PDF), gathered in one zip whose members are named after the classes.

A letter's class is its `division` (a legal representative's letter goes with their first child's
class, as the whole PDF orders it). Each class's PDF streams into its own private file in a work
folder while the batch is written, so memory stays flat whatever the number of letters, and the
template pages are laid out once for all classes (`Layouts`). `close_into(handle)` then writes the
zip, members in the order the classes first came (the letter order: by class)."""

import os
import re
import zipfile
from pathlib import Path

from educonnect.text import fold

from .content import Letter, LetterHead
from .render import Layouts, LetterWriter

NO_CLASS = "sans-classe"


def class_file_name(division: str, taken: set[str]) -> str:
    """« 3EME 1 » → « 3EME-1.pdf »: ASCII letters, digits, « - » and « _ » only (accents folded, the
    rest becomes « - »), never empty, never two members with the same name (« -2 », « -3 »…)."""
    decomposed = fold(division).upper() if division else ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", decomposed).strip("-_")[:60] or NO_CLASS
    name, counter = stem, 1
    while name.casefold() in taken:
        counter += 1
        name = f"{stem}-{counter}"
    taken.add(name.casefold())
    return f"{name}.pdf"


class LettersByClass:
    """`add(head, letter)` for each letter, in order, then `close_into(handle)` (a binary file)."""

    def __init__(self, folder: Path, layouts: Layouts):
        self.folder = folder
        self.layouts = layouts
        self.classes: dict[str, tuple[str, object, LetterWriter]] = {}  # key → (member, file, writer)
        self.taken: set[str] = set()

    def _writer(self, letter: Letter) -> LetterWriter:
        key = letter.division.casefold()
        if key not in self.classes:
            member = class_file_name(letter.division, self.taken)
            descriptor = os.open(self.folder / member, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            handle = os.fdopen(descriptor, "wb")
            self.classes[key] = (member, handle, LetterWriter(handle, self.layouts))
        return self.classes[key][2]

    def add(self, head: LetterHead, letter: Letter) -> None:
        self._writer(letter).add(head, letter)

    @property
    def members(self) -> list[str]:
        return [member for member, _, _ in self.classes.values()]

    def close_into(self, handle) -> list[str]:
        """Finish every class's PDF and write them as one zip into `handle`; returns the member names."""
        for _, file, writer in self.classes.values():
            writer.close()
            file.close()
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for member in self.members:
                archive.write(self.folder / member, arcname=member)
        return self.members

    def discard(self) -> None:
        """After a failure: close the class files (the work folder is removed by its owner)."""
        for _, file, _ in self.classes.values():
            file.close()
