"""The user dictionary as data: shipped defaults, the office's entries, and the district's own names."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property

import jieba

from analytics import text

_TTL_SECONDS = 60
_cache: dict[str, object] = {}


def lexicon_words() -> list[str]:
    """Every word segmentation must keep whole: defaults, active office entries, towns, communities, departments."""
    from analytics.models import LexiconEntry
    from district.models import Community, Department, Town

    words = {w for w, _k in text.default_lexicon()}
    words.update(LexiconEntry.objects.filter(is_active=True).values_list("word", flat=True))
    # An office-disabled default is dropped too, so the office can remove a bad default.
    words.difference_update(LexiconEntry.objects.filter(is_active=False).values_list("word", flat=True))
    words.update(Town.objects.values_list("name", flat=True))
    words.update(Community.objects.values_list("name", flat=True))
    for name, short in Department.objects.filter(is_active=True).values_list("name", "short_name"):
        words.add(name)
        if short:
            words.add(short)
    return sorted(w.strip() for w in words if w and w.strip())


def place_names() -> list[str]:
    """Place names (shipped places, the office's place entries, towns and communities), for entity matching."""
    from analytics.models import LexiconEntry
    from district.models import Community, Town

    words = {w for w, k in text.default_lexicon() if k == "place"}
    words.update(LexiconEntry.objects.filter(is_active=True, kind="place").values_list("word", flat=True))
    words.difference_update(LexiconEntry.objects.filter(is_active=False).values_list("word", flat=True))
    words.update(Town.objects.values_list("name", flat=True))
    words.update(Community.objects.values_list("name", flat=True))
    return sorted(w.strip() for w in words if w and w.strip())


@dataclass(frozen=True)
class DistrictPlaces:
    """The district's own administrative names: where an appeal is, never what it is about."""

    towns: dict[int, str]  # Town pk → name
    communities: dict[int, str]  # Community pk → name (the same name may recur in several towns)
    districts: tuple[str, ...]  # the district's own name(s) (Committee.district_name)

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Every name, sorted (a stable tuple: `analytics.text.matter_text` compiles it once)."""
        return tuple(sorted({*self.towns.values(), *self.communities.values(), *self.districts} - {""}))


def district_places() -> DistrictPlaces:
    """The district's towns, communities and name (cached like the tokenizer: at most a minute old)."""
    now = time.monotonic()
    if _cache.get("places_until", 0) < now or "places" not in _cache:  # type: ignore[operator]
        from district.models import Committee, Community, Town

        _cache["places"] = DistrictPlaces(
            towns={pk: name.strip() for pk, name in Town.objects.values_list("pk", "name")},
            communities={pk: name.strip() for pk, name in Community.objects.values_list("pk", "name")},
            districts=tuple(
                sorted(
                    {n.strip() for n in Committee.objects.values_list("district_name", flat=True) if n and n.strip()}
                )
            ),
        )
        _cache["places_until"] = now + _TTL_SECONDS
    return _cache["places"]  # type: ignore[return-value]


def tokenizer() -> jieba.Tokenizer:
    """The tokenizer for this deployment's lexicon (re-read at most once a minute, or after an edit)."""
    now = time.monotonic()
    if _cache.get("until", 0) < now or "tokenizer" not in _cache:  # type: ignore[operator]
        _cache["tokenizer"] = text.tokenizer_for(lexicon_words())
        _cache["until"] = now + _TTL_SECONDS
    return _cache["tokenizer"]  # type: ignore[return-value]


def fingerprint_recipe() -> str:
    """The recipe of fingerprints computed now (`analytics.text.fingerprint_recipe`): it changes when
    the office edits the lexicon or the district's towns and communities, and with the shipped lists."""
    now = time.monotonic()
    if _cache.get("recipe_until", 0) < now or "recipe" not in _cache:  # type: ignore[operator]
        _cache["recipe"] = text.fingerprint_recipe(lexicon_words(), district_places().names)
        _cache["recipe_until"] = now + _TTL_SECONDS
    return _cache["recipe"]  # type: ignore[return-value]


def forget() -> None:
    """Drop the cached tokenizer (after the office edits the lexicon or the district's names)."""
    _cache.clear()
