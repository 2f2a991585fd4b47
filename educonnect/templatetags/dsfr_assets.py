"""django-dsfr's `dsfr_css` and `dsfr_js`, rendered once per process: their output (static URLs and
integrity hashes) never changes while the process runs, and as inclusion tags they cost a
sub-template rendering on every page. Only the CSP nonce of the scripts differs per response."""

from functools import cache
from html import escape

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from dsfr.templatetags import dsfr_tags

register = template.Library()

_NONCE = "ec-nonce-placeholder"


@cache
def _css() -> str:
    return render_to_string("dsfr/global_css.html", dsfr_tags.dsfr_css())


@cache
def _js() -> str:
    return render_to_string("dsfr/global_js.html", dsfr_tags.dsfr_js({}, nonce=_NONCE))


@register.simple_tag
def dsfr_css_once() -> SafeString:
    return mark_safe(_css())  # noqa: S308 (django-dsfr's own template output)


@register.simple_tag
def dsfr_js_once(nonce) -> SafeString:
    return mark_safe(_js().replace(_NONCE, escape(str(nonce))))  # noqa: S308 (same, with the escaped nonce)
