"""The DELEG-CE catalogue: 9 domains and their services (seed 000, section A).

Only the two ÉduConnect services are implemented by this product; the others are data: delegable,
recorded and listed.
"""

from .models import Service

# (domain, [(group, code, name), ...])
CATALOGUE: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "Évaluation",
        [
            ("", "evaluations-nationales", "Évaluations nationales - saisie et consultation des résultats"),
            ("", "livret-scolaire", "Livret scolaire unique - administration"),
        ],
    ),
    (
        "ASSR",
        [
            ("", "assr-attestations", "ASSR - gestion des attestations de sécurité routière"),
        ],
    ),
    (
        "Examens et concours",
        [
            ("", "cyclades-inscriptions", "Cyclades - inscriptions aux examens"),
            ("", "cyclades-convocations", "Cyclades - convocations et relevés de notes"),
        ],
    ),
    (
        "Gestion des personnels",
        [
            ("", "sts-web", "STS-Web - structures et services"),
            ("", "gi-gc", "GI-GC - gestion des remplacements"),
        ],
    ),
    (
        "Gestion de la Paie",
        [
            ("", "asie-heures", "ASIE - heures supplémentaires"),
        ],
    ),
    (
        "Administration financière et comptable",
        [
            ("", "opale-ordonnateur", "Op@le - ordonnateur"),
            ("", "bourses-nationales", "Bourses nationales - instruction"),
        ],
    ),
    (
        "Enquêtes et Pilotage",
        [
            ("", "enquetes-depp", "Enquêtes de la DEPP"),
            ("", "apae", "APAE - aide au pilotage et à l'auto-évaluation"),
        ],
    ),
    (
        "Intranet, Référentiels et Outils",
        [
            ("Annuaires", "annuaire-academique", "Annuaire académique - consultation"),
            ("Répertoires des établissements et des internats", "ramsese", "RAMSESE - consultation et mise à jour"),
            (
                "Outils de gestion des identités et habilitations",
                Service.EDUCONNECT_ADMINISTRATION,
                "ÉduConnect - Administration des comptes",
            ),
            (
                "Outils de gestion des identités et habilitations",
                Service.EDUCONNECT_DEPANNAGE,
                "ÉduConnect - Dépannage des comptes élèves",
            ),
        ],
    ),
    (
        "Autres",
        [
            ("", "affelnet-lycee", "Affelnet-Lycée - saisie des vœux"),
            ("", "siecle-bee", "SIECLE Base élèves établissement - consultation"),
        ],
    ),
]


def load_catalogue(domain_model, service_model) -> None:
    """Create or update the catalogue (idempotent); takes the models so migrations can use it."""
    for d_pos, (domain_name, services) in enumerate(CATALOGUE, start=1):
        domain, _ = domain_model.objects.update_or_create(name=domain_name, defaults={"position": d_pos})
        for s_pos, (group, code, name) in enumerate(services, start=1):
            service_model.objects.update_or_create(
                code=code, defaults={"domain": domain, "group": group, "name": name, "position": s_pos}
            )
