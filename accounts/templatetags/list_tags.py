"""The head of the account lists' tables (sort links), built with format_html (every value escaped)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

SORT_ICONS = {"ascending": "▲", "descending": "▼"}
SELECT_ALL_HTML = (
    '<th scope="col" class="ec-col-check"><div class="fr-checkbox-group fr-checkbox-group--sm">'
    '<input type="checkbox" id="select-all" name="select_all" value="1" data-ec-select-all>'
    '<label class="fr-label" for="select-all">Sélectionner tout</label></div></th>'
)
SORTABLE_HTML = (
    '<th scope="col" aria-sort="{0}"><a class="ec-sort" href="{1}" hx-get="{1}" hx-target="#results" '
    'hx-swap="outerHTML" hx-push-url="true">{2}<span class="ec-sort__icon" aria-hidden="true">{3}</span>'
    "</a></th>"
)


@register.simple_tag(takes_context=True)
def list_table_head(context, last_column_label: str, list_url: str | None = None) -> SafeString:
    """« Sélectionner tout », then the columns of `listing` (sortable ones as HTMX links pushing the
    URL), then the last column (its label for screen readers only)."""
    listing = context["listing"]
    base = list_url if list_url is not None else context["list_url"]
    cells = []
    for link in listing.sort_links:
        if link.column.sortable:
            icon = SORT_ICONS.get(link.aria_sort, "⇅")
            cells.append(
                format_html(SORTABLE_HTML, link.aria_sort, f"{base}?{link.querystring}", link.column.label, icon)
            )
        else:
            cells.append(format_html('<th scope="col">{}</th>', link.column.label))
    return format_html(
        "<thead><tr>" + SELECT_ALL_HTML + '{}<th scope="col"><span class="fr-sr-only">{}</span></th></tr></thead>',
        format_html_join("", "{}", ((cell,) for cell in cells)),
        last_column_label,
    )


@register.simple_tag(takes_context=True)
def selection_key(context, list_url: str) -> str:
    """Where static/accounts/lists.js keeps a list's selection in the tab: one per person and list
    (the list's URL names the establishment)."""
    return f"{context['user'].pk}:{list_url}"
