"""Paramètres screen of the administration module (« Courriers et mails de communication »): one
internet address for students, one for legal representatives; « Vérifier », then the switch
« Intégrer dans les courriers et mails ». An active address must be switched off before it is
edited. Writes go through the notifications services (audited there)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.parameters import SCOLARITE_SERVICES_URL
from delegations.access import establishment_view
from delegations.permissions import Right

from .models import Audience, NotificationAddress
from .services import parameters_switch, parameters_verify_address

TEMPLATE = "notifications/parametres/index.html"
HINTS = {
    Audience.STUDENTS: "Cette adresse sera affichée dans la feuille individuelle imprimable des élèves.",
    Audience.REPRESENTATIVES: (
        f"Cette adresse sera ajoutée à l'adresse du portail Scolarité Services {SCOLARITE_SERVICES_URL}."
    ),
}


@dataclass
class AddressBlock:
    audience: str
    label: str
    address: NotificationAddress
    value: str = ""
    error: str = ""
    message: str = ""

    @property
    def hint(self) -> str:
        return HINTS[self.audience]

    @property
    def is_verified(self) -> bool:
        return bool(self.address.url and self.address.verified_at)


def _blocks(establishment) -> dict[str, AddressBlock]:
    rows = {row.audience: row for row in NotificationAddress.objects.filter(establishment=establishment)}
    blocks = {}
    for audience, label in Audience.choices:
        row = rows.get(audience) or NotificationAddress(establishment=establishment, audience=audience)
        blocks[audience] = AddressBlock(audience, label, row, value=row.url)
    return blocks


def _render(request, establishment, blocks, *, focus: str | None = None, status: int = 200):
    context = {
        "establishment": establishment,
        "tab": "parameters",
        "page_title": "Paramètres",
        "blocks": list(blocks.values()),
        "scolarite_services_url": SCOLARITE_SERVICES_URL,
        "verify_url": reverse("parametres:verify", args=[establishment.uai]),
        "switch_url": reverse("parametres:switch", args=[establishment.uai]),
    }
    if request.htmx and focus:
        context["block"] = blocks[focus]
        return render(request, f"{TEMPLATE}#address", context, status=status)
    return render(request, TEMPLATE, context, status=status)


def _audience(request) -> str:
    audience = request.POST.get("audience", "")
    if audience not in Audience.values:
        raise Http404("Public inconnu")
    return audience


@require_GET
@establishment_view(Right.ADMINISTRATION)
def index(request, establishment):
    return _render(request, establishment, _blocks(establishment))


@require_POST
@establishment_view(Right.ADMINISTRATION)
def verify(request, establishment):
    """« Vérifier »: a well-formed https address that answers, then recorded as verified."""
    audience = _audience(request)
    url = request.POST.get("url", "").strip()
    try:
        parameters_verify_address(
            actor=request.user, establishment=establishment, audience=audience, url=url, request=request
        )
    except ValidationError as error:
        blocks = _blocks(establishment)
        blocks[audience].value, blocks[audience].error = url, " ".join(error.messages)
        return _render(request, establishment, blocks, focus=audience, status=422)
    if not request.htmx:
        return redirect("parametres:index", uai=establishment.uai)
    blocks = _blocks(establishment)
    blocks[audience].message = "L'adresse a bien été vérifiée. Vous pouvez l'intégrer dans les courriers et mails."
    return _render(request, establishment, blocks, focus=audience)


@require_POST
@establishment_view(Right.ADMINISTRATION)
def switch(request, establishment):
    """« Intégrer dans les courriers et mails »: on only once verified."""
    audience = _audience(request)
    on = request.POST.get("on") == "1"
    try:
        parameters_switch(actor=request.user, establishment=establishment, audience=audience, on=on, request=request)
    except ValidationError as error:
        blocks = _blocks(establishment)
        blocks[audience].error = " ".join(error.messages)
        return _render(request, establishment, blocks, focus=audience, status=422)
    if not request.htmx:
        return redirect("parametres:index", uai=establishment.uai)
    blocks = _blocks(establishment)
    blocks[audience].message = (
        "L'adresse est intégrée dans les courriers et mails."
        if on
        else "L'adresse n'est plus intégrée dans les courriers et mails."
    )
    return _render(request, establishment, blocks, focus=audience)
