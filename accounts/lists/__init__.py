"""Reusable list machinery for the account lists (troubleshooting Élèves, administration Élèves and
Représentants légaux): a filter form, sortable columns, pagination, and the selection (« N élève(s)
sélectionné(s) sur M », « Sélectionner tout » over the whole search).

A screen declares a `ListSpec` (columns, filter form, default sort) and hands it a queryset already
scoped by a selector; `build_list` reads the query string, `resolve_selection` reads a POSTed selection.
Everything here is generic: no model, no URL, no template is named.

The selection lives in the browser tab (static/accounts/lists.js, sessionStorage keyed by user and
list): ticked rows stay ticked across pages, searches and a refused action, and travel to the bulk
actions packed in one field (`selection_ids`). « Sélectionner tout » adds every result of the search
(`search_ids`: the ids of the rows and of their accounts), so the counter counts what the
confirmation will count. Without JavaScript, the ticked rows of the page and `select_all` (the search,
resolved here) are posted as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import Http404, QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from educonnect.http import id_or_404

SORT_PARAM = "sort"
PAGE_PARAM = "page"
SELECTION_PARAM = "selection"
SELECT_ALL_PARAM = "select_all"
# The same ids packed in one field ("12,15,40"), for the steps after the list: a thousand separate
# fields would pass DATA_UPLOAD_MAX_NUMBER_FIELDS.
SELECTION_PACKED_PARAM = "selection_ids"


@dataclass(frozen=True)
class Column:
    """A column of the table. `order_by` empty: not sortable."""

    key: str
    label: str
    # Field names or expressions (e.g. a Case giving the lifecycle order of states).
    order_by: tuple = ()

    @property
    def sortable(self) -> bool:
        return bool(self.order_by)


class ListFilterForm(forms.Form):
    """Base of a list's filter form: subclasses declare fields and implement `filter_queryset`.
    An invalid form filters to nothing (the errors are shown next to the fields)."""

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def apply(self, queryset: QuerySet) -> QuerySet:
        if not self.is_valid():
            return queryset.none()
        return self.filter_queryset(queryset)

    def checkbox_options_html(self, name: str) -> SafeString:
        """The DSFR checkboxes of a multiple-choice field (for accounts/lists/multiselect.html);
        an establishment has ~100 classes, and this runs on every search."""
        field = self[name]
        chosen = {str(value) for value in (field.value() or [])}
        choices = list(field.field.choices)
        if not choices:
            return format_html('<p class="fr-text--sm fr-mb-0">{}</p>', "Aucun choix.")
        return format_html_join(
            "",
            OPTION_HTML,
            (
                (f"{name}-{index}", field.html_name, str(value), " checked" if str(value) in chosen else "", str(label))
                for index, (value, label) in enumerate(choices, start=1)
            ),
        )

    def select_options_html(self, name: str) -> SafeString:
        """The <option>s of a single-choice field, the current value selected."""
        field = self[name]
        current = "" if field.value() is None else str(field.value())
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(value), " selected" if str(value) == current else "", str(label))
                for value, label in field.field.choices
            ),
        )


OPTION_HTML = (
    '<div class="fr-fieldset__element"><div class="fr-checkbox-group fr-checkbox-group--sm">'
    '<input type="checkbox" id="{0}" name="{1}" value="{2}"{3}>'
    '<label class="fr-label" for="{0}">{4}</label></div></div>'
)


def _directed(field, descending: bool):
    """A field name or an expression, in the asked direction."""
    if isinstance(field, str):
        return f"-{field}" if descending else field
    return field.desc() if descending else field.asc()


@dataclass(frozen=True)
class ListSpec:
    columns: tuple[Column, ...]
    filter_form: type[ListFilterForm]
    default_sort: str
    per_page: int = 50
    # Always appended to the ordering so pages never overlap.
    tie_breaker: str = "pk"
    noun_singular: str = "élève"
    noun_plural: str = "élèves"
    # After the live count of ticked rows: « 3 élèves sélectionnés sur 120 ».
    selection_label: str = "élèves sélectionnés"
    # From a row to its account's id: "pk" when each row is an account. Rows that share accounts (a
    # representative of two children is two rows, one account) give the why, shown wherever the
    # rows and the accounts are counted (« 3 lignes sélectionnées — 2 comptes »).
    account_path: str = "pk"
    shared_accounts_hint: str = ""

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key and c.sortable), None)

    def parse_sort(self, value: str | None) -> str:
        value = (value or "").strip()
        if self.column(value.removeprefix("-")) is None:
            return self.default_sort
        return value

    def ordering(self, sort: str) -> list[str]:
        descending = sort.startswith("-")
        column = self.column(sort.removeprefix("-"))
        assert column is not None
        fields = [_directed(f, descending) for f in column.order_by]
        return [*fields, self.tie_breaker]

    def filter_params(self, data: QueryDict) -> list[tuple[str, str]]:
        """The filter fields present in `data`, as (name, value) pairs, empty values dropped."""
        names = self.filter_form.base_fields
        return [(name, value) for name in names for value in data.getlist(name) if value.strip()]


@dataclass
class SortLink:
    column: Column
    querystring: str
    # "ascending" / "descending" when this column is the current sort, else "none".
    aria_sort: str


@dataclass
class ListPage:
    spec: ListSpec
    form: ListFilterForm
    page: Page
    sort: str
    filter_params: list[tuple[str, str]]
    sort_links: list[SortLink] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def rows(self):
        return self.page.object_list

    def querystring(self, *, page: int | None = None, sort: str | None = None) -> str:
        params = list(self.filter_params)
        chosen_sort = sort if sort is not None else self.sort
        if chosen_sort != self.spec.default_sort:
            params.append((SORT_PARAM, chosen_sort))
        if page and page > 1:
            params.append((PAGE_PARAM, str(page)))
        return urlencode(params)

    @property
    def current_querystring(self) -> str:
        return self.querystring(page=self.page.number)

    @property
    def search_querystring(self) -> str:
        """The search alone (no sort, no page): what « Sélectionner tout » designates."""
        return urlencode(self.filter_params)

    @property
    def page_links(self) -> list[dict]:
        """« < Précédent 1 2 … Suivant > »: numbers with the query string, ellipses as None."""
        paginator = self.page.paginator
        links = []
        for number in paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1):
            if number == paginator.ELLIPSIS:
                links.append({"number": None, "querystring": ""})
            else:
                links.append({"number": number, "querystring": self.querystring(page=number)})
        return links

    @property
    def previous_querystring(self) -> str | None:
        return self.querystring(page=self.page.number - 1) if self.page.has_previous() else None

    @property
    def next_querystring(self) -> str | None:
        return self.querystring(page=self.page.number + 1) if self.page.has_next() else None


def filtered_queryset(spec: ListSpec, queryset: QuerySet, data: QueryDict, *, form_kwargs: dict) -> tuple:
    """(form, queryset filtered and sorted) for the filters and sort found in `data`."""
    form = spec.filter_form(data, **form_kwargs)
    sort = spec.parse_sort(data.get(SORT_PARAM))
    return form, form.apply(queryset).order_by(*spec.ordering(sort)), sort


def _page_number(raw) -> int:
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def paginate(rows: QuerySet, per_page: int, raw_number) -> Page:
    """A Page of `rows` (model instances or `.values()` dicts) in one query: the page and the total
    come together (COUNT(*) OVER ()). Past the last page (or a bad number), the last page, as
    Paginator.get_page does."""
    number = _page_number(raw_number)
    fetched, total = _fetch_page(rows, (number - 1) * per_page, per_page)
    if total is None:
        total = 0 if number == 1 else (_fetch_page(rows, 0, 1)[1] or 0)
        last = max(1, -(-total // per_page))
        if number > last:
            number = last
            fetched = _fetch_page(rows, (number - 1) * per_page, per_page)[0] if total else []
    paginator = Paginator(fetched, per_page)
    paginator.count = total  # a cached_property: set, it spares the COUNT query
    return Page(fetched, number, paginator)


def _fetch_page(rows: QuerySet, start: int, size: int) -> tuple[list, int | None]:
    fetched = list(rows.annotate(_list_total=Window(Count("*")))[start : start + size])
    if not fetched:
        return fetched, None
    first = fetched[0]
    return fetched, (first["_list_total"] if isinstance(first, dict) else first._list_total)


def build_list(
    spec: ListSpec, queryset: QuerySet, data: QueryDict, *, form_kwargs: dict | None = None, rows=None
) -> ListPage:
    """Filter, sort and paginate `queryset` (already scoped to what the actor may see) from the
    query string. One query whatever the number of rows (the page, with the total). `rows`, when
    given, turns the page's fetched items into what the template shows (e.g. dicts into row objects)."""
    form, filtered, sort = filtered_queryset(spec, queryset, data, form_kwargs=form_kwargs or {})
    page = paginate(filtered, spec.per_page, data.get(PAGE_PARAM))
    if rows is not None:
        page.object_list = rows(page.object_list)
    listing = ListPage(spec=spec, form=form, page=page, sort=sort, filter_params=spec.filter_params(data))
    for column in spec.columns:
        if not column.sortable:
            listing.sort_links.append(SortLink(column, "", "none"))
            continue
        if sort == column.key:
            aria, next_sort = "ascending", f"-{column.key}"
        elif sort == f"-{column.key}":
            aria, next_sort = "descending", column.key
        else:
            aria, next_sort = "none", column.key
        listing.sort_links.append(SortLink(column, listing.querystring(sort=next_sort), aria))
    return listing


def search_ids(spec: ListSpec, queryset: QuerySet, data: QueryDict, *, form_kwargs: dict | None = None) -> list:
    """[row id, account id] of every result of the search in `data`, within `queryset` (already
    scoped), in one query: what « Sélectionner tout » adds to the selection."""
    form = spec.filter_form(data, **(form_kwargs or {}))
    rows = form.apply(queryset).order_by()
    return [list(pair) for pair in rows.values_list("pk", spec.account_path)]


def selected_ids(data: QueryDict) -> list[int]:
    """The ids of the ticked rows; anything that is not an id answers 404 (it was never offered)."""
    ids = []
    packed = [part for part in data.get(SELECTION_PACKED_PARAM, "").split(",") if part.strip()]
    for raw in [*data.getlist(SELECTION_PARAM), *packed]:
        ids.append(id_or_404(raw))
    return sorted(set(ids))


def is_select_all(data: QueryDict) -> bool:
    return data.get(SELECT_ALL_PARAM) == "1"


def resolve_selection(
    spec: ListSpec, queryset: QuerySet, data: QueryDict, *, form_kwargs: dict | None = None
) -> QuerySet:
    """The rows a POSTed selection designates, within `queryset` (already scoped):
    - `select_all=1` with the filters of the search: every result of that search, every page;
    - else the ticked ids, every one of which must be in `queryset`: one foreign or unknown id → 404,
      so a tampered selection changes nothing.
    Sorted like the list."""
    form, rows, _sort = filtered_queryset(spec, queryset, data, form_kwargs=form_kwargs or {})
    if is_select_all(data):
        return rows
    ids = selected_ids(data)
    chosen = rows.model._default_manager.none() if not ids else queryset.filter(pk__in=ids)
    if ids and chosen.count() != len(ids):
        raise Http404("Élément introuvable")
    return chosen.order_by(*spec.ordering(spec.parse_sort(data.get(SORT_PARAM))))


def selection_hidden_fields(data: QueryDict, spec: ListSpec) -> Sequence[tuple[str, str]]:
    """The fields that carry a selection to the next step (confirmation, format choice)."""
    fields = list(spec.filter_params(data))
    if data.get(SORT_PARAM):
        fields.append((SORT_PARAM, data[SORT_PARAM]))
    if is_select_all(data):
        fields.append((SELECT_ALL_PARAM, "1"))
    else:
        fields.append((SELECTION_PACKED_PARAM, ",".join(str(pk) for pk in selected_ids(data))))
    return fields
