"""The « Statistiques » tab of the administration module: page (HTMX filters), recompute, CSV export."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from delegations.access import establishment_view
from delegations.permissions import Right
from educonnect.http import is_partial

from .charts import stacked_bars
from .exports import statistics_csv
from .selectors import Scope, filter_choices
from .services import statistics_compute, statistics_get_or_compute
from .tables import SERIES, build_series


def _read_filters(data, establishment):
    """(scope, series slug, choices) from the query string; unknown classes/MEFs are ignored."""
    divisions, mefs = filter_choices(establishment)

    def pick(name, choices):
        value = data.get(name, "")
        return int(value) if value.isdigit() and int(value) in dict(choices) else None

    scope = Scope(division_id=pick("classe", divisions), mef_id=pick("mef", mefs))
    series = data.get("serie") if data.get("serie") in SERIES else "responsables"
    return scope, series, divisions, mefs


def _query(scope: Scope, series: str, **overrides) -> str:
    params = {"serie": series, "classe": scope.division_id or "", "mef": scope.mef_id or ""}
    params.update(overrides)
    return urlencode({k: v for k, v in params.items() if v})


def _scope_label(scope: Scope, divisions, mefs) -> str:
    parts = []
    if scope.division_id:
        parts.append(f"classe {dict(divisions)[scope.division_id]}")
    if scope.mef_id:
        parts.append(f"MEF {dict(mefs)[scope.mef_id]}")
    return ", ".join(parts) or "tout l'établissement"


@require_GET
@establishment_view(Right.ADMINISTRATION)
def statistics(request, establishment):
    scope, series_slug, divisions, mefs = _read_filters(request.GET, establishment)
    snapshot = statistics_get_or_compute(establishment=establishment, scope=scope, actor=request.user)
    series = build_series(snapshot.figures)
    current = series[series_slug]
    base_url = reverse("stats:index", args=[establishment.uai])
    context = {
        "establishment": establishment,
        "tab": "stats",
        "page_title": "Statistiques",
        "scope": scope,
        "scope_label": _scope_label(scope, divisions, mefs),
        "divisions": divisions,
        "mefs": mefs,
        "series_links": [
            {"slug": slug, "label": label, "url": f"{base_url}?{_query(scope, slug)}", "current": slug == series_slug}
            for slug, label in SERIES.items()
        ],
        "series": current,
        "charts": [
            stacked_bars(current.by_division, f"États des comptes {current.label.lower()} par classe"),
            stacked_bars(current.by_mef, f"États des comptes {current.label.lower()} par niveau (MEF)"),
        ],
        "snapshot": snapshot,
        "query": _query(scope, series_slug),
    }
    template = "stats/statistics.html#results" if is_partial(request) else "stats/statistics.html"
    return render(request, template, context)


@require_POST
@establishment_view(Right.ADMINISTRATION)
def compute(request, establishment):
    scope, series_slug, _, _ = _read_filters(request.POST, establishment)
    statistics_compute(establishment=establishment, scope=scope, actor=request.user)
    messages.success(request, "Les statistiques ont été calculées.")
    query = _query(scope, series_slug)
    return redirect(reverse("stats:index", args=[establishment.uai]) + (f"?{query}" if query else ""))


@require_GET
@establishment_view(Right.ADMINISTRATION)
def export_csv(request, establishment):
    scope, _, divisions, mefs = _read_filters(request.GET, establishment)
    snapshot = statistics_get_or_compute(establishment=establishment, scope=scope, actor=request.user)
    computed_at = timezone.localtime(snapshot.computed_at).strftime("%d/%m/%Y %H:%M")
    content = statistics_csv(
        build_series(snapshot.figures), scope_label=_scope_label(scope, divisions, mefs), computed_at=computed_at
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    suffix = f"-{scope.key.replace(';', '-').replace('=', '')}" if scope.key else ""
    filename = f"statistiques-{establishment.uai}{suffix}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
