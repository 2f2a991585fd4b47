"""DELEG-CE (« Délégation-Chef Etablissement »): only holders of Right.DELEGATIONS get in.

Every view: the access gate (`establishment_view`: 404 + ACCESS_REFUSED for anyone else, then the
second factor) → form → service → render/redirect.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from educonnect.http import is_partial, no_store
from educonnect.text import de

from .. import selectors
from ..access import establishment_view
from ..forms import PersonDelegationsForm, ServiceGrantForm, StaffSearchForm
from ..models import Delegation, Service
from ..otp_enrolment import CODE_VALIDITY, enrolment_code_issue
from ..otp_services import has_second_factor
from ..permissions import Right, get_grantee_for, refuse
from ..services import delegation_grant, delegation_revoke, delegations_set_for_person


def _context(request, establishment, section, **extra):
    return {
        "establishment": establishment,
        "abilities": request.abilities,  # set by the access gate
        "section": section,
    } | extra


@establishment_view(Right.DELEGATIONS)
@require_GET
def deleg_home(request, establishment):
    return render(request, "delegations/home.html", _context(request, establishment, "home"))


@establishment_view(Right.DELEGATIONS)
@require_GET
def people(request, establishment):
    form = StaffSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = [p for p in selectors.staff_search(establishment, query) if p.pk != request.user.pk]  # not oneself
    context = _context(request, establishment, "people", form=form, query=query, people=found)
    template = "delegations/people.html#results" if is_partial(request) else "delegations/people.html"
    return render(request, template, context)


@establishment_view(Right.DELEGATIONS)
@require_http_methods(["GET", "POST"])
def person(request, establishment, user_id):
    grantee = get_grantee_for(request.user, establishment, user_id, request=request)
    if grantee.pk == request.user.pk:  # the head never delegates to herself
        raise refuse(request.user, reason="self", establishment=establishment, request=request)
    held = selectors.person_delegations(establishment, grantee)
    if request.method == "POST":
        form = PersonDelegationsForm(request.POST)
        if form.is_valid():
            try:
                changes = delegations_set_for_person(
                    actor=request.user,
                    establishment=establishment,
                    grantee=grantee,
                    services=list(form.cleaned_data["services"]),
                    start_date=form.cleaned_data["start_date"],
                    end_date=form.cleaned_data["end_date"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _report(request, grantee, changes)
                return redirect(request.path)
    else:
        form = PersonDelegationsForm()
        form.initial.update({"services": [d.service.code for d in held.values()]})
    checked = set(form["services"].value() or [])
    tree = selectors.catalogue_tree(held)
    context = _context(
        request,
        establishment,
        "people",
        form=form,
        grantee=grantee,
        assignment=grantee.assignments.filter(establishment=establishment).first(),
        summary=selectors.person_summary(held),
        tree=tree,
        checked=checked,
        otp_enrolled=has_second_factor(grantee),
        code_validity_hours=int(CODE_VALIDITY.total_seconds() // 3600),
    )
    return render(request, "delegations/person.html", context)


@establishment_view(Right.DELEGATIONS)
@require_POST
def enrolment_code(request, establishment, user_id):
    """« Générer un code d'activation »: a single-use code that lets a member of staff enrol their
    second factor from the extranet (shown once, audited)."""
    grantee = get_grantee_for(request.user, establishment, user_id, request=request)
    code = enrolment_code_issue(user=grantee, actor=request.user, establishment=establishment, request=request)
    context = _context(
        request, establishment, "people", grantee=grantee, code=code, expires_at=timezone.now() + CODE_VALIDITY
    )
    return no_store(render(request, "delegations/enrolment_code.html", context))


INCLUDED = (
    "« {troubleshooting} » n'est plus nécessaire : « {administration} » l'inclut déjà "
    "(il est inutile d'attribuer les deux). {what}"
)


def _report_included(request, grantee, what: str) -> None:
    messages.info(
        request,
        INCLUDED.format(
            troubleshooting=Service.objects.get(code=Service.EDUCONNECT_DEPANNAGE).name,
            administration=Service.objects.get(code=Service.EDUCONNECT_ADMINISTRATION).name,
            what=what,
        ),
    )


def _report(request, grantee, changes) -> None:
    if changes.included:
        _report_included(request, grantee, f"Elle a été retirée à {grantee.display_name}.")
    elif changes.not_needed:
        _report_included(request, grantee, "Elle n'a pas été accordée.")
    parts = []
    if changes.granted:
        parts.append("accordée(s) : " + ", ".join(d.service.name for d in changes.granted))
    if changes.revoked:
        parts.append("retirée(s) : " + ", ".join(d.service.name for d in changes.revoked))
    if parts:
        messages.success(
            request, f"Les délégations {de(grantee.display_name)} ont été enregistrées — " + " ; ".join(parts) + "."
        )
    elif not (changes.included or changes.not_needed):
        messages.info(request, f"Aucune modification des délégations {de(grantee.display_name)}.")


@establishment_view(Right.DELEGATIONS)
@require_GET
def services(request, establishment):
    catalogue = {s.pk: s for s in selectors.services_with_holders(establishment)}
    tree = selectors.catalogue_tree()
    for node in tree:
        for _, group in node.groups:
            for service in group:
                service.holders = catalogue[service.pk].holders
    return render(request, "delegations/services.html", _context(request, establishment, "services", tree=tree))


@establishment_view(Right.DELEGATIONS)
@require_http_methods(["GET", "POST"])
def service(request, establishment, code):
    service = get_object_or_404(Service.objects.select_related("domain"), code=code)
    holders = list(selectors.service_holders(establishment, service))
    held_by = {d.grantee_id for d in holders}
    candidates = [p for p in selectors.staff_of(establishment) if p.pk not in held_by and p.pk != request.user.pk]
    form = ServiceGrantForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        grantee = get_grantee_for(request.user, establishment, form.cleaned_data["grantee"], request=request)
        held_before = selectors.person_delegations(establishment, grantee)
        try:
            delegation_grant(
                actor=request.user,
                establishment=establishment,
                grantee=grantee,
                service=service,
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"« {service.name} » a été délégué à {grantee.display_name}.")
            held_after = selectors.person_delegations(establishment, grantee)
            if any(
                d.service.code == Service.EDUCONNECT_DEPANNAGE and pk not in held_after for pk, d in held_before.items()
            ):
                _report_included(request, grantee, f"Elle a été retirée à {grantee.display_name}.")
            return redirect(request.path)
    context = _context(request, establishment, "services", service=service, holders=holders, form=form)
    return render(request, "delegations/service.html", context)


@establishment_view(Right.DELEGATIONS)
@require_http_methods(["GET", "POST"])
def revoke(request, establishment, delegation_id):
    """GET: « Êtes-vous sûr… ? Confirmer / Annuler ». POST (« Confirmer »): the revocation."""
    delegation = (
        Delegation.objects.filter(pk=delegation_id, establishment=establishment, revoked_at__isnull=True)
        .select_related("service", "grantee")
        .first()
    )
    if delegation is None:
        raise refuse(request.user, reason="delegation", establishment=establishment, request=request)
    fallback = reverse("delegations:service", args=[establishment.uai, delegation.service.code])
    back = request.POST.get("back", "") or request.GET.get("back", "")
    back = back if back.startswith(f"/delegations/{establishment.uai}/") else fallback
    if request.method == "GET":
        context = _context(request, establishment, "services", delegation=delegation, back=back)
        return render(request, "delegations/revoke_confirm.html", context)
    try:
        delegation_revoke(actor=request.user, delegation=delegation, request=request)
    except PermissionDenied:
        raise refuse(request.user, reason="revoke", establishment=establishment, request=request) from None
    messages.success(
        request, f"La délégation « {delegation.service.name} » de {delegation.grantee.display_name} a été retirée."
    )
    return redirect(back)


@establishment_view(Right.DELEGATIONS)
@require_GET
def history(request, establishment):
    page = Paginator(selectors.delegation_history(establishment), 50).get_page(request.GET.get("page"))
    context = _context(request, establishment, "history", page=page, today=datetime.date.today())
    return render(request, "delegations/history.html", context)
