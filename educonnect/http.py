"""HTTP helpers every view module shares: one `no_store`, one `is_partial`, one `id_or_404`."""

from django.http import Http404
from django.utils.cache import patch_cache_control


def no_store(response):
    """Pages that may show a provisional password or a secret are never cached, by anyone."""
    patch_cache_control(response, no_store=True, no_cache=True, must_revalidate=True, private=True)
    return response


def is_partial(request) -> bool:
    """An HTMX request that wants a fragment. A history restore (HX-History-Restore-Request: the
    browser's back button on a page missing from HTMX's cache) wants the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


MAX_ID = 2**63 - 1  # a bigint primary key; SQLite refuses anything larger (OverflowError, a 500)


def id_or_404(raw) -> int:
    """A primary key typed by the client (a POSTed selection, an `account` field): a decimal integer
    in 1..2^63−1, else 404 — it was never offered, and a bigger number would crash SQLite."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        raise Http404("Identifiant invalide")
    return int(text)
