"""Text helpers shared by search, identifiers and display: accent folding, how names are written."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII-ish form for accent- and case-insensitive comparison: « Éloïse » → « eloise »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE").casefold()


# How a person's name is written, on every screen, file and letter (staff, students, families).
# The family name is always in capitals, as SIECLE and the directories record it (« N'DIAYE »): one
# spelling everywhere, and no title-casing that would mangle « de La Fontaine » or « McDONALD ».


def family_name(last_name: str) -> str:
    return (last_name or "").upper()


def person_name(first_name: str, last_name: str, civility: str = "") -> str:
    """« Paul DUBOIS », « Mme Fatou N'DIAYE »: sentences, banners, headings, letters."""
    return " ".join(part for part in (civility, first_name, family_name(last_name)) if part)


def list_name(first_name: str, last_name: str) -> str:
    """« DUBOIS Paul »: tables, files, anything sorted by family name."""
    return " ".join(part for part in (family_name(last_name), first_name) if part)


ELIDING_INITIALS = set("aeiouyàâäéèêëîïôöùûüœæ")


def de(name: str) -> str:
    """« de » before a name, elided before a vowel: « d'Ambre », « d'Éloïse », « de Paul »
    (not before h, whose elision depends on the word: « de Hugo »)."""
    name = (name or "").strip()
    if name and name[0].lower() in ELIDING_INITIALS:
        return f"d'{name}"
    return f"de {name}"


def takes_plural(count: int) -> bool:
    """French: 0 and 1 take the singular (« 0 résultat », « 1 résultat », « 2 résultats »). The one
    rule behind `accounts.display.plural` and the templates' `|pluriel`."""
    return abs(count) >= 2
