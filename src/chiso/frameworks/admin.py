from django.contrib import admin

from chiso.frameworks.models import CriterionMapping


@admin.register(CriterionMapping)
class CriterionMappingAdmin(admin.ModelAdmin):
    list_display = ("source", "target", "updated")
