"""Text helpers shared by search and identifiers: accent folding."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII-ish form for accent- and case-insensitive comparison: « Éloïse » → « eloise »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE").casefold()


ELIDING_INITIALS = set("aeiouyàâäéèêëîïôöùûüœæ")


def de(name: str) -> str:
    """« de » before a name, elided before a vowel: « d'Ambre », « d'Éloïse », « de Paul »
    (not before h, whose elision depends on the word: « de Hugo »)."""
    name = (name or "").strip()
    if name and name[0].lower() in ELIDING_INITIALS:
        return f"d'{name}"
    return f"de {name}"
