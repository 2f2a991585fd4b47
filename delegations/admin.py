from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from .models import Academie, Assignment, BackupCodeDevice, Delegation, Domain, Establishment, Service, User


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["establishment"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [AssignmentInline]
    fieldsets = BaseUserAdmin.fieldsets + (("Agent", {"fields": ["civility"]}),)


@admin.register(Academie)
class AcademieAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name"]


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["uai", "name", "kind", "sector", "academie", "siecle_export_date"]
    list_filter = ["kind", "sector", "academie"]
    search_fields = ["uai", "name"]


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["position", "name"]
    inlines = [ServiceInline]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["establishment", "service", "grantee", "granted_by", "start_date", "end_date", "revoked_at"]
    list_filter = ["service"]
    search_fields = ["establishment__uai", "grantee__username", "grantee__last_name"]
    readonly_fields = [f.name for f in Delegation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BackupCodeDevice)
class BackupCodeDeviceAdmin(admin.ModelAdmin):
    """Operators may delete a lost set (the person then enrols again); codes are never shown."""

    list_display = ["user", "name", "confirmed", "throttling_failure_count"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "name", "confirmed", "throttling_failure_timestamp", "throttling_failure_count"]

    def has_add_permission(self, request):
        return False


def _signin_through_portal(request, extra_context=None):
    """The platform admin signs in through the staff sign-in (brute-force counters, audit)."""
    query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
    return HttpResponseRedirect(f"{reverse('delegations:signin')}?{query}")


admin.site.login = _signin_through_portal
