"""`generate_siecle --realistic-nomenclature`: a Nomenclature as real ones are (issue 15 item 6).

A real Nomenclature.xml lists every MEF of the académie's offer — dozens, most of which no pupil of
the establishment is in — with pseudo-MEFs (« VIE ACTIVE », « STAGE », « NON SCOLARISE »), short
FORMATION labels repeated (« T-STMG » ×3), LIBELLE_EDITION present on some MEFs only, and variants
of one level under several codes sharing one label. In this mode the pupils of some levels are
also spread over such variants (their CODE_MEF), and the classes list every variant in
MEFS_APPARTENANCE.
"""

import random
from dataclasses import dataclass

from . import generator_data as data


@dataclass(frozen=True)
class Mef:
    code: str
    formation: str
    long: str = ""  # LIBELLE_LONG ("" when absent)
    edition: str = ""  # LIBELLE_EDITION ("" when absent)


# Variants of a level (its code → the codes its pupils are spread over, the level's own first).
VARIANTS = {
    "10010012110": [
        Mef("10010012110", "6EME", "6EME", "6eme"),
        Mef("10010012111", "6EME", "6EME BILANGUE", "6eme"),  # same edition label: made unique on screen
    ],
    "20110019110": [
        Mef("20110019110", "1ERE G", "1ERE GENERALE", "Première générale"),
        Mef("20110019111", "1ERE G", "1ERE GENERALE SECTION EURO", "Première générale"),
    ],
    "21231016110": [
        Mef("21231016110", "T-STMG", "TLE STMG SC. & TECHNO. MANAGEMENT GESTION", "Terminale STMG"),
        Mef("21231017110", "T-STMG", "TLE STMG MERCATIQUE"),  # no edition label: the long one
        Mef("21231018110", "T-STMG"),  # FORMATION only
    ],
    "24731214310": [
        Mef("24731214310", "2NDPRO", "2NDPRO MET. RELATION CLIENT 2NDE COMMUNE"),
        Mef("24731214311", "2NDPRO", "2NDPRO MET. RELATION CLIENT 2NDE COMMUNE"),
    ],
}

# The rest of the académie's offer: no pupil of the establishment is in these.
OFFER = [
    Mef("16410002110", "6SEGPA", "6EME SEGPA", "6e SEGPA"),
    Mef("16510002110", "5SEGPA", "5EME SEGPA", "5e SEGPA"),
    Mef("16610002110", "4SEGPA", "4EME SEGPA", "4e SEGPA"),
    Mef("16710002110", "3SEGPA", "3EME SEGPA", "3e SEGPA"),
    Mef("10310026110", "3PM", "3EME PREPA-METIERS", "3e prépa-métiers"),
    Mef("10010023110", "6EME", "6EME ULIS"),
    Mef("20010002410", "2NDE GT", "2NDE GENERALE ET TECHNOLOGIQUE BACHIBAC"),
    Mef("21131017110", "1-STMG", "1-STMG RESSOURCES HUMAINES"),
    Mef("21131016120", "1-STI2D", "1-STI2D SC. & TECHNO. INDUS. DEV. DURABLE"),
    Mef("21231019110", "T-STMG", "TLE STMG GESTION ET FINANCE"),
    Mef("21231020110", "T-STI2D", "TLE STI2D INNOVATION TECHNO. & ECO-CONCEPTION"),
    Mef("21231021110", "T-ST2S", "TLE ST2S SC. & TECHNO. SANTE SOCIAL", "Terminale ST2S"),
    Mef("24722005310", "2NDPRO", "2NDPRO MET. MAINTENANCE DES MATERIELS"),
    Mef("24722005320", "1ERPRO", "1ERPRO MAINT.MATERIELS OPT.A AGRICOLES"),
    Mef("24722005330", "TLEPRO", "TLEPRO MAINT.MATERIELS OPT.A AGRICOLES"),
    Mef("50025008210", "1CAP2", "1CAP2  CUISINE"),
    Mef("50025008220", "2CAP2", "2CAP2  CUISINE"),
    Mef("32031210210", "1BTS2", "1BTS2 NEGOCIATION DIGITALISATION REL. CLIENT"),
    Mef("32031210220", "2BTS2", "2BTS2 NEGOCIATION DIGITALISATION REL. CLIENT"),
    Mef("32023209210", "1BTS2", "1BTS2 TRAVAUX PUBLICS"),
    Mef("99999999910", "VIE ACTIVE", "VIE ACTIVE"),
    Mef("99999999920", "STAGE", "STAGE"),
    Mef("99999999930", "NON SCOLARISE", "NON SCOLARISE"),
    Mef("99999999940", "APPRENTISSAGE", "APPRENTISSAGE"),
]


def catalogue(levels: list[data.Level]) -> list[Mef]:
    """Every MEF the realistic Nomenclature lists: the generator's levels of every kind of
    establishment (each level's variants), then the rest of the offer; ordered by code."""
    mefs: dict[str, Mef] = {}
    for kind_levels in data.LEVELS.values():
        for level in kind_levels:
            for mef in VARIANTS.get(level.code, [Mef(level.code, level.short, level.label, level.label.capitalize())]):
                mefs.setdefault(mef.code, mef)
    for mef in OFFER:
        mefs.setdefault(mef.code, mef)
    return [mefs[code] for code in sorted(mefs)]


def spread_over_variants(children: list, uai: str, seed: int) -> None:
    """Give pupils of levels that have variants one of the variant codes (own random stream, so
    the rest of the generated export is the same as without this mode)."""
    rng = random.Random(f"{uai}/{seed}/nomenclature")
    for child in children:
        variants = VARIANTS.get(child.level.code)
        if variants:
            child.mef_code = rng.choice(variants).code


def division_mefs(code: str) -> list[str]:
    """The MEF_APPARTENANCE codes of a class of the level `code`."""
    return [mef.code for mef in VARIANTS.get(code, [])] or [code]
