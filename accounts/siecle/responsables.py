"""ResponsablesSansAdresses / ResponsablesAvecAdresses (root BEE_RESPONSABLES).

Refused (file-level): two records with one PERSONNE_ID. Anomalies: a link without ELEVE_ID or
PERSONNE_ID, or to a person absent from PERSONNES (skipped); an invalid responsibility level (the
link is not taken as legal); a legal representative without a first name (imported, flagged) or
without a name (skipped). Gaps of contacts (no account for them) are not reported.
"""

import xml.etree.ElementTree as ET

from .common import max_length, read_header
from .errors import Findings, person_record
from .fields import children, civility, email, phone, text
from .reader import iter_records
from .records import AddressRecord, Export, Header, LinkRecord, PersonRecord


def _person(label: str, elem: ET.Element, position: int, findings: Findings) -> tuple[PersonRecord | None, str]:
    f = children(elem)
    personne_id = (elem.get("PERSONNE_ID") or f.get("PERSONNE_ID", "")).strip()
    name_tag = "NOM" if "NOM" in f else "NOM_DE_FAMILLE"
    birth_name = f.get("NOM_DE_FAMILLE", "") or f.get("NOM", "")
    last_name = f.get("NOM_USAGE", "") or birth_name
    first_name = f.get("PRENOM", "")
    if not personne_id or len(personne_id) > 20:
        who = f"{first_name} {last_name}".strip() or "sans nom"
        problem = "valeur manquante" if not personne_id else "identifiant de plus de 20 caractères"
        findings.flag(
            label, f"{problem} : personne ignorée", record=f"personne n°{position} ({who})", field="PERSONNE_ID"
        )
        return None, name_tag
    return (
        PersonRecord(
            personne_id=personne_id,
            civility=civility(f.get("LC_CIVILITE", "")),
            last_name=last_name,
            birth_name=birth_name,
            first_name=first_name,
            email=email(f.get("MEL", "")),
            mobile=phone(f.get("TEL_PORTABLE", "")),
            phone_home=phone(f.get("TEL_PERSONNEL", "")),
            phone_work=phone(f.get("TEL_PROFESSIONNEL", "")),
            adresse_id=elem.get("ADRESSE_ID") or f.get("ADRESSE_ID", ""),
        ),
        name_tag,
    )


def _link(label: str, elem: ET.Element, position: int, findings: Findings) -> LinkRecord | None:
    f = children(elem)
    eleve_id = f.get("ELEVE_ID", "") or elem.get("ELEVE_ID", "")
    personne_id = f.get("PERSONNE_ID", "") or elem.get("PERSONNE_ID", "")
    record = f"responsabilité n°{position} (ELEVE_ID={eleve_id or '?'}, PERSONNE_ID={personne_id or '?'})"
    if not eleve_id:
        findings.flag(label, "valeur manquante : lien ignoré", record=record, field="ELEVE_ID")
    if not personne_id:
        findings.flag(label, "valeur manquante : lien ignoré", record=record, field="PERSONNE_ID")
    if not eleve_id or not personne_id:
        return None
    level = f.get("NIVEAU_RESPONSABILITE", "")
    resp_legal = f.get("RESP_LEGAL", "")
    if level:
        if level not in ("1", "2", "3"):
            findings.flag(
                label,
                f"niveau « {level} » invalide (1, 2 ou 3) : lien non retenu comme représentant légal",
                record=record,
                field="NIVEAU_RESPONSABILITE",
            )
        legal = level == "1"
    else:
        legal = resp_legal in ("1", "2")
    return LinkRecord(
        eleve_id=eleve_id,
        personne_id=personne_id,
        legal=legal,
        relationship=f.get("CODE_PARENTE", "")[:2],
        rank=int(resp_legal) if resp_legal in ("1", "2") else None,
    )


def _address(elem: ET.Element) -> AddressRecord:
    f = children(elem)
    lines = [f.get(f"LIGNE{i}_ADRESSE", "") for i in range(1, 5)]
    return AddressRecord(
        lines="\n".join(line for line in lines if line),
        postal_code=f.get("CODE_POSTAL", "")[:10],
        city=(f.get("LIBELLE_POSTAL", "") or f.get("LL_COMMUNE_INSEE", "") or f.get("COMMUNE_ETRANGERE", ""))[:100],
        country=f.get("LL_PAYS", "")[:60],
    )


def read(label: str, root: ET.Element, events, findings: Findings) -> Export:
    export = Export(kind="BEE_RESPONSABLES", label=label, header=Header(version=root.get("VERSION", "")))
    name_tags: dict[str, str] = {}
    persons_seen = links_seen = 0
    for collection, elem in iter_records(events, root):
        if collection == "PARAMETRES":
            export.header = read_header(label, root, elem, findings)
        elif collection == "PERSONNES" and elem.tag == "PERSONNE":
            persons_seen += 1
            person, name_tag = _person(label, elem, persons_seen, findings)
            if person is None:
                continue
            if person.personne_id in export.persons:
                findings.refuse(
                    label,
                    "identifiant présent deux fois dans le fichier",
                    record=person_record(person.personne_id, person.first_name, person.last_name),
                    field="PERSONNE_ID",
                )
                continue
            export.persons[person.personne_id] = person
            name_tags[person.personne_id] = name_tag
        elif collection == "RESPONSABLES" and elem.tag == "RESPONSABLE_ELEVE":
            links_seen += 1
            link = _link(label, elem, links_seen, findings)
            if link is not None:
                export.links.append(link)
        elif collection == "ADRESSES" and elem.tag == "ADRESSE":
            adresse_id = elem.get("ADRESSE_ID") or text(elem, "ADRESSE_ID")
            if adresse_id:
                export.addresses[adresse_id] = _address(elem)
    _check_legal_persons(label, export, name_tags, findings)
    return export


def _check_legal_persons(label: str, export: Export, name_tags: dict[str, str], findings: Findings) -> None:
    """A legal representative has a name (else skipped) and a first name (else imported, flagged). Contacts get no account: their
    gaps are not reported."""
    checked: set[str] = set()
    kept = []
    for link in export.links:
        person = export.persons.get(link.personne_id)
        kept.append(link)
        if person is None:  # reported with the pupil's name once the Élèves export is read (bundle)
            continue
        if not link.legal or person.personne_id in checked:
            continue
        checked.add(person.personne_id)
        record = person_record(person.personne_id, person.first_name, person.last_name)
        name_tag = name_tags[person.personne_id]
        if not person.last_name:
            findings.flag(label, "valeur manquante : représentant légal ignoré", record=record, field=name_tag)
            export.skipped.add(person.personne_id)
            continue
        if not person.first_name:
            findings.flag(
                label, "valeur manquante : représentant légal importé sans prénom", record=record, field="PRENOM"
            )
        person.last_name = max_length(label, person.last_name, 100, name_tag, record, findings)
        person.birth_name = person.birth_name[:100]
        person.first_name = max_length(label, person.first_name, 100, "PRENOM", record, findings)
    export.links = [link for link in kept if link.personne_id not in export.skipped]
