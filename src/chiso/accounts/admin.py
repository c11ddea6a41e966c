from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from chiso.accounts.changelog import has_logged_changes, why_not_deletable
from chiso.accounts.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "organiser")
    list_filter = ("role", "organiser")
    search_fields = ("user__username", "unit__name", "organiser__name")
    autocomplete_fields = ("unit", "organiser")


class ChisoUserAdmin(UserAdmin):
    """Django's user admin, except that a user named in the change log is shown as not deletable
    (the log is append-only): the admin says so instead of failing."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refused = [why_not_deletable(user) for user in objs if has_logged_changes(user)]
        return deleted, counts, perms_needed, [*protected, *refused]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ChisoUserAdmin)
