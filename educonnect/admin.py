from django.contrib import admin

from .models import AuditEvent, OutgoingMail

admin.site.site_header = "ÉduConnect — administration de la plateforme"
admin.site.site_title = "ÉduConnect"
admin.site.index_title = "Administration de la plateforme (académie)"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "action", "actor_label", "establishment", "target_label"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "target_id"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "establishment", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "kind"]
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
