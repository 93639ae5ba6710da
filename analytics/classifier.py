"""The routing classifier: one shared set of TF-IDF features, one linear SVM per head (no ORM).

Features are character 1–2-grams of the whole text plus character 1–2-grams of its head (the title
carries most of the matter: the text up to its first punctuation mark or the opening of the letter,
尊敬/您好/我是…, at most 60 characters), after masking codes and numbers. Classes are weighted by
(balanced weight) ** 1.5, which favours small classes a little more than "balanced" does. No word
segmentation at prediction time: jieba costs ~2 ms for a long appeal, the character features give
the same accuracy (benchmarks/README.md) and keep prediction well under a millisecond.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from analytics.text import _read_lines, mask_codes, normalize

# scikit-learn, SciPy and joblib are imported where they are used: together they take seconds to
# import, and this module comes in with the URLs (appeal routing), i.e. with every server process's
# first request, most of which never classify anything.
if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

HEAD_CHARS = 60
# The head (title) ends at the first of these marks, or where the body of the letter opens
# (analytics/data/body_openers.txt).
HEAD_BREAKS = frozenset("，。！？；：,.!?;:、")
MIN_HEAD_CHARS = 4
# Class weights are the "balanced" ones raised to this power (cross-validated on the benchmark).
CLASS_WEIGHT_POWER = 1.5
# Softmax of SVM margins × this scale: margins are ~±1, so this spreads confidences over 0..1.
CONFIDENCE_SCALE = 3.0


def prepare(text: str) -> str:
    return mask_codes(normalize(text))


HEAD_MARK = "\x00"
# Integer keys of grams at prediction time (Features._keys): pairs start above every code point,
# head grams above every pair.
_CODE_SPACE = 0x110000
_HEAD_OFFSET = (_CODE_SPACE + 1) * _CODE_SPACE
_KEY_SPACE = 2 * _HEAD_OFFSET  # keys of one row; row × _KEY_SPACE + key fits int64 up to 3.8M rows
_MAX_ROWS = 1_000_000  # texts per transform pass; longer lists are transformed in chunks


@lru_cache(maxsize=1)
def body_openers() -> tuple[str, ...]:
    return tuple(_read_lines("body_openers.txt"))


def head_of(text: str, limit: int = HEAD_CHARS) -> str:
    """The title of a prepared text: up to the first punctuation mark or body opener, at most `limit`
    characters (and at least MIN_HEAD_CHARS: a text that opens with 您好 keeps its first words)."""
    cut = next((i for i, c in enumerate(text[:limit]) if c in HEAD_BREAKS), limit)
    for opener in body_openers():
        i = text.find(opener, 0, limit)
        if 0 < i < cut:
            cut = i
    return text[: max(cut, MIN_HEAD_CHARS)]


def _tfidf(texts: Sequence[str]) -> tuple[TfidfVectorizer, sparse.csr_matrix]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, lowercase=False, dtype=np.float32)
    return vec, vec.fit_transform(texts)


class Features:
    """Character 1–2-gram TF-IDF of the whole text and of its head, each l2-normalised, head scaled.

    The head is `head_of(text)` (cut_title) or, in models stored before that rule, the first
    head_chars characters.

    Fitted by scikit-learn; applied with numpy: scikit-learn's transform spends ~1 ms per call on
    validation and a Python n-gram loop, while turning each gram into an integer (its code points),
    finding it in the sorted vocabulary keys and counting (row, column) pairs gives the same vectors
    several times faster (the tests check it).
    """

    def __init__(self, head_weight: float = 0.5, head_chars: int = HEAD_CHARS, cut_title: bool = True) -> None:
        self.head_weight = head_weight
        self.head_chars = head_chars
        self.cut_title = cut_title
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float32)
        self.n_whole = 0

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        from scipy import sparse

        prepared = [prepare(t) for t in texts]
        whole_vec, whole = _tfidf(prepared)
        head_vec, head = _tfidf([self.head(t) for t in prepared])
        self.n_whole = len(whole_vec.vocabulary_)
        self.vocabulary = {g: int(i) for g, i in whole_vec.vocabulary_.items()}
        self.vocabulary.update({HEAD_MARK + g: int(i) + self.n_whole for g, i in head_vec.vocabulary_.items()})
        self.idf = np.concatenate([whole_vec.idf_, head_vec.idf_]).astype(np.float32)
        return sparse.hstack([whole, head * self.head_weight], format="csr")

    def head(self, text: str) -> str:
        # Models pickled before cut_title existed have no such attribute: they keep the fixed head.
        if getattr(self, "cut_title", False):
            return head_of(text, self.head_chars)
        return text[: self.head_chars]

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_gram_table", None)  # derived from the vocabulary, rebuilt on first use
        return state

    def _table(self) -> tuple[np.ndarray, np.ndarray]:
        """The vocabulary as sorted integer gram keys and their column ids (see _keys)."""
        table = self.__dict__.get("_gram_table")
        if table is None:
            keys = np.empty(len(self.vocabulary), dtype=np.int64)
            ids = np.empty(len(self.vocabulary), dtype=np.int64)
            for n, (gram, column) in enumerate(self.vocabulary.items()):
                in_head = gram.startswith(HEAD_MARK)
                codes = [ord(c) for c in (gram[1:] if in_head else gram)]
                key = codes[0] if len(codes) == 1 else (codes[0] + 1) * _CODE_SPACE + codes[1]
                keys[n], ids[n] = key + (_HEAD_OFFSET if in_head else 0), column
            order = np.argsort(keys)
            table = self._gram_table = (keys[order], ids[order])
        return table

    def _keys(self, text: str) -> np.ndarray:
        """Every 1- and 2-gram of a prepared text and of its head as an integer: a character's code
        point, (first + 1) × 0x110000 + second for a pair, plus _HEAD_OFFSET for the head's grams."""
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        head = codes[: len(self.head(text))]  # the head is always a prefix of the text
        pairs = (codes[:-1] + 1) * _CODE_SPACE + codes[1:]
        head_pairs = (head[:-1] + 1) * _CODE_SPACE + head[1:]
        return np.concatenate([codes, pairs, head + _HEAD_OFFSET, head_pairs + _HEAD_OFFSET])

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The rows fit_transform would give these texts (grams unseen in training are dropped)."""
        from scipy import sparse

        if len(texts) > _MAX_ROWS:  # row × _KEY_SPACE + key must stay within int64
            return sparse.vstack(
                [self.transform(texts[i : i + _MAX_ROWS]) for i in range(0, len(texts), _MAX_ROWS)], format="csr"
            )
        n_rows, n_columns = len(texts), len(self.idf)
        keys, columns = self._table()
        grams = [self._keys(prepare(text)) for text in texts]
        lengths = np.fromiter(map(len, grams), dtype=np.int64, count=n_rows)
        rows = np.repeat(np.arange(n_rows, dtype=np.int64), lengths)
        every = rows * _KEY_SPACE + (np.concatenate(grams) if grams else np.zeros(0, dtype=np.int64))
        # Counting first leaves each row's distinct grams in ascending order, so the lookups in the
        # sorted vocabulary walk it forwards (several times faster than looking up every gram).
        cells, tf = np.unique(every, return_counts=True)
        row, gram = np.divmod(cells, _KEY_SPACE)
        pos = np.minimum(np.searchsorted(keys, gram), max(len(keys) - 1, 0))
        known = keys[pos] == gram if len(keys) else np.zeros(len(gram), dtype=bool)
        row, tf, idx = row[known], tf[known], columns[pos[known]]
        val = (1.0 + np.log(tf.astype(np.float32))) * self.idf[idx]
        in_head = idx >= self.n_whole
        # One norm per (row, block): whole text and head are normalised separately, as in training.
        key = row * 2 + in_head
        norms = np.sqrt(np.bincount(key, weights=val * val, minlength=2 * n_rows))
        norms[norms == 0] = 1.0
        val = val * np.where(in_head, self.head_weight, 1.0) / norms[key]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=n_rows))])
        return sparse.csr_matrix((val.astype(np.float32), idx, indptr), shape=(n_rows, n_columns))


@dataclass
class Head:
    """One prediction target (category, department, handler): linear weights, or a constant."""

    classes: list[str]
    weights: np.ndarray | None = None  # features × classes, so one row gather per feature
    intercept: np.ndarray | None = None

    @classmethod
    def from_svm(cls, svm: LinearSVC) -> Head:
        coef = np.asarray(svm.coef_, dtype=np.float32)
        intercept = np.asarray(svm.intercept_, dtype=np.float32)
        if coef.shape[0] == 1:  # two classes: one margin, positive means classes[1]
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        return cls(classes=[str(c) for c in svm.classes_], weights=np.ascontiguousarray(coef.T), intercept=intercept)

    def scores(self, X: sparse.csr_matrix) -> np.ndarray:
        if self.weights is None:
            return np.ones((X.shape[0], 1), dtype=np.float32)
        return np.asarray(X @ self.weights) + self.intercept


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float


@dataclass
class RoutingModel:
    features: Features
    heads: dict[str, Head]

    def predict(self, texts: Sequence[str]) -> list[dict[str, Prediction]]:
        """For each text, the best label of every head with its confidence (softmax of the margins)."""
        X = self.features.transform(texts)
        per_head = {}
        for name, head in self.heads.items():
            s = head.scores(X) * CONFIDENCE_SCALE
            p = np.exp(s - s.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            best = p.argmax(axis=1)
            per_head[name] = [Prediction(head.classes[b], float(p[r, b])) for r, b in enumerate(best)]
        return [{name: per_head[name][r] for name in self.heads} for r in range(len(texts))]

    def predict_one(self, text: str) -> dict[str, Prediction]:
        return self.predict([text])[0]

    def predict_labels(self, texts: Sequence[str], head: str) -> list[str]:
        return [p[head].label for p in self.predict(texts)]

    def dumps(self) -> bytes:
        import joblib

        buf = io.BytesIO()
        joblib.dump(self, buf, compress=3)
        return buf.getvalue()

    @staticmethod
    def loads(data: bytes) -> RoutingModel:
        import joblib

        return joblib.load(io.BytesIO(data))


def _bias_for_macro_f1(X, y: np.ndarray, C: float, folds: int = 5, power: float = 1.0) -> np.ndarray:
    """Per-class offsets added to the margins that maximise macro-F1 of out-of-fold predictions.

    A balanced SVM still under-predicts small classes whose words overlap big ones (交通运输 inside
    城乡建设); shifting each class's margin, chosen by cross-validation on the training rows only,
    buys back their recall.
    """
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    classes = np.unique(y)
    scores = np.zeros((len(y), len(classes)), dtype=np.float32)
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
        svm, _labels = _fit_svm(X[tr], y[tr], C, power)
        s = svm.decision_function(X[te])
        scores[te] = np.column_stack([-s, s]) if s.ndim == 1 else s
    truth = np.searchsorted(classes, y)

    def macro_f1(bias):
        return f1_score(truth, (scores + bias).argmax(axis=1), average="macro")

    bias = np.zeros(len(classes), dtype=np.float32)
    best = macro_f1(bias)
    for _round in range(2):
        for j in range(len(classes)):
            for step in np.linspace(-0.4, 0.4, 17):
                trial = bias.copy()
                trial[j] = step
                f = macro_f1(trial)
                if f > best + 1e-6:
                    best, bias = f, trial
    return bias


def _class_weights(y: np.ndarray, power: float) -> dict[str, float]:
    classes, counts = np.unique(y, return_counts=True)
    weights = (len(y) / (len(classes) * counts)) ** power
    return {str(c): float(w) for c, w in zip(classes, weights, strict=True)}


def _fit_svm(X, y: np.ndarray, C: float, power: float) -> tuple[LinearSVC, list[str]]:
    """A LinearSVC with class weights balanced ** power, and its labels in the order of its margins.

    It is fitted on class indices: scikit-learn reads a class_weight key such as the department id
    "3" as the integer 3 and refuses it. (Sample weights would not do instead: liblinear's
    one-vs-rest applies a class weight to that class's own problem only, not to every problem.)"""
    from sklearn.svm import LinearSVC

    labels, codes = np.unique(y, return_inverse=True)
    weights = _class_weights(y, power)
    svm = LinearSVC(C=C, class_weight={i: weights[str(c)] for i, c in enumerate(labels)})
    return svm.fit(X, codes), [str(c) for c in labels]


def train(
    texts: Sequence[str],
    labels: dict[str, Sequence[str | None]],
    *,
    C: float = 1.0,
    head_weight: float = 0.5,
    head_chars: int = HEAD_CHARS,
    cut_title: bool = True,
    class_weight_power: float = CLASS_WEIGHT_POWER,
    tune_bias: bool = False,
) -> RoutingModel:
    """Fit the features once and one class-weighted linear SVM per head (rows without a label are skipped).

    A class's weight is (rows / (classes × its rows)) ** class_weight_power: 1 is scikit-learn's
    "balanced", 0 no weighting.

    With tune_bias and at least five examples of every class, each head's margins get the offsets
    that maximise cross-validated macro-F1 on the training rows (off by default: on the benchmark's
    train.csv it did not improve cross-validated macro-F1).
    """
    features = Features(head_weight=head_weight, head_chars=head_chars, cut_title=cut_title)
    X = features.fit_transform(texts)
    heads = {}
    for name, ys in labels.items():
        rows = [i for i, y in enumerate(ys) if y]
        classes = sorted({ys[i] for i in rows})
        if not classes:
            continue
        if len(classes) == 1:
            heads[name] = Head(classes=classes)
            continue
        y = np.array([ys[i] for i in rows])
        svm, svm_labels = _fit_svm(X[rows], y, C, class_weight_power)
        head = Head.from_svm(svm)
        head.classes = svm_labels
        if tune_bias and min(Counter(y.tolist()).values()) >= 5:
            head.intercept = head.intercept + _bias_for_macro_f1(X[rows], y, C, power=class_weight_power)
        heads[name] = head
    return RoutingModel(features=features, heads=heads)


def evaluate(model: RoutingModel, texts: Sequence[str], labels: dict[str, Sequence[str | None]]) -> dict:
    """Macro-F1 and accuracy of each head on labelled rows (labels the model never saw count as errors)."""
    from sklearn.metrics import accuracy_score, f1_score

    out = {}
    for name, ys in labels.items():
        rows = [i for i, y in enumerate(ys) if y]
        if not rows or name not in model.heads:
            continue
        truth = [ys[i] for i in rows]
        pred = model.predict_labels([texts[i] for i in rows], name)
        out[name] = {
            "macro_f1": round(float(f1_score(truth, pred, average="macro", zero_division=0)), 4),
            "accuracy": round(float(accuracy_score(truth, pred)), 4),
            "n": len(rows),
        }
    return out


def throughput(model: RoutingModel, texts: Sequence[str], batch: int = 1) -> float:
    """Predictions per CPU-second of this process (one core), `batch` texts per call."""
    start = time.process_time()
    for i in range(0, len(texts), batch):
        model.predict(texts[i : i + batch])
    return len(texts) / (time.process_time() - start)
