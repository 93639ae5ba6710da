"""Data files (vocabularies) read by code; synthetic, not user-facing text."""
