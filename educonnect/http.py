"""HTTP helpers every view module shares: one `no_store`, one `is_partial`."""

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
