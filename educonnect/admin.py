from django.contrib import admin

from .models import AuditEvent

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
