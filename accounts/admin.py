from django.contrib import admin

from .models import Account, Division, LegalRepresentative, Mef, Student, name_search_text
from .structure import forget_structure


class StructureAdmin(admin.ModelAdmin):
    """MEFs and classes come from SIECLE; an operator's edit here drops the lists' cached copy
    (`accounts.structure`), as an import would."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_structure(obj.establishment)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_structure(obj.establishment)

    def delete_queryset(self, request, queryset):
        establishments = {obj.establishment for obj in queryset.select_related("establishment")}
        super().delete_queryset(request, queryset)
        for establishment in establishments:
            forget_structure(establishment)


@admin.register(Mef)
class MefAdmin(StructureAdmin):
    list_display = ["establishment", "code", "label"]
    list_filter = ["establishment"]


@admin.register(Division)
class DivisionAdmin(StructureAdmin):
    list_display = ["establishment", "code", "mef"]
    list_filter = ["establishment"]


class PersonAdmin(admin.ModelAdmin):
    """A name corrected here stays findable in the lists: the folded `search_text` follows it (the
    SIECLE import writes it in its bulk writes)."""

    readonly_fields = ["search_text"]

    def save_model(self, request, obj, form, change):
        obj.search_text = name_search_text(obj.last_name, obj.first_name)
        super().save_model(request, obj, form, change)


@admin.register(Student)
class StudentAdmin(PersonAdmin):
    list_display = ["last_name", "first_name", "division", "ine", "establishment", "is_active"]
    list_filter = ["is_active", "establishment"]
    search_fields = ["last_name", "first_name", "ine"]
    list_select_related = ["division", "establishment"]


@admin.register(LegalRepresentative)
class LegalRepresentativeAdmin(PersonAdmin):
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
