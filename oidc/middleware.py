"""Let the family's forms end at a registered service.

Browsers apply a page's CSP `form-action` to every redirect that follows a form submission: the
sign-in form of /compte/connexion/ (then /o/authorize/, then the service's redirect URI) or the
consent form would be blocked at the last hop by `form-action 'self'`. On the family pages and
the provider's, the origins of the registered services' redirect and logout URIs are added to
`form-action` (operator-registered origins only; cached a minute).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

CACHE_KEY = "oidc:service-origins"
PREFIXES = ("/compte/", "/o/")


def service_origins() -> list[str]:
    origins = cache.get(CACHE_KEY)
    if origins is None:
        from .models import Service

        origins = set()
        for redirects, logouts in Service.objects.values_list("redirect_uris", "post_logout_redirect_uris"):
            for uri in f"{redirects} {logouts}".split():
                parts = urlsplit(uri)
                if parts.scheme in ("http", "https") and parts.netloc:
                    origins.add(f"{parts.scheme}://{parts.netloc}")
        origins = sorted(origins)
        cache.set(CACHE_KEY, origins, 60)
    return origins


def forget_service_origins() -> None:
    cache.delete(CACHE_KEY)


class ServicesInFormActionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(PREFIXES) and not hasattr(response, "_csp_config"):
            origins = service_origins()
            if origins:
                config = dict(settings.SECURE_CSP)
                config["form-action"] = [*config.get("form-action", []), *origins]
                response._csp_config = config
        return response
