"""The roof: includes every app's URLs (STYLE.md, « Who may import whom »)."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from delegations.access import platform_view
from educonnect import views
from educonnect.health import sante


def _gated(patterns, gate):
    """Wrap every view of `patterns` (and of nested includes) in `gate`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _gated(pattern.url_patterns, gate)
        elif isinstance(pattern, URLPattern):
            pattern.callback = gate(pattern.callback)
    return patterns


def _platform_urls():
    """Django's admin behind the platform gate: superusers only, second factor from the extranet (its
    own login page included: anonymous visitors go to the staff sign-in)."""
    patterns, app_name, namespace = admin.site.urls
    return _gated(patterns, platform_view), app_name, namespace


handler400 = "educonnect.views.bad_request"
handler403 = "educonnect.views.permission_denied"
handler404 = "educonnect.views.page_not_found"
handler500 = "educonnect.views.server_error"

urlpatterns = [
    path("sante/", sante, name="sante"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("plateforme/", _platform_urls()),
    path("depannage/", include("accounts.troubleshooting.urls")),
    path("administration/<str:uai>/statistiques/", include("stats.urls")),
    path("administration/<str:uai>/parametres/", include("notifications.parametres_urls")),
    path("administration/<str:uai>/envois/", include("notifications.envois_urls")),
    path("administration/", include("accounts.administration.urls")),
    path("notifications/", include("notifications.urls")),
    path("import-siecle/", include("accounts.siecle_web.urls")),
    path("compte/", include("accounts.enduser.urls")),
    path("", include("oidc.urls")),
    path("", include("delegations.urls")),
]
if settings.EDUCONNECT_DEMO_ENT:  # « ENT de démonstration », a relying party (never in production)
    urlpatterns.insert(0, path("ent-demo/", include("oidc.demo_ent.urls")))
