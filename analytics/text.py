"""Pure text functions for Chinese: segmentation, tokens for search, keywords, shingles and MinHash.

No ORM here: the lexicon arrives as a list of words, so these functions are fast to unit-test.
`analytics.lexicon` loads the words (defaults in analytics/data/ plus the office's entries).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import jieba
import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
jieba.setLogLevel(logging.WARNING)

# A token worth keeping: at least one CJK character, letter or digit.
_WORDLIKE = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_SPACE = re.compile(r"\s+")
# Pseudonymised or coded places (A市, B3区) and numbers carry no topic of their own.
_CODES = re.compile(r"[A-Za-z]+\d*")
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def _read_lines(name: str) -> list[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def default_lexicon() -> tuple[tuple[str, str], ...]:
    """The shipped user dictionary: (word, kind) pairs from analytics/data/lexicon.tsv."""
    out = []
    for line in _read_lines("lexicon.tsv"):
        word, _sep, kind = line.partition("\t")
        out.append((word.strip(), (kind or "term").strip()))
    return tuple(out)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Words that carry no topic (analytics/data/stopwords.txt)."""
    return frozenset(_read_lines("stopwords.txt"))


# Full-width ASCII forms and the ideographic space, mapped as NFKC maps them: Chinese text is full of
# them (，？！：), and they alone send most texts down unicodedata's slow path.
_WIDE = re.compile("[\uff01-\uff5e\u3000]")
_WIDE_TO_NARROW = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in [*range(0xFF01, 0xFF5F), 0x3000]}


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), ~3× faster on typical Chinese text: the full-width forms
    are mapped first, and the full normalisation runs only if the rest is not already NFKC."""
    text = _WIDE.sub(lambda m: _WIDE_TO_NARROW[m.group()], text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case, collapsed whitespace."""
    return _SPACE.sub(" ", nfkc(text or "")).strip().lower()


def mask_codes(text: str) -> str:
    """Replace letter codes and numbers with placeholders, so '3栋' and '5栋' look alike to a model."""
    return _NUMBERS.sub("0", _CODES.sub("a", text))


def lexicon_key(words: Iterable[str]) -> str:
    """A short stable digest of a word list (to cache one tokenizer per lexicon)."""
    return hashlib.blake2b("\n".join(sorted(set(words))).encode(), digest_size=8).hexdigest()


# How `shingles` reads a text; raise it with every change to that code, so stored fingerprints
# computed the old way are known as stale (`fingerprint_recipe`).
SHINGLE_FORMAT = 2


def fingerprint_recipe(words: Iterable[str], places: Iterable[str]) -> str:
    """A short digest of everything an appeal's fingerprint depends on besides its text: the shingling
    code's format, the MinHash and band sizes, the shipped word lists (stopwords, stop characters,
    letter formulas) and the deployment's lexicon and place names. Two fingerprints are comparable
    only if their recipes are equal."""
    parts = [
        f"{SHINGLE_FORMAT}:{MINHASH_PERMUTATIONS}:{LSH_BANDS}",
        lexicon_key(words),
        lexicon_key(places),
        lexicon_key(stopwords()),
        lexicon_key(_STOP_CHARS),
        lexicon_key(letter_phrases()),
    ]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


_tokenizers: dict[str, jieba.Tokenizer] = {}


def tokenizer_for(words: Sequence[str]) -> jieba.Tokenizer:
    """A jieba tokenizer with these user words added (one per distinct lexicon, cached)."""
    key = lexicon_key(words)
    tok = _tokenizers.get(key)
    if tok is None:
        tok = jieba.Tokenizer()
        tok.initialize()
        for word in words:
            # A high frequency makes jieba keep the word whole instead of splitting it.
            tok.add_word(word, freq=max(tok.suggest_freq(word), 50_000))
        if len(_tokenizers) > 4:
            _tokenizers.clear()
        _tokenizers[key] = tok
    return tok


def default_tokenizer() -> jieba.Tokenizer:
    """A tokenizer with only the shipped lexicon (for scripts and tests without a database)."""
    return tokenizer_for([w for w, _k in default_lexicon()])


def _keep(token: str) -> bool:
    return bool(token.strip()) and bool(_WORDLIKE.search(token))


def segment(text: str, tokenizer: jieba.Tokenizer | None = None) -> list[str]:
    """Words of text (precise mode), punctuation and spaces dropped, lower-cased."""
    tok = tokenizer or default_tokenizer()
    return [t for t in tok.lcut(normalize(text), HMM=True) if _keep(t)]


def search_tokens(text: str, tokenizer: jieba.Tokenizer | None = None) -> list[str]:
    """Words for a full-text index: search mode also emits the parts of long words (噪音扰民 → 噪音, 扰民)."""
    tok = tokenizer or default_tokenizer()
    return [t for t in tok.lcut_for_search(normalize(text), HMM=True) if _keep(t)]


def query_terms(query: str, tokenizer: jieba.Tokenizer | None = None) -> list[str]:
    """The distinct words of a search query, in order (all must match)."""
    seen: dict[str, None] = {}
    for t in segment(query, tokenizer):
        seen.setdefault(t, None)
    return list(seen)


def content_words(text: str, tokenizer: jieba.Tokenizer | None = None) -> list[str]:
    """Words that say what a text is about: no stopwords, no single characters, no bare numbers."""
    stop = stopwords()
    return [
        t
        for t in segment(mask_codes(text), tokenizer)
        if len(t) >= 2 and t not in stop and not t.isdigit() and t not in {"a", "0"}
    ]


def keywords(doc_words: Sequence[Sequence[str]], background_df: Counter, n_background: int, k: int = 5) -> list[str]:
    """The k words that best characterise a group of documents against a background (tf × idf)."""
    tf: Counter = Counter()
    df: Counter = Counter()
    for words in doc_words:
        tf.update(words)
        df.update(set(words))
    scores = {}
    for word, count in tf.items():
        # Words most documents of the group share, rare in the background.
        idf = math.log((1 + n_background) / (1 + background_df.get(word, 0))) + 1
        scores[word] = (df[word] / max(len(doc_words), 1)) * math.log1p(count) * idf
    return [w for w, _s in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


@lru_cache(maxsize=1)
def _entity_pattern() -> re.Pattern:
    suffixes = sorted(_read_lines("entity_suffixes.txt"), key=len, reverse=True)
    breaks = re.escape("".join(_read_lines("entity_breaks.txt")))
    name_char = rf"[^\s\d\W{breaks}]"
    return re.compile(rf"({name_char}{{2,6}}?(?:{'|'.join(map(re.escape, suffixes))}))")


def entities(title: str, places: Iterable[str] = (), areas: Iterable[str] = ()) -> list[str]:
    """Names of places and organisations in a title: 2–6 name characters before a known ending
    (小区, 学院, 公司, ... in analytics/data/entity_suffixes.txt), plus any of `places` (the lexicon's
    place names) it contains. Letter codes (A市, B3区) are dropped first: they name no one place; so
    are `areas` (the district's own towns and communities): they say where, and one community holds
    many unrelated matters, so they never count as a shared name (新民镇顶厝社区 is no estate)."""
    plain = _CODES.sub(" ", unicodedata.normalize("NFKC", title or ""))
    areas = {a for a in areas if len(a) >= 2}
    for area in sorted(areas, key=len, reverse=True):
        plain = plain.replace(area, " ")
    found = [m.group(1) for m in _entity_pattern().finditer(plain)]
    found += [p for p in places if len(p) >= 2 and p in plain and not any(p in f for f in found) and p not in areas]
    return list(dict.fromkeys(found))


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """Words that say what kind of trouble, not which matter (损坏, 不透明, 缺少: analytics/data/generic_words.txt)."""
    return frozenset(normalize(w) for w in _read_lines("generic_words.txt"))


@lru_cache(maxsize=1)
def generic_fragments() -> frozenset[str]:
    """The generic words and every piece of two or more characters of them (for character n-grams)."""
    return frozenset(w[i:j] for w in generic_words() for i in range(len(w)) for j in range(i + 2, len(w) + 1))


def highlight_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of the terms in text, case-insensitive, left to right."""
    lowered = text.lower()
    spans = []
    for term in sorted({t.lower() for t in terms if t}, key=len, reverse=True):
        start = lowered.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = lowered.find(term, start + len(term))
    spans.sort(key=lambda span: (span[0], -span[1]))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            continue
        merged.append((s, e))
    return merged


def snippet(text: str, terms: Iterable[str], width: int = 80) -> list[tuple[str, bool]]:
    """A window of text around the first hit, as (piece, is_hit) parts for safe rendering."""
    text = _SPACE.sub(" ", text or "").strip()
    spans = highlight_spans(text, terms)
    start = max(0, spans[0][0] - width // 4) if spans else 0
    end = min(len(text), start + width)
    parts: list[tuple[str, bool]] = []
    if start > 0:
        parts.append(("…", False))
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        if s > pos:
            parts.append((text[pos:s], False))
        parts.append((text[s:e], True))
        pos = e
    if pos < end:
        parts.append((text[pos:end], False))
    if end < len(text):
        parts.append(("…", False))
    return parts


# Near-duplicates: MinHash over shingles, banded for locality-sensitive hashing.

MINHASH_PRIME = (1 << 31) - 1
MINHASH_PERMUTATIONS = 64
LSH_BANDS = 32  # 32 bands of 2 rows: a pair with Jaccard 0.3 becomes a candidate with p ≈ 0.95


_STOP_CHARS = frozenset("".join(_read_lines("stopchars.txt")))
_RUNS = re.compile(r"\w+")


@lru_cache(maxsize=1)
def letter_phrases() -> tuple[str, ...]:
    """The formula phrases of citizens' letters (analytics/data/letter_phrases.txt), normalised."""
    return tuple(dict.fromkeys(normalize(p) for p in _read_lines("letter_phrases.txt")))


@lru_cache(maxsize=8)
def _boilerplate(places: tuple[str, ...]) -> re.Pattern | None:
    names = {normalize(p) for p in places if len(p.strip()) >= 2} | set(letter_phrases())
    names.discard("")
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))) if names else None


def matter_text(text: str, places: Sequence[str] = ()) -> str:
    """The normalised text without the names of `places` (the district's towns and communities) and
    without the letter formulas (我是…的居民，希望有关部门尽快了解情况并解决): what is left is the matter.
    Each removed phrase leaves a space, so no shingle spans the gap. Pass `places` as a tuple kept
    between calls (the pattern is compiled once per tuple)."""
    pattern = _boilerplate(places if isinstance(places, tuple) else tuple(places))
    return pattern.sub(" ", normalize(text)) if pattern else normalize(text)


def shingles(text: str, tokenizer: jieba.Tokenizer | None = None, places: Sequence[str] = ()) -> set[str]:
    """What a near-duplicate shares: content words and character bigrams of the matter (`matter_text`:
    the text without the place names and letter formulas every letter of a place shares whatever it is
    about). Bigrams are taken inside runs of word characters, never across punctuation or a removed
    phrase or a stopword, and a bigram with a stop character is no shingle."""
    matter = matter_text(text, places)
    words = content_words(matter, tokenizer)
    stop = stopwords()
    runs = _RUNS.findall(without_stopwords(mask_codes(matter)))
    bigrams = {run[i : i + 2] for run in runs for i in range(len(run) - 1)}
    return set(words) | {b for b in bigrams if not (set(b) & _STOP_CHARS) and b not in stop}


@lru_cache(maxsize=1)
def _stopword_pattern() -> re.Pattern | None:
    words = sorted((w for w in stopwords() if len(w) >= 2), key=lambda w: (-len(w), w))
    return re.compile("|".join(map(re.escape, words))) if words else None


def without_stopwords(text: str) -> str:
    """The text with each stopword of two or more characters replaced by a space, so character n-grams
    are taken between them (希望尽快 gives no 望尽)."""
    pattern = _stopword_pattern()
    return pattern.sub(" ", text) if pattern else text


@lru_cache(maxsize=4)
def _permutations(n: int, seed: int = 20220101) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, MINHASH_PRIME, size=n, dtype=np.int64)
    b = rng.integers(0, MINHASH_PRIME, size=n, dtype=np.int64)
    return a, b


def minhash(items: Iterable[str], n: int = MINHASH_PERMUTATIONS) -> list[int]:
    """A MinHash signature of a set of strings (stable across processes: crc32, fixed seed)."""
    hashes = np.fromiter((zlib.crc32(s.encode()) % MINHASH_PRIME for s in items), dtype=np.int64)
    if hashes.size == 0:
        return [MINHASH_PRIME] * n
    a, b = _permutations(n)
    return ((np.outer(a, hashes) + b[:, None]) % MINHASH_PRIME).min(axis=1).tolist()


def lsh_bands(signature: Sequence[int], bands: int = LSH_BANDS) -> list[int]:
    """One 63-bit bucket key per band; two signatures sharing any key are duplicate candidates."""
    rows = len(signature) // bands
    keys = []
    for band in range(bands):
        chunk = ",".join(str(v) for v in signature[band * rows : (band + 1) * rows])
        digest = hashlib.blake2b(f"{band}:{chunk}".encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)
    return keys


def signature_similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the two sets behind two MinHash signatures."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def jaccard(a: set, b: set) -> float:
    """Exact Jaccard similarity of two sets."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)
