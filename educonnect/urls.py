"""The roof: includes every app's URLs (STYLE.md, « Who may import whom »)."""

from django.contrib import admin
from django.urls import include, path

from . import views

handler400 = "educonnect.views.bad_request"
handler403 = "educonnect.views.permission_denied"
handler404 = "educonnect.views.page_not_found"
handler500 = "educonnect.views.server_error"

urlpatterns = [
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("plateforme/", admin.site.urls),
    path("depannage/", include("accounts.troubleshooting.urls")),
    path("administration/<str:uai>/statistiques/", include("stats.urls")),
    path("administration/<str:uai>/parametres/", include("notifications.parametres_urls")),
    path("administration/", include("accounts.administration.urls")),
    path("notifications/", include("notifications.urls")),
    path("compte/", include("accounts.enduser.urls")),
    path("", include("delegations.urls")),
]
