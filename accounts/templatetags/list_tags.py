"""Pieces of the account lists rendered in Python (html.escape on every value, as autoescaping):
they are on every search of the busiest screens, where template loops cost more than the query."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SORT_ICONS = {"ascending": "▲", "descending": "▼"}
SELECT_ALL_HTML = (
    '<th scope="col" class="ec-col-check"><div class="fr-checkbox-group fr-checkbox-group--sm">'
    '<input type="checkbox" id="select-all" name="select_all" value="1" data-ec-select-all>'
    '<label class="fr-label" for="select-all">Sélectionner tout</label></div></th>'
)
SORTABLE_HTML = (
    '<th scope="col" aria-sort="{aria}"><a class="ec-sort" href="{url}" hx-get="{url}" hx-target="#results" '
    'hx-swap="outerHTML" hx-push-url="true">{label}<span class="ec-sort__icon" aria-hidden="true">{icon}</span>'
    "</a></th>"
)


@register.simple_tag(takes_context=True)
def list_table_head(context, last_column_label: str, list_url: str | None = None) -> SafeString:
    """« Sélectionner tout », then the columns of `listing` (sortable ones as HTMX links pushing the
    URL), then the last column (its label for screen readers only)."""
    listing = context["listing"]
    base = list_url if list_url is not None else context["list_url"]
    cells = [SELECT_ALL_HTML]
    for link in listing.sort_links:
        label = escape(link.column.label)
        if link.column.sortable:
            url = escape(f"{base}?{link.querystring}")
            icon = SORT_ICONS.get(link.aria_sort, "⇅")
            cells.append(SORTABLE_HTML.format(aria=escape(link.aria_sort), url=url, label=label, icon=icon))
        else:
            cells.append(f'<th scope="col">{label}</th>')
    cells.append(f'<th scope="col"><span class="fr-sr-only">{escape(last_column_label)}</span></th>')
    return mark_safe(f"<thead><tr>{''.join(cells)}</tr></thead>")  # noqa: S308
