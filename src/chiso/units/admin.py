from django.contrib import admin

from chiso.units.models import Block, BlockMembership, Organiser, Unit, UnitLineage


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "kind", "valid_from", "valid_to", "region")
    list_filter = ("level", "region")
    search_fields = ("code", "name", "name_en")


@admin.register(Organiser)
class OrganiserAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "parent")
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("unit", "parent")


@admin.register(UnitLineage)
class UnitLineageAdmin(admin.ModelAdmin):
    list_display = ("old", "new", "effective", "relation")


class BlockMembershipInline(admin.TabularInline):
    model = BlockMembership
    extra = 1
    autocomplete_fields = ("unit",)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "organiser", "order")
    autocomplete_fields = ("organiser",)
    search_fields = ("code", "name", "name_en")
    inlines = (BlockMembershipInline,)


@admin.register(BlockMembership)
class BlockMembershipAdmin(admin.ModelAdmin):
    list_display = ("unit", "block", "valid_from", "valid_to")
    list_filter = ("block",)
    search_fields = ("unit__code", "unit__name")
    autocomplete_fields = ("unit",)
