from django.contrib import admin
from django.db import transaction

from analytics import lexicon
from analytics.models import LexiconEntry
from core.admin import HistoryAdmin


@admin.register(LexiconEntry)
class LexiconEntryAdmin(HistoryAdmin):
    """The office's words of the segmentation dictionary (place names, government terms): an entry that is
    switched off also removes a shipped default. Segmentation and near-duplicate fingerprints use an edit
    from the next text on; stored fingerprints follow overnight (`rebuild_fingerprints --stale`)."""

    list_display = ("word", "kind", "is_active", "note", "updated_at")
    list_filter = ("kind", "is_active")
    search_fields = ("word", "note")

    def save_model(self, request, obj, form, change):
        obj.word = obj.word.strip()
        super().save_model(request, obj, form, change)
        transaction.on_commit(lexicon.forget)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(lexicon.forget)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(lexicon.forget)
