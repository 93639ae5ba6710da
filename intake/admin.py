from django.contrib import admin

from core.admin import CodeListAdmin
from intake.models import AppealCategory


@admin.register(AppealCategory)
class AppealCategoryAdmin(CodeListAdmin):
    list_display = ["name", "name_en", "code", "department", "order", "is_active"]
    list_editable = ["order", "is_active"]
