"""The roof: includes every app's URLs (STYLE.md, « Who may import whom »)."""

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
