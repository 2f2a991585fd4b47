from django.contrib import admin

from .models import Account, Division, LegalRepresentative, Mef, Student


@admin.register(Mef)
class MefAdmin(admin.ModelAdmin):
    list_display = ["establishment", "code", "label"]
    list_filter = ["establishment"]


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["establishment", "code", "mef"]
    list_filter = ["establishment"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "division", "ine", "establishment", "is_active"]
    list_filter = ["is_active", "establishment"]
    search_fields = ["last_name", "first_name", "ine"]
    list_select_related = ["division", "establishment"]


@admin.register(LegalRepresentative)
class LegalRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "establishment", "is_active"]
    list_filter = ["is_active", "establishment"]
    search_fields = ["last_name", "first_name"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["identifier", "kind", "state", "origin", "establishment"]
    list_filter = ["kind", "state", "origin"]
    search_fields = ["identifier"]
    exclude = ["provisional_password_encrypted", "password_hash"]
    readonly_fields = ["identifier", "state", "student", "representative", "establishment"]
