"""Writes of the analytics area, one module per capability (routing, duplicates, hot topics, search, lexicon)."""
