"""The roof: includes every app's URLs (STYLE.md, « Who may import whom »)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("plateforme/", admin.site.urls),
    path("depannage/", include("accounts.troubleshooting.urls")),
    path("administration/<str:uai>/statistiques/", include("stats.urls")),
    path("administration/<str:uai>/parametres/", include("notifications.parametres_urls")),
    path("administration/", include("accounts.administration.urls")),
    path("notifications/", include("notifications.urls")),
    path("compte/", include("accounts.enduser.urls")),
    path("", include("oidc.urls")),
    path("", include("delegations.urls")),
]
if settings.EDUCONNECT_DEMO_ENT:  # « ENT de démonstration », a relying party (never in production)
    urlpatterns.insert(0, path("ent-demo/", include("oidc.demo_ent.urls")))
