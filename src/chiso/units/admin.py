from django.contrib import admin

from chiso.units.models import Unit, UnitLineage


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "kind", "valid_from", "valid_to", "region")
    list_filter = ("level", "region")
    search_fields = ("code", "name", "name_en")


@admin.register(UnitLineage)
class UnitLineageAdmin(admin.ModelAdmin):
    list_display = ("old", "new", "effective", "relation")
