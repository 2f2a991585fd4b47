"""Reference data of the synthetic SIECLE generator: MEFs per kind of establishment, names.

Collège MEF codes are verified (reference/siecle-format.md §5); lycée and LP codes follow the
documented layout (3 dispositif + 5 formation + durée + année + variant) with real label styles."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    code: str  # CODE_MEF, 11 chars
    short: str  # FORMATION
    label: str  # LIBELLE_LONG
    prefix: str  # division codes: prefix + number (« 3EME1 », « 2GT4 »)
    age: int  # age reached during the school year
    weight: float


LEVELS = {
    "college": [
        Level("10010012110", "6EME", "6EME", "6EME", 11, 1.0),
        Level("10110001110", "5EME", "5EME", "5EME", 12, 1.0),
        Level("10210001110", "4EME", "4EME", "4EME", 13, 1.0),
        Level("10310019110", "3EME", "3EME", "3EME", 14, 1.0),
    ],
    "lycee": [
        Level("20010018110", "2NDE GT", "2NDE GENERALE ET TECHNOLOGIQUE", "2GT", 15, 0.36),
        Level("20110019110", "1ERE G", "1ERE GENERALE", "1G", 16, 0.24),
        Level("21131016110", "1ERE STMG", "1-STMG SC. & TECHNO. MANAGEMENT GESTION", "1STMG", 16, 0.08),
        Level("20210019110", "TLE G", "TERMINALE GENERALE", "TG", 17, 0.24),
        Level("21231016110", "TLE STMG", "TLE STMG SC. & TECHNO. MANAGEMENT GESTION", "TSTMG", 17, 0.08),
    ],
    "lp": [
        Level("24731214310", "2NDPRO", "2NDPRO MET. RELATION CLIENT 2NDE COMMUNE", "2MRC", 15, 0.22),
        Level("24733404320", "1ERPRO", "1ERPRO METIERS DE L'ACCUEIL", "1ACC", 16, 0.10),
        Level("24731215320", "1ERPRO", "1ERPRO MET.COM.VEN.OP.A ANI.GES.ESP.COM.", "1MCV", 16, 0.11),
        Level("24733404330", "TLEPRO", "TLEPRO METIERS DE L'ACCUEIL", "TACC", 17, 0.10),
        Level("24731215330", "TLEPRO", "TLEPRO MET.COM.VEN.OP.A ANI.GES.ESP.COM.", "TMCV", 17, 0.11),
        Level("50031213210", "1CAP2", "1CAP2  EQUIPIER POLYVALENT DU COMMERCE", "1CAPEPC", 15, 0.12),
        Level("50031213220", "2CAP2", "2CAP2  EQUIPIER POLYVALENT DU COMMERCE", "2CAPEPC", 16, 0.12),
        Level("50022108210", "1CAP2", "1CAP2  BOUCHER", "1CAPBOU", 15, 0.06),
        Level("50022108220", "2CAP2", "2CAP2  BOUCHER", "2CAPBOU", 16, 0.06),
    ],
}

FEMALE_FIRST_NAMES = [
    "Léa",
    "Éloïse",
    "Chloé",
    "Inès",
    "Zoé",
    "Manon",
    "Camille",
    "Jade",
    "Louise",
    "Emma",
    "Lina",
    "Maëlys",
    "Anaïs",
    "Clémence",
    "Océane",
    "Noémie",
    "Héloïse",
    "Agathe",
    "Lucie",
    "Juliette",
    "Sarah",
    "Yasmine",
    "Aïcha",
    "Fatoumata",
    "Mélissa",
    "Anne-Sophie",
    "Marie-Ève",
    "Joëlle",
    "Hélène",
    "Céline",
    "Nathalie",
    "Sandrine",
    "Émilie",
    "Gaëlle",
    "Maïwenn",
    "Rose",
    "Ambre",
]
MALE_FIRST_NAMES = [
    "Lucas",
    "Hugo",
    "Théo",
    "Nathan",
    "Léo",
    "Noé",
    "Gabriel",
    "Raphaël",
    "Jean-Baptiste",
    "Mathéo",
    "Enzo",
    "Louis",
    "Adam",
    "Mohamed",
    "Yanis",
    "Baptiste",
    "Maël",
    "Timothée",
    "Jérémy",
    "Clément",
    "Loïc",
    "Benoît",
    "François",
    "Jérôme",
    "Hervé",
    "Stéphane",
    "Frédéric",
    "Jean-Marc",
    "Anaël",
    "Joël",
    "Grégoire",
    "Aurélien",
    "Éric",
    "Kévin",
    "Pierre-Yves",
]
# Surnames: a long-tailed, Zipf-like spread (rank k weighs 1 / (k + SURNAME_RANK_OFFSET)), as in
# France where a few names are common and most are rare. The head is real (the most frequent French
# surnames first, then names of the families' many origins and the awkward spellings SIECLE carries:
# apostrophes, particles, double hyphens); the tail is built deterministically from French roots and
# endings. With 2,500 names, « MARTIN » is ≈ 0.44 % of people (≈ 11 in a 2,500-pupil lycée) and the
# chance that two people share a name is ≈ 1/870 (83 names drawn evenly gave 1/83: 10× the homonyms).
COMMON_SURNAMES = """
MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON MICHEL LEFEBVRE
LEROY ROUX DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE ROUSSEAU VINCENT
MULLER LEFÈVRE FAURE ANDRÉ MERCIER BLANC GUÉRIN BOYER GARNIER CHEVALIER FRANÇOIS LEGRAND GAUTHIER
GARCIA PERRIN ROBIN CLÉMENT MORIN NICOLAS HENRY ROUSSEL MATHIEU GAUTIER MASSON MARCHAND DUVAL
DENIS DUMONT MARIE LEMAIRE NOËL MEYER DUFOUR MEUNIER BRUN BLANCHARD GIRAUD JOLY RIVIÈRE LUCAS
BRUNET GAILLARD BARBIER ARNAUD MARTINEZ GÉRARD ROCHE RENARD SCHMITT ROY LEROUX COLIN VIDAL CARON
PICARD ROGER FABRE AUBERT LEMOINE RENAUD DUMAS LACROIX OLIVIER PHILIPPE BOURGEOIS PIERRE BENOÎT
REY LECLERC PAYET ROLLAND LECLERCQ GUILLAUME LECOMTE LOPEZ JEAN DUPUY GUILLOT HUBERT BERGER
CARPENTIER SANCHEZ DUPUIS MOULIN LOUIS DESCHAMPS HUET VASSEUR PEREZ BOUCHER FLEURY ROYER KLEIN
JACQUET ADAM PARIS POIRIER MARTY AUBRY GUYOT CARRÉ CHARLES RENAULT CHARPENTIER MÉNARD MAILLARD
BARON BERTIN BAILLY HERVÉ SCHNEIDER FERNANDEZ LE_GALL COLLET LÉGER BOUVIER JULIEN PRÉVOST MILLET
PERROT DANIEL LE_ROUX COUSIN GERMAIN BRETON BESSON LANGLOIS RÉMY LE_GOFF PELLETIER LÉVÊQUE
PERRIER LEBLANC BARRÉ LEBRUN MARCHAL WEBER MALLET HAMON BOULANGER JACOB MONNIER MICHAUD RODRIGUEZ
GUICHARD GILLET ÉTIENNE GRONDIN POULAIN TESSIER CHEVALLIER COLLIN CHAUVIN DA_SILVA BOUCHET GAY
LEMAÎTRE BENARD MARÉCHAL HUMBERT REYNAUD ANTOINE HOARAU PERRET BARTHÉLÉMY CORDIER PICHON LEJEUNE
GILBERT LAMY DELAUNAY PASQUIER CARLIER LAPORTE NGUYEN DIALLO N'DIAYE D'ALMEIDA DOS_SANTOS
RODRIGUES GONÇALVES MARTINS ALVES FERNANDES LOPES FERREIRA PEREIRA TRAORÉ COULIBALY DIOP SOW
CISSÉ KONATÉ CAMARA TOURÉ SYLLA KEITA FOFANA DIARRA HADDAD BENAMARA BENALI MEZIANE BOUZID
BELKACEM CHERIF BRAHIMI HAMIDI SAÏDI AMRANI EL_IDRISSI BENSAÏD KACI YILMAZ ÖZTÜRK KAYA DEMIR
TRAN LE PHAM HOANG VU DANG CHEN WANG LI ZHANG KOWALSKI NOWAK ROSSI RUSSO ESPOSITO BIANCHI ROMANO
GONZALEZ HERNANDEZ MORENO JIMENEZ RUIZ ALONSO KERMARREC LE_BIHAN LE_BRIS GUILLOU TANGUY LE_CORRE
MORVAN LE_MEUR DE_LA_FONTAINE SAINT-JUST MARTIN-DUPONT O'NEILL FRANCIS--FROUFROU BÉRAUD DUPRÉ
DESJARDINS VALLÉE LEBON BRUNEAU CHARRIER DUCHÊNE LAGARDE DELMAS TEXIER RAYNAUD VERDIER GUIBERT
BAUDRY LEVEQUE JOUBERT CHAUVET COSTE BOUSQUET DELATTRE POTIER ROUSSET GRENIER HARDY DESBOIS
MALLARD BLONDEL COURTOIS PAGÈS CHAPUIS RAYMOND JOURDAN LABBÉ MAURIN DELORME GODARD LEBRETON
"""
_TAIL_ROOTS = (
    "BARD BEAU BERT BLANCH BOUR BRI CHAB CHAMB CHAR CHAT COUR DAR DEL DUC ESC FAV FER FOUR GAL GAR "
    "GERB GOD GRAND GUIL JAN LAB LAC LAF LAM LAN LAV MAL MAR MOND MOUR PAL PAS PEL PER POM RAB RAM "
    "RAV ROCH ROUG SAB SAL TAR TOUR VAL VER VIL BOUL CAST GRIM LOUV"
)
_TAIL_ENDINGS = (
    "AUD ARD ET OT IN ON EAU IER AND EL OUX ERT AT ERON ILLON ELIN AIS ANT AGNE IÈRE ENNE OIS AIN "
    "ONNET ICHON ELET ASSE ETTE ERIE ARET ADE ENS ILLE OUIN ESSE IOT ARDIER UCHON EROT AUX"
)
SURNAME_COUNT = 2500
SURNAME_RANK_OFFSET = 60


def _surnames() -> list[str]:
    import random

    head = [name.replace("_", " ") for name in COMMON_SURNAMES.split()]
    tail = sorted({root + ending for root in _TAIL_ROOTS.split() for ending in _TAIL_ENDINGS.split()} - set(head))
    random.Random(1891).shuffle(tail)  # a fixed order: the same names at the same ranks everywhere
    return head + tail[: SURNAME_COUNT - len(head)]


SURNAMES = _surnames()  # by rank, most frequent first
# Relative weight of each surname: an integer so that LAST_NAMES can carry it by repetition.
SURNAME_WEIGHTS = [
    max(1, round((SURNAME_COUNT + SURNAME_RANK_OFFSET) / (rank + SURNAME_RANK_OFFSET)))
    for rank in range(1, len(SURNAMES) + 1)
]
# What the generator draws from with `rng.choice`: each name repeated as often as it weighs.
LAST_NAMES = [name for name, weight in zip(SURNAMES, SURNAME_WEIGHTS, strict=True) for _ in range(weight)]
CONTACT_RELATIONSHIPS = ["38", "38", "39", "90", "41"]
EMAIL_DOMAINS = ["example.org", "example.net", "example.com"]
