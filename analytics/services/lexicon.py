"""Edits of the user dictionary."""

from django.db import transaction

from analytics import lexicon
from analytics.models import LexiconEntry


@transaction.atomic
def save_lexicon_entry(*, word: str, kind: str, actor, note: str = "", is_active: bool = True) -> LexiconEntry:
    """Add or update a dictionary word; segmentation uses it from the next text on."""
    entry = LexiconEntry.objects.filter(word=word.strip()).first() or LexiconEntry(word=word.strip())
    entry.kind, entry.note, entry.is_active = kind, note, is_active
    entry.full_clean()
    entry._history_user = actor
    entry.save()
    transaction.on_commit(lexicon.forget)
    return entry
