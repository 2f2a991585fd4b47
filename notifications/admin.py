from django.contrib import admin

from .models import NotificationAddress, NotificationJob


@admin.register(NotificationAddress)
class NotificationAddressAdmin(admin.ModelAdmin):
    list_display = ["establishment", "audience", "url", "verified_at", "is_active"]
    list_filter = ["audience", "is_active"]
    search_fields = ["establishment__uai", "establishment__name", "url"]
    # Changes go through the Paramètres services (audited): read-only here.
    readonly_fields = ["establishment", "audience", "url", "verified_at", "is_active"]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationJob)
class NotificationJobAdmin(admin.ModelAdmin):
    list_display = [
        "public_id",
        "establishment",
        "requested_by",
        "channel",
        "status",
        "processed",
        "total",
        "created_at",
    ]
    list_filter = ["status", "channel"]
    # The job's items hold encrypted passwords: never shown here.
    readonly_fields = [f for f in list_display if f not in ("public_id",)] + [
        "with_reset",
        "skipped",
        "error",
        "written",
        "pdf_path",
        "zip_path",
        "pdf_expires_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False
