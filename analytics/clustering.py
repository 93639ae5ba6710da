"""Hot-topic clustering and ranking (no ORM): documents in, ranked clusters out.

Each document is a TF-IDF vector of its title (words and character 2–3-grams, which catch the names
of estates, schools and roads) and of its first body words at half weight. Documents are grouped by average-linkage
agglomerative clustering on cosine distance, cut where the average similarity inside a cluster
falls below `min_similarity`: average linkage joins a message to a group only if it is close to
the group as a whole, so one shared word does not chain unrelated matters together.

Cost: the pairwise similarity matrix is n² (a 10,000-message window is 400 MB of float32 and takes
seconds); windows beyond that should be split by month or blocked by town first.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from analytics.text import keywords, mask_codes

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


@dataclass
class Cluster:
    members: list[int]  # indices into the documents
    keywords: list[str] = field(default_factory=list)
    title: str = ""
    representative: int = -1
    volume: int = 0
    growth: float = 0.0
    spread: int = 0
    support: int = 0
    score: float = 0.0
    cohesion: dict[int, float] = field(default_factory=dict)  # member → similarity to the centroid


def _title_grams(title: str) -> list[str]:
    compact = _NOT_WORD.sub("", mask_codes(title))
    return ["#" + compact[j : j + n] for n in (2, 3) for j in range(len(compact) - n + 1)]


def _features(docs: Sequence[Doc], *, body_words: int = 60, body_weight: float = 0.5):
    """Rows: title words and title character 2–3-grams (names of estates, schools, roads), then the
    first body words at half weight; each block TF-IDF (rare terms weigh most), the row l2-normalised."""
    ids = [str(i) for i in range(len(docs))]
    # Words in more than 5 % of a large window are background; a small window keeps its common words.
    max_df = max(int(0.05 * len(docs)), min(len(docs), 10))

    def tfidf(analyse):
        return TfidfVectorizer(analyzer=lambda i: analyse(docs[int(i)]), sublinear_tf=True, min_df=2, max_df=max_df)

    try:
        title = tfidf(lambda d: d.title_words + _title_grams(d.title)).fit_transform(ids)
        body = tfidf(lambda d: d.words[:body_words]).fit_transform(ids)
    except ValueError:  # too few documents for min_df=2: nothing recurs, so nothing clusters
        return None
    return normalize(sparse.hstack([title, body * body_weight]).tocsr())


def cluster(docs: Sequence[Doc], *, min_similarity: float = 0.12, min_size: int = 3) -> list[Cluster]:
    """Groups of at least min_size documents whose average pairwise cosine similarity ≥ min_similarity."""
    if len(docs) < min_size:
        return []
    X = _features(docs)
    if X is None:
        return []
    sim = (X @ X.T).toarray().astype(np.float32)
    np.clip(sim, 0.0, 1.0, out=sim)
    dist = 1.0 - sim
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - min_similarity, criterion="distance")
    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[int(label)].append(i)
    out = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        centroid = np.asarray(X[members].mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid) or 1.0
        cohesion = (X[members] @ centroid) / norm
        out.append(Cluster(members=members, cohesion={m: float(c) for m, c in zip(members, cohesion, strict=True)}))
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
        recent = sum(1 for d in members if d.created_at >= middle)
        c.growth = round((recent + 1) / (c.volume - recent + 1), 2)
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


def daily_counts(dates: Sequence[datetime], since: datetime, until: datetime) -> list[list]:
    """[[yyyy-mm-dd, n], ...] for every day of the window (zeros included), for the trend chart."""
    counts = Counter(d.date() for d in dates)
    days = (until.date() - since.date()).days
    out = []
    for n in range(days + 1):
        day = since.date().fromordinal(since.date().toordinal() + n)
        out.append([day.isoformat(), counts.get(day, 0)])
    return out
