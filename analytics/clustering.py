"""Hot-topic clustering and ranking (no ORM): documents in, ranked clusters out.

Two views of a document:
- what it is about: a TF-IDF vector of its title (words and character 2–3-grams) and of its first
  body words at half weight, with the names of places and organisations and the district's own
  towns and communities taken out; generic words (损坏, 不透明, 缺少, 小区: analytics/data/
  generic_words.txt) weigh GENERIC_WEIGHT of a word that names the matter;
- whom or where it is about: the names in its title (`analytics.text.entities`: estates, schools,
  companies, villages, the lexicon's places, not the district's towns and communities, which hold
  many unrelated matters) as whole names and character bigrams, so 万科魅力之城 and 魅力之城 match.
Their similarity is topic + entity_boost × names × topic with generic words at full weight: messages
about the same estate need far less topical overlap to join (fumes and night noise from the same
shops, its 小区 and its 噪音), while a shared name alone joins nothing (cracked walls in that estate
stay apart), the same complaint about two estates stays apart unless the words nearly coincide, and
two messages naming nothing in common need words of the matter itself (irrigation channels and street
lights share only 损坏). Documents are grouped by average-linkage agglomerative clustering on that
similarity, cut where the average similarity inside a cluster falls below `min_similarity`; then each
member must be that close to the rest of its cluster on average, or it leaves (`_split`), and what left
may form a cluster of its own. So one shared word does not chain unrelated matters together, and a
topic's title and count describe the messages it keeps.

Cost: the pairwise similarity matrix is n² (a 10,000-message window is 400 MB of float32 and takes
seconds); windows beyond that should be split by month or blocked by town first.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from analytics.text import entities, generic_fragments, generic_words, keywords, mask_codes, without_stopwords

_NOT_WORD = re.compile(r"[^\w]|_")


@dataclass
class Doc:
    key: str  # "appeal:12"
    title: str
    words: list[str]  # content words of title + body
    title_words: list[str]
    created_at: datetime
    place: str = ""
    support: int = 0
    names: list[str] | None = None  # places and organisations named in the title (None: found by regex)
    # The district's towns and communities named in the title: where, not what (kept out of the features).
    areas: list[str] = field(default_factory=list)

    def entities(self) -> list[str]:
        if self.names is None:
            self.names = entities(self.title)
        return self.names


@dataclass
class Cluster:
    members: list[int]  # indices into the documents
    keywords: list[str] = field(default_factory=list)
    title: str = ""
    representative: int = -1
    volume: int = 0
    recent: int = 0  # members in the second half of the window
    growth: float = 0.0  # (recent + 1) / (earlier + 1): smoothed, for the ranking only
    spread: int = 0
    support: int = 0
    score: float = 0.0
    cohesion: dict[int, float] = field(default_factory=dict)  # member → similarity to the centroid


MIN_SIMILARITY = 0.12
ENTITY_BOOST = 6.0
# The weight of a generic word (损坏, 不透明, 缺少: analytics/data/generic_words.txt) against a word that
# names the matter: two titles sharing only 损坏 (irrigation channel, street light) stay apart.
GENERIC_WEIGHT = 0.2


def _title_grams(title: str) -> list[str]:
    """Character 2–3-grams of the title, inside runs of word characters between punctuation, removed
    names and stopwords (the demo's （演示） or a 问题 joins no two titles)."""
    runs = [run for run in _NOT_WORD.split(without_stopwords(mask_codes(title))) if run]
    return ["#" + run[j : j + n] for run in runs for n in (2, 3) for j in range(len(run) - n + 1)]


def _without_names(text: str, names: Sequence[str]) -> str:
    for name in names:
        text = text.replace(name, " ")
    return text


def _entity_terms(names: Sequence[str]) -> list[str]:
    out = []
    for name in names:
        out.append("@" + name)
        out += ["@" + name[j : j + 2] for j in range(len(name) - 1)]
    return out


def _features(docs: Sequence[Doc], *, body_words: int = 60, body_weight: float = 0.5):
    """(topic rows, topic rows with generic words at full weight, name rows). Topic: title words and
    title character 2–3-grams, then the first body words at half weight, without the names and the
    district's areas; each block TF-IDF (rare terms weigh most), generic words (损坏, 不透明, 小区)
    at GENERIC_WEIGHT, the row l2-normalised. Names: TF-IDF of whole names and their bigrams,
    l2-normalised (None if no name recurs)."""
    # scikit-learn and SciPy are imported where they are used: importing them takes seconds, and
    # this module is imported with the URLs (the hot-topics page), i.e. by every server process's
    # first request, which need not wait for them.
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    ids = [str(i) for i in range(len(docs))]
    # Words in more than 5 % of a large window are background; a small window keeps its common words.
    max_df = max(int(0.05 * len(docs)), min(len(docs), 10))
    names = [d.entities() for d in docs]

    def inside(word: str, own: Sequence[str]) -> bool:
        return any(word in name for name in own)

    def tfidf(analyse, **kw):
        return TfidfVectorizer(analyzer=lambda i: analyse(int(i)), sublinear_tf=True, min_df=2, **kw)

    def fit(vectorizer):
        """The TF-IDF rows and the weight of each column (GENERIC_WEIGHT for a generic term, else 1)."""
        rows = vectorizer.fit_transform(ids)
        generic, fragments = generic_words(), generic_fragments()
        terms = vectorizer.get_feature_names_out()
        weights = np.array([GENERIC_WEIGHT if t in generic or t.lstrip("#") in fragments else 1.0 for t in terms])
        return rows, weights

    try:
        title, title_weights = fit(
            tfidf(
                lambda i: (
                    [w for w in docs[i].title_words if not inside(w, names[i])]
                    + _title_grams(_without_names(docs[i].title, [*names[i], *docs[i].areas]))
                ),
                max_df=max_df,
            )
        )
        body, body_weights = fit(
            tfidf(lambda i: [w for w in docs[i].words[:body_words] if not inside(w, names[i])], max_df=max_df)
        )
    except ValueError:  # too few documents for min_df=2: nothing recurs, so nothing clusters
        return None, None, None
    plain = sparse.hstack([title, body * body_weight]).tocsr()
    weights = np.concatenate([title_weights, body_weights])
    topic = normalize(sparse.csr_matrix(plain.multiply(weights[None, :])))
    try:
        named = normalize(tfidf(lambda i: _entity_terms(names[i])).fit_transform(ids))
    except ValueError:  # no name occurs twice
        named = None
    return topic, normalize(plain), named


def similarity(docs: Sequence[Doc], *, entity_boost: float = ENTITY_BOOST) -> tuple[np.ndarray | None, object]:
    """The pairwise similarity matrix and the topic rows. Similarity: topic + boost × names × plain
    topic, clipped to 0..1, where topic weighs generic words at GENERIC_WEIGHT and plain topic at full
    weight: two messages naming the same estate share their generic words too (its 小区, its 噪音),
    two messages naming nothing in common need words of the matter itself."""
    topic, plain, named = _features(docs)
    if topic is None:
        return None, None
    sim = (topic @ topic.T).toarray().astype(np.float32)
    if named is not None and entity_boost:
        # Sparse until the sum: only pairs sharing a name (and a word) add anything.
        boost = ((named @ named.T).multiply(plain @ plain.T) * entity_boost).tocoo()
        sim[boost.row, boost.col] += boost.data.astype(np.float32)
    np.clip(sim, 0.0, 1.0, out=sim)
    return sim, topic


def cluster(
    docs: Sequence[Doc],
    *,
    min_similarity: float = MIN_SIMILARITY,
    min_size: int = 3,
    entity_boost: float = ENTITY_BOOST,
) -> list[Cluster]:
    """Groups of at least min_size documents whose average pairwise similarity ≥ min_similarity, and
    each member's average similarity to the others too (`_split`)."""
    if len(docs) < min_size:
        return []
    sim, X = similarity(docs, entity_boost=entity_boost)
    if sim is None:
        return []
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    dist = 1.0 - sim
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - min_similarity, criterion="distance")
    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[int(label)].append(i)
    out = []
    kept = [
        m
        for members in groups.values()
        if len(members) >= min_size
        for m in _split(members, sim, min_similarity, min_size)
    ]
    for members in kept:
        centroid = np.asarray(X[members].mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid) or 1.0
        cohesion = (X[members] @ centroid) / norm
        out.append(Cluster(members=members, cohesion={m: float(c) for m, c in zip(members, cohesion, strict=True)}))
    return out


def _split(members: list[int], sim: np.ndarray, min_similarity: float, min_size: int) -> list[list[int]]:
    """The cluster without the members that are not close to it as a whole: while a member's average
    similarity to the other members (its similarity to the cluster's centre, in the measure the
    clustering uses) is below min_similarity, the farthest leaves. What left is split again the same
    way, so a second matter chained in through one shared word becomes its own cluster (or none)."""
    out = []
    pending = [list(members)]
    while pending:
        group = pending.pop()
        left: list[int] = []
        while len(group) >= min_size:
            inner = sim[np.ix_(group, group)]
            closeness = (inner.sum(axis=1) - np.diag(inner)) / (len(group) - 1)
            farthest = int(np.argmin(closeness))
            if closeness[farthest] >= min_similarity:
                break
            left.append(group.pop(farthest))
        if len(group) >= min_size:
            out.append(sorted(group))
        if len(left) >= min_size:
            pending.append(left)
    return out


def describe_and_rank(
    docs: Sequence[Doc], clusters: list[Cluster], *, since: datetime, until: datetime, top: int = 20
) -> list[Cluster]:
    """Label each cluster (keywords, representative title) and rank by volume, growth, spread, support."""
    df: Counter = Counter()
    for d in docs:
        df.update(set(d.words))
    middle = since + (until - since) / 2
    for c in clusters:
        members = [docs[i] for i in c.members]
        c.keywords = keywords([d.words for d in members], df, len(docs), k=6)
        c.representative = max(c.members, key=lambda i: (c.cohesion.get(i, 0), -i))
        c.title = docs[c.representative].title
        c.volume = len(members)
        c.recent = sum(1 for d in members if d.created_at >= middle)
        c.growth = round((c.recent + 1) / (c.volume - c.recent + 1), 2)
        c.spread = len({d.place for d in members if d.place})
        c.support = sum(d.support for d in members)
        # Volume dominates; growth, spread and public support each add a bounded share.
        c.score = round(
            math.log1p(c.volume) * max(0.25, 1 + 0.5 * math.log(c.growth)) * (1 + 0.15 * math.log1p(c.spread))
            + 0.3 * math.log1p(c.support),
            4,
        )
    clusters.sort(key=lambda c: (-c.score, -c.volume, c.title))
    return clusters[:top]


# The longest window one run may cover (the statistics' date ranges have the same cap): mining is
# n² in the window's messages, and a candidate topic is about what people raise now.
MAX_WINDOW_YEARS = 5
# A trend has one bar per day up to about a quarter, per week up to two years, per month beyond:
# at most about a hundred bars, whatever the window.
DAILY_UP_TO_DAYS = 92
WEEKLY_UP_TO_DAYS = 731


def window_too_long(since: date, until: date) -> bool:
    """Whether [since, until] is longer than MAX_WINDOW_YEARS (counted as 366-day years, as the
    statistics' PeriodForm counts them)."""
    return (until - since).days > 366 * MAX_WINDOW_YEARS


def window_too_long_message() -> str:
    """What the mining form and service say of a window over MAX_WINDOW_YEARS."""
    from django.utils.translation import gettext as _

    return _("挖掘时间范围不能超过%(n)s年，请缩短起止日期。") % {"n": MAX_WINDOW_YEARS}


def trend_unit(since: datetime | date, until: datetime | date) -> str:
    """The trend's bucket for a window: "day", "week" or "month"."""
    days = (_day(until) - _day(since)).days
    if days <= DAILY_UP_TO_DAYS:
        return "day"
    return "week" if days <= WEEKLY_UP_TO_DAYS else "month"


def unit_of(trend: Sequence[Sequence], since: datetime, until: datetime) -> str:
    """The bucket a stored trend was counted by (runs before weekly and monthly trends are daily)."""
    if len(trend) >= 2:
        gap = (date.fromisoformat(trend[1][0]) - date.fromisoformat(trend[0][0])).days
        return "day" if gap == 1 else "week" if gap == 7 else "month"
    return trend_unit(since, until)


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _bucket(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())  # the Monday of its week
    if unit == "month":
        return day.replace(day=1)
    return day


def _next(start: date, unit: str) -> date:
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=1)


def trend_counts(dates: Sequence[datetime], since: datetime, until: datetime) -> list[list]:
    """[[yyyy-mm-dd, n], ...] for every bucket of the window (zeros included), for the trend chart:
    days, weeks (dated by their Monday) or months (by their first day), as `trend_unit` chooses.
    Dates are read in since's time zone (pass local times: a day is the district's day)."""
    unit = trend_unit(since, until)
    zone = since.tzinfo
    counts = Counter(_bucket((d.astimezone(zone) if zone and d.tzinfo else d).date(), unit) for d in dates)
    out = []
    bucket, last = _bucket(since.date(), unit), _bucket(until.date(), unit)
    while bucket <= last:
        out.append([bucket.isoformat(), counts.get(bucket, 0)])
        bucket = _next(bucket, unit)
    return out
