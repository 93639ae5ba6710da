from django.contrib import admin

from intake.models import AppealCategory


@admin.register(AppealCategory)
class AppealCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "department", "order", "is_active"]
    list_editable = ["order", "is_active"]
