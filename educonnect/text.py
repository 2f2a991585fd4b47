"""Text helpers shared by search and identifiers: accent folding."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII-ish form for accent- and case-insensitive comparison: « Éloïse » → « eloise »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE").casefold()
