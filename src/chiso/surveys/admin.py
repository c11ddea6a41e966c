from django.contrib import admin

from chiso.surveys.models import ImportBatch, Questionnaire, Response, Survey, SurveyResult


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("name", "form_id", "version", "origin", "created")
    readonly_fields = ("sha256", "definition")


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "unit_level", "status", "published", "estimated_at")
    list_filter = ("year", "unit_level", "status")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("file_name", "survey", "imported", "invalid_rows", "duplicates", "user", "created")


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("submission_id", "survey", "unit", "respondent_type", "source", "created")
    list_filter = ("survey", "source")
    search_fields = ("submission_id",)
    raw_id_fields = ("unit", "batch")


@admin.register(SurveyResult)
class SurveyResultAdmin(admin.ModelAdmin):
    list_display = ("survey", "unit", "respondent_type", "level", "code", "n", "index", "small_n")
    list_filter = ("survey", "level")
    raw_id_fields = ("unit",)
