from django.contrib import admin

from chiso.plans.models import Commitment, Escalation, Plan, PlanItem, ProgressReport, Responsibility, Task


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ("framework", "criterion", "lead")
    list_filter = ("framework",)
    filter_horizontal = ("supporters",)


class ItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    fields = ("criterion", "lead", "deadline", "status")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "year", "status", "report_every")
    list_filter = ("status", "year")
    inlines = [ItemInline]


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ("criterion", "plan", "lead", "deadline", "status")
    list_filter = ("status",)
    inlines = [TaskInline]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = (
        "item",
        "agency",
        "period_kind",
        "period_year",
        "period_number",
        "percent_done",
        "submitted_at",
    )


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("plan", "agency", "head", "signed_at")


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("item", "agency", "kind", "key", "created")
    list_filter = ("kind",)
