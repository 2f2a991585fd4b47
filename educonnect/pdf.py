"""PDF rendering with WeasyPrint and a restricted URL fetcher.

Only `data:` URLs and the app's own static files (`static:` scheme, or STATIC_URL paths resolved
through the staticfiles finders) may be loaded: a name containing HTML can never make the renderer
fetch anything over the network or read an arbitrary file.
"""

import base64
import functools
import logging
import mimetypes
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders

# WeasyPrint logs every step of every document at INFO (from its import on): keep its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

logger = logging.getLogger(__name__)

STATIC_BASE = "static:/"


# WeasyPrint takes seconds to import (fonts, CSS): it is imported on the first PDF, not when
# Django loads the URLconf, so that every process (web, worker, commands) starts fast.
@functools.cache
def _restricted_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedURLFetcher(_RestrictedFetching, URLFetcher):
        response_class = URLFetcherResponse

    return RestrictedURLFetcher


def __getattr__(name: str):
    if name == "RestrictedURLFetcher":
        return _restricted_fetcher_class()
    raise AttributeError(name)


class _RestrictedFetching:
    """Serves `data:` URLs and the app's static files; refuses everything else (file:, http:…)."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "static"}, fail_on_errors=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return self._data(url)
        if url.startswith(STATIC_BASE):
            return self._static(url[len(STATIC_BASE) :].lstrip("/"))
        logger.warning("PDF rendering refused a resource URL (scheme not allowed): %.80s", url)
        raise ValueError("resource URL refused by the restricted fetcher")

    @classmethod
    def _data(cls, url: str):
        header, _, payload = url[5:].partition(",")
        mime = header.split(";")[0] or "text/plain"
        body = base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode()
        return cls.response_class(url, body, {"Content-Type": mime})

    @classmethod
    def _static(cls, relative: str):
        relative = relative.removeprefix(settings.STATIC_URL.strip("/") + "/")
        if ".." in relative.split("/"):
            raise ValueError("static path escapes the static folders")
        path = finders.find(relative)
        if not path:
            raise ValueError(f"no static file {relative!r}")
        with open(path, "rb") as handle:
            body = handle.read()
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return cls.response_class(STATIC_BASE + relative, body, {"Content-Type": mime})


def html_to_pdf(html: str) -> bytes:
    """Lay out `html` (already rendered, autoescaped) into a PDF. Relative URLs resolve under
    `static:/` so `<link href="educonnect/letters.css">` finds the app's static file."""
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=_restricted_fetcher_class()()).write_pdf()


def layout_html(html: str):
    """Lay out `html` without writing it: the WeasyPrint Document (pages and their boxes), for
    callers that read where things landed (notifications.letters) before `write_pdf()`."""
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=_restricted_fetcher_class()()).render()
