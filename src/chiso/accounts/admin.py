from django.contrib import admin

from chiso.accounts.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "organiser")
    list_filter = ("role", "organiser")
    search_fields = ("user__username", "unit__name", "organiser__name")
    autocomplete_fields = ("unit", "organiser")
