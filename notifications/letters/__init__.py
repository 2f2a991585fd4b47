"""Letters C01–C06: the correspondence table, their content and their PDF."""

from .content import REPRESENTATIVES, STUDENTS, Letter, LetterHead, letter_for_account, make_head
from .render import render_letters_pdf, render_letters_pdf_naive, write_letters_pdf
from .table import EMAIL_LETTERS, SHEET_LETTERS, WITH_PASSWORD, LetterCode, letter_for

__all__ = [
    "EMAIL_LETTERS",
    "REPRESENTATIVES",
    "SHEET_LETTERS",
    "STUDENTS",
    "WITH_PASSWORD",
    "Letter",
    "LetterCode",
    "LetterHead",
    "letter_for",
    "letter_for_account",
    "make_head",
    "render_letters_pdf",
    "render_letters_pdf_naive",
    "write_letters_pdf",
]
