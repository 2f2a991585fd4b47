"""Reads for DELEG-CE and the portal, already scoped to one establishment."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from educonnect.collation import french
from educonnect.text import fold

from .models import Delegation, Domain, Establishment, Service, User
from .permissions import Right, all_rights

APPLICATIONS = [
    # (right, label, URL prefix, description)
    (
        Right.DELEGATIONS,
        "Gestion des délégations",
        "/delegations/{uai}/",
        "Accorder et retirer les accès de votre personnel (DELEG-CE).",
    ),
    (
        Right.ADMINISTRATION,
        "ÉduConnect - Administration des comptes",
        "/administration/{uai}/",
        "Comptes des élèves et des représentants légaux : notifications, statistiques, paramètres.",
    ),
    (
        Right.TROUBLESHOOTING,
        "ÉduConnect - Dépannage des comptes élèves",
        "/depannage/{uai}/",
        "Réinitialiser le mot de passe d'un élève.",
    ),
]


def portal_establishments(user) -> list[tuple[Establishment, list[dict]]]:
    """For the portal home: each establishment the user holds a right on, with its applications."""
    rights = all_rights(user)
    establishments = Establishment.objects.filter(pk__in=rights).order_by("name", "uai")
    return [
        (
            establishment,
            [
                {"right": str(right), "label": label, "url": url.format(uai=establishment.uai), "description": text}
                for right, label, url, text in APPLICATIONS
                if right in rights[establishment.pk]
            ],
        )
        for establishment in establishments
    ]


def staff_of(establishment: Establishment) -> QuerySet[User]:
    """Active staff attached to the establishment: the people who may receive a delegation there, in
    French order of names (`educonnect.collation`)."""
    return (
        User.objects.filter(is_active=True, assignments__establishment=establishment)
        .order_by(french("last_name"), french("first_name"), "id")
        .distinct()
    )


def staff_search(establishment: Establishment, query: str, limit: int = 50) -> list[User]:
    """Staff whose last name, first name or username starts with `query` (accents and case ignored).
    Staff lists are small (tens of people), so the match runs in Python, the same on every database."""
    needle = fold(query).strip()
    people = list(staff_of(establishment).prefetch_related("assignments"))
    if needle:
        people = [
            p
            for p in people
            if any(fold(part).startswith(needle) for part in (p.last_name, p.first_name, p.username))
            or fold(f"{p.last_name} {p.first_name}").startswith(needle)
            or fold(f"{p.first_name} {p.last_name}").startswith(needle)
        ]
    for person in people:
        person.assignment_here = next(
            (a for a in person.assignments.all() if a.establishment_id == establishment.pk), None
        )
    return people[:limit]


def open_delegations(establishment: Establishment, today: datetime.date | None = None) -> QuerySet[Delegation]:
    """Delegations not revoked and not past their end date (current, or starting later)."""
    return Delegation.objects.open(today).filter(establishment=establishment)


@dataclass
class DomainNode:
    domain: Domain
    groups: list[tuple[str, list[Service]]] = field(default_factory=list)
    held: int = 0

    @property
    def expanded(self) -> bool:
        return self.held > 0 or any(s.code.startswith("educonnect-") for _, services in self.groups for s in services)


def catalogue_tree(held: dict[int, Delegation] | None = None) -> list[DomainNode]:
    """The 9 domains, their groups and services; `held` maps service id → the person's delegation."""
    held = held or {}
    nodes = []
    for domain in Domain.objects.prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("position", "name"))
    ):
        node = DomainNode(domain=domain)
        for service in domain.services.all():
            service.delegation = held.get(service.pk)
            if node.groups and node.groups[-1][0] == service.group:
                node.groups[-1][1].append(service)
            else:
                node.groups.append((service.group, [service]))
            node.held += service.delegation is not None
        nodes.append(node)
    return nodes


def person_delegations(establishment: Establishment, person: User) -> dict[int, Delegation]:
    """Service id → the person's open delegation on the establishment."""
    return {
        d.service_id: d
        for d in open_delegations(establishment).filter(grantee=person).select_related("service", "granted_by")
    }


def person_summary(held: dict[int, Delegation]) -> dict[str, int]:
    """« Il y a N délégations pour cette personne, dans M domaines sur 9. »"""
    return {
        "count": len(held),
        "domains": len({d.service.domain_id for d in held.values()}),
        "domains_total": Domain.objects.count(),
    }


def services_with_holders(establishment: Establishment) -> list[Service]:
    """Every service with the number of people holding it on the establishment."""
    current = Q(delegations__in=open_delegations(establishment))
    return list(Service.objects.select_related("domain").annotate(holders=Count("delegations", filter=current)))


def service_holders(establishment: Establishment, service: Service) -> QuerySet[Delegation]:
    return (
        open_delegations(establishment)
        .filter(service=service)
        .select_related("grantee", "granted_by")
        .order_by(french("grantee__last_name"), french("grantee__first_name"), "pk")
    )


def delegation_history(establishment: Establishment) -> QuerySet[Delegation]:
    """Every delegation ever granted on the establishment (revoked ones included), newest first."""
    return (
        Delegation.objects.filter(establishment=establishment)
        .select_related("service", "service__domain", "grantee", "granted_by", "revoked_by")
        .order_by("-granted_at", "-id")
    )
