"""Routing classifier benchmark on the TipDM 2020 C data set (fit on train.csv, report on test.csv).

    .venv/bin/python benchmarks/classify.py [--data DIR] [--cv]

--cv runs 5-fold cross-validation on train.csv only (the only data used to choose settings);
--candidates cross-validates the other models that were considered (word and character n-gram
unions, LinearSVC / LogisticRegression / SGD modified-Huber / ComplementNB / NB-SVM, title weights,
calibrated averaging of a word and a character model; from issue 8: min_df / max_df / max_features,
raw and binary TF, truncation, jieba title words, hinge / Crammer-Singer / ridge, per-class offsets
by nested CV, averaged margins of SVMs on several views; third round, names starting "3:": title cut
at punctuation / the letter's opening, class-weight powers, L1 norm, no idf, BM25, L1-penalty SVM,
one-vs-one, bagging, Rocchio and kNN blends, RBF kernel, augmentation with pieces of the training
messages, stacking over out-of-fold margins), each with the same folds; --only REGEX runs just the
candidates whose name matches, --seeds N --first-seed S the shuffles S .. S+N-1.
The data are read at run time from the shared folder; nothing from them is stored in the repository.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = Path(os.environ.get("TIPDM_DATA", "/work/shared/datasets/tipdm2020c"))


def load(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def cross_validate(texts, labels, folds: int = 5, seed: int = 0, **params) -> float:
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    from analytics.classifier import train

    truth, pred = [], []
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, labels):
        model = train([texts[i] for i in tr], {"category": [labels[i] for i in tr]}, **params)
        pred += model.predict_labels([texts[i] for i in te], "category")
        truth += [labels[i] for i in te]
    return f1_score(truth, pred, average="macro")


# Candidate models for --candidates: (name, feature blocks, classifier, options). A block is
# (analyzer, n-gram range, weight, head only); "head" is the first HEAD characters (the title).
SHIPPED_BLOCKS = [("char", (1, 2), 1.0, False), ("char", (1, 2), 0.5, True)]
WORD12 = [("word", (1, 2), 1.0, False)]
CANDIDATES = [
    ("shipped: char 1-2 + head 60 chars x0.5, LinearSVC C=1", SHIPPED_BLOCKS, "svm", {}),
    ("  same, C=0.5", SHIPPED_BLOCKS, "svm", {"C": 0.5}),
    ("  same, C=2", SHIPPED_BLOCKS, "svm", {"C": 2.0}),
    ("  head 20 chars", SHIPPED_BLOCKS, "svm", {"head": 20}),
    ("  head 30 chars", SHIPPED_BLOCKS, "svm", {"head": 30}),
    ("  head 100 chars", SHIPPED_BLOCKS, "svm", {"head": 100}),
    ("  head weight 0.35", [("char", (1, 2), 1.0, False), ("char", (1, 2), 0.35, True)], "svm", {}),
    ("  head weight 0.7", [("char", (1, 2), 1.0, False), ("char", (1, 2), 0.7, True)], "svm", {}),
    ("char 1-3 + head", [("char", (1, 3), 1.0, False), ("char", (1, 2), 0.5, True)], "svm", {}),
    ("jieba word 1-2 (user dictionary)", WORD12, "svm", {}),
    ("word 1-2 + char 1-2", WORD12 + [("char", (1, 2), 1.0, False)], "svm", {}),
    ("word 1-2 + char 1-3 + head", WORD12 + [("char", (1, 3), 1.0, False), ("char", (1, 2), 0.5, True)], "svm", {}),
    ("word 1-2 + shipped", WORD12 + SHIPPED_BLOCKS, "svm", {}),
    ("word 1-2 x0.7 + shipped", [("word", (1, 2), 0.7, False)] + SHIPPED_BLOCKS, "svm", {}),
    ("shipped features, LogisticRegression C=10", SHIPPED_BLOCKS, "lr", {"C": 10.0}),
    ("shipped features, SGD modified Huber a=1e-4", SHIPPED_BLOCKS, "sgd", {"alpha": 1e-4}),
    ("shipped features, ComplementNB a=0.3", SHIPPED_BLOCKS, "cnb", {"alpha": 0.3}),
    ("shipped features, NB-SVM (log-count ratios)", SHIPPED_BLOCKS, "nbsvm", {}),
    ("calibrated average: word 1-2 model + shipped model", SHIPPED_BLOCKS, "calavg", {"blocks2": WORD12}),
    # Issue 8 (second round). A block may carry a fifth item: TfidfVectorizer options plus "truncate"
    # (keep the first N characters of the text) or "tail" (keep the last N); "title words" is jieba
    # on the head only. "svm" takes extra LinearSVC options under "svm".
    ("char 1-2 min_df=2 (both blocks) + head", [B + ({"min_df": 2},) for B in SHIPPED_BLOCKS], "svm", {}),
    ("char 1-2 max_df=0.5 + head", [SHIPPED_BLOCKS[0] + ({"max_df": 0.5},), SHIPPED_BLOCKS[1]], "svm", {}),
    (
        "char 1-2 max_features=20000 + head",
        [SHIPPED_BLOCKS[0] + ({"max_features": 20000},), SHIPPED_BLOCKS[1]],
        "svm",
        {},
    ),
    (
        "char 1-2 max_features=50000 + head",
        [SHIPPED_BLOCKS[0] + ({"max_features": 50000},), SHIPPED_BLOCKS[1]],
        "svm",
        {},
    ),
    ("shipped blocks, raw TF (no sublinear)", [B + ({"sublinear_tf": False},) for B in SHIPPED_BLOCKS], "svm", {}),
    ("shipped blocks, binary TF", [B + ({"binary": True, "sublinear_tf": False},) for B in SHIPPED_BLOCKS], "svm", {}),
    (
        "char 2 + char 1 x0.5 + head",
        [("char", (2, 2), 1.0, False), ("char", (1, 1), 0.5, False), SHIPPED_BLOCKS[1]],
        "svm",
        {},
    ),
    ("shipped + char 3 x0.5", SHIPPED_BLOCKS + [("char", (3, 3), 0.5, False)], "svm", {}),
    ("shipped + last 40 chars x0.3", SHIPPED_BLOCKS + [("char", (1, 2), 0.3, False, {"tail": 40})], "svm", {}),
    ("whole text cut to 200 chars + head", [SHIPPED_BLOCKS[0] + ({"truncate": 200},), SHIPPED_BLOCKS[1]], "svm", {}),
    ("whole text cut to 400 chars + head", [SHIPPED_BLOCKS[0] + ({"truncate": 400},), SHIPPED_BLOCKS[1]], "svm", {}),
    ("whole text cut to 800 chars + head", [SHIPPED_BLOCKS[0] + ({"truncate": 800},), SHIPPED_BLOCKS[1]], "svm", {}),
    ("shipped + jieba title words x0.3", SHIPPED_BLOCKS + [("title words", (1, 1), 0.3, True)], "svm", {}),
    ("shipped + jieba title words x0.5", SHIPPED_BLOCKS + [("title words", (1, 1), 0.5, True)], "svm", {}),
    ("shipped features, no class weights", SHIPPED_BLOCKS, "svm", {"balanced": False}),
    ("shipped features, LinearSVC intercept_scaling=10", SHIPPED_BLOCKS, "svm", {"svm": {"intercept_scaling": 10}}),
    ("shipped features, LinearSVC hinge loss C=1", SHIPPED_BLOCKS, "svm", {"svm": {"loss": "hinge", "max_iter": 5000}}),
    (
        "shipped features, LinearSVC hinge loss C=2",
        SHIPPED_BLOCKS,
        "svm",
        {"C": 2.0, "svm": {"loss": "hinge", "max_iter": 5000}},
    ),
    (
        "shipped features, Crammer-Singer multi-class SVM C=1",
        SHIPPED_BLOCKS,
        "svm",
        {"svm": {"multi_class": "crammer_singer"}},
    ),
    (
        "shipped features, Crammer-Singer C=0.3",
        SHIPPED_BLOCKS,
        "svm",
        {"C": 0.3, "svm": {"multi_class": "crammer_singer"}},
    ),
    ("shipped features, RidgeClassifier a=1 balanced", SHIPPED_BLOCKS, "ridge", {"alpha": 1.0}),
    ("shipped + per-class offsets by nested CV (inner 5 folds)", SHIPPED_BLOCKS, "bias", {}),
    (
        "averaged SVM margins: shipped + char 1-3 view + char 2 view",
        SHIPPED_BLOCKS,
        "ensemble",
        {
            "views": [
                [("char", (1, 3), 1.0, False), SHIPPED_BLOCKS[1]],
                [("char", (2, 2), 1.0, False), ("char", (2, 2), 0.5, True)],
            ]
        },
    ),
    (
        "averaged SVM margins: shipped + char 2 view",
        SHIPPED_BLOCKS,
        "ensemble",
        {"views": [[("char", (2, 2), 1.0, False), ("char", (2, 2), 0.5, True)]]},
    ),
]


def run_candidates(texts: list[str], labels: list[str], seeds=(0,), only: str | None = None) -> None:
    """Cross-validate every candidate on train.csv with the same stratified folds; print macro-F1."""
    import numpy as np
    from scipy import sparse
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression, RidgeClassifier, SGDClassifier
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    from analytics.classifier import _bias_for_macro_f1, prepare
    from analytics.text import _keep, default_tokenizer

    prepared = [prepare(t) for t in texts]
    tok = default_tokenizer()
    words = [[w for w in tok.lcut(t, HMM=False) if _keep(w)] for t in prepared]  # label-free, once
    title_words = [[w for w in tok.lcut(t[:60], HMM=False) if _keep(w)] for t in prepared]
    y = np.array(labels)

    def grams(ws, ng):
        pairs = [f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False)] if ng[1] == 2 else []
        return (list(ws) if ng[0] == 1 else []) + pairs

    def matrices(blocks, tr, te, head):
        parts_tr, parts_te = [], []
        for analyzer, ng, weight, head_only, *more in blocks:
            opts = dict(more[0]) if more else {}
            cut, tail = opts.pop("truncate", None), opts.pop("tail", None)
            if analyzer == "char":
                src = [t[:head] if head_only else t[-tail:] if tail else t[:cut] for t in prepared]
                opts = {"sublinear_tf": True, **opts}
                vec = TfidfVectorizer(analyzer="char", ngram_range=ng, lowercase=False, **opts)
            elif analyzer == "title words":
                src = title_words
                vec = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True, lowercase=False)
            else:
                src = [grams(w, ng) for w in words]
                vec = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True, lowercase=False)
            parts_tr.append(vec.fit_transform([src[i] for i in tr]) * weight)
            parts_te.append(vec.transform([src[i] for i in te]) * weight)
        return sparse.hstack(parts_tr, format="csr"), sparse.hstack(parts_te, format="csr")

    def nbsvm(Xtr, ytr, Xte, C):
        classes, margins = np.unique(ytr), []
        for c in classes:
            pos = ytr == c
            p, q = 1 + Xtr[pos].sum(0), 1 + Xtr[~pos].sum(0)
            r = np.asarray(np.log((p / p.sum()) / (q / q.sum()))).ravel()
            svm = LinearSVC(C=C, class_weight="balanced").fit(Xtr.multiply(r).tocsr(), pos)
            margins.append(svm.decision_function(Xte.multiply(r).tocsr()))
        return classes[np.argmax(np.column_stack(margins), axis=1)]

    def svm_for(C, opts):
        return LinearSVC(C=C, class_weight="balanced" if opts.get("balanced", True) else None, **opts.get("svm", {}))

    for name, blocks, clf, opts in CANDIDATES:
        if only and not re.search(only, name):
            continue
        C, head, scores = opts.get("C", 1.0), opts.get("head", 60), []
        start = time.perf_counter()
        for seed in seeds:
            truth, pred = [], []
            for tr, te in StratifiedKFold(5, shuffle=True, random_state=seed).split(prepared, y):
                Xtr, Xte = matrices(blocks, tr, te, head)
                if clf == "svm":
                    p = svm_for(C, opts).fit(Xtr, y[tr]).predict(Xte)
                elif clf == "ridge":
                    p = RidgeClassifier(alpha=opts["alpha"], class_weight="balanced").fit(Xtr, y[tr]).predict(Xte)
                elif clf == "bias":  # offsets chosen by an inner CV on the training folds only
                    svm = svm_for(C, opts).fit(Xtr, y[tr])
                    margins = svm.decision_function(Xte) + _bias_for_macro_f1(Xtr, y[tr], C)
                    p = svm.classes_[margins.argmax(axis=1)]
                elif clf == "ensemble":  # sum of the margins of one SVM per view
                    svm = svm_for(C, opts).fit(Xtr, y[tr])
                    margins = svm.decision_function(Xte)
                    for view in opts["views"]:
                        a, b = matrices(view, tr, te, head)
                        margins = margins + svm_for(C, opts).fit(a, y[tr]).decision_function(b)
                    p = svm.classes_[margins.argmax(axis=1)]
                elif clf == "lr":
                    p = LogisticRegression(C=C, class_weight="balanced", max_iter=500).fit(Xtr, y[tr]).predict(Xte)
                elif clf == "sgd":
                    sgd = SGDClassifier(loss="modified_huber", alpha=opts["alpha"], class_weight="balanced")
                    p = sgd.set_params(max_iter=50, random_state=0).fit(Xtr, y[tr]).predict(Xte)
                elif clf == "cnb":
                    p = ComplementNB(alpha=opts["alpha"]).fit(Xtr, y[tr]).predict(Xte)
                elif clf == "nbsvm":
                    p = nbsvm(Xtr, y[tr], Xte, C)
                else:  # calibrated probability average of two models
                    proba = 0
                    for blk in (blocks, opts["blocks2"]):
                        a, b = (Xtr, Xte) if blk is blocks else matrices(blk, tr, te, head)
                        model = CalibratedClassifierCV(LinearSVC(C=C, class_weight="balanced"), cv=3).fit(a, y[tr])
                        proba = proba + model.predict_proba(b)
                    p = model.classes_[np.asarray(proba).argmax(axis=1)]
                pred += list(p)
                truth += list(y[te])
            scores.append(f1_score(truth, pred, average="macro"))
        per_seed = " ".join(f"{x:.4f}" for x in scores)
        print(f"{sum(scores) / len(scores):.4f}  {name}  [{per_seed}]  {time.perf_counter() - start:.0f} s", flush=True)


# Issue 8, third round: (name, kind, options). Features are fitted on the training fold only; any
# inner choice (stacking weights) is made by an inner CV on that fold. "blocks" default to the
# shipped ones; a char block's options may hold "head" ("punct": cut the title at the first
# punctuation mark, at most 60 characters; "greet": also at 尊敬/您好/你好) and "bm25" ((k1, b)).
PUNCT = "，。！？；：,.!?;:、"
GREETINGS = ("尊敬", "您好", "你好")
BODY_STARTS = ("领导", "我是", "我们是", "本人")
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
CHAR23_VIEW = [("char", (2, 3), 1.0, False), ("char", (1, 2), 0.5, True)]
HEAD_ONLY_VIEW = [("char", (1, 2), 1.0, True)]
WORD_VIEW = [("word", (1, 2), 1.0, False), ("char", (1, 2), 0.5, True)]
THIRD_ROUND = [
    ("3: shipped (reference)", "svm", {}),
    (
        "3: head cut at first punctuation (<= 60)",
        "svm",
        {"blocks": [SHIPPED_BLOCKS[0], SHIPPED_BLOCKS[1] + ({"head": "punct"},)]},
    ),
    (
        "3: head cut at punctuation or greeting (<= 60)",
        "svm",
        {"blocks": [SHIPPED_BLOCKS[0], SHIPPED_BLOCKS[1] + ({"head": "greet"},)]},
    ),
    (
        "3: head cut at punctuation, greeting or body start (<= 60)",
        "svm",
        {"blocks": [SHIPPED_BLOCKS[0], SHIPPED_BLOCKS[1] + ({"head": "greet+"},)]},
    ),
    (
        "3: head cut at punctuation, greeting, body start or restated title (<= 60)",
        "svm",
        {"blocks": [SHIPPED_BLOCKS[0], SHIPPED_BLOCKS[1] + ({"head": "repeat"},)]},
    ),
    (
        "3: head cut at punctuation, greeting or body start x0.7",
        "svm",
        {"blocks": [SHIPPED_BLOCKS[0], ("char", (1, 2), 0.7, True, {"head": "greet+"})]},
    ),
    (
        "3: head cut at punctuation, greeting or body start x0.35",
        "svm",
        {"blocks": [SHIPPED_BLOCKS[0], ("char", (1, 2), 0.35, True, {"head": "greet+"})]},
    ),
    (
        "3: head cut at punctuation, greeting or body start, char 1-3",
        "svm",
        {"blocks": [SHIPPED_BLOCKS[0], ("char", (1, 3), 0.5, True, {"head": "greet+"})]},
    ),
    (
        "3: shipped + head cut at punctuation, greeting or body start x0.3",
        "svm",
        {"blocks": SHIPPED_BLOCKS + [("char", (1, 2), 0.3, True, {"head": "greet+"})]},
    ),
    ("3: shipped + character skip-bigrams x0.5", "svm", {"blocks": SHIPPED_BLOCKS + [("skip", (2, 2), 0.5, False)]}),
    ("3: shipped, class weights balanced ** 0.5", "svm", {"cw_power": 0.5}),
    ("3: shipped, class weights balanced ** 1.5", "svm", {"cw_power": 1.5}),
    (
        "3: head cut at punctuation, greeting or body start + class weights ** 1.5",
        "svm",
        {"blocks": [SHIPPED_BLOCKS[0], SHIPPED_BLOCKS[1] + ({"head": "greet+"},)], "cw_power": 1.5},
    ),
    (
        "3: shipped + head cut at punctuation x0.3",
        "svm",
        {"blocks": SHIPPED_BLOCKS + [("char", (1, 2), 0.3, True, {"head": "punct"})]},
    ),
    (
        "3: shipped + head 20 chars x0.3 (two title scales)",
        "svm",
        {"blocks": SHIPPED_BLOCKS + [("char", (1, 2), 0.3, True, {"head": 20})]},
    ),
    ("3: l1 norm, C=100", "svm", {"C": 100.0, "blocks": [B + ({"norm": "l1"},) for B in SHIPPED_BLOCKS]}),
    ("3: no idf", "svm", {"blocks": [B + ({"use_idf": False},) for B in SHIPPED_BLOCKS]}),
    ("3: BM25 weights k1=1.2 b=0.75", "svm", {"blocks": [B + ({"bm25": (1.2, 0.75)},) for B in SHIPPED_BLOCKS]}),
    ("3: BM25 weights k1=1.2 b=0.3", "svm", {"blocks": [B + ({"bm25": (1.2, 0.3)},) for B in SHIPPED_BLOCKS]}),
    ("3: L1-penalty squared-hinge SVM C=1", "svm", {"svm": {"penalty": "l1", "dual": False}}),
    ("3: L1-penalty squared-hinge SVM C=3", "svm", {"C": 3.0, "svm": {"penalty": "l1", "dual": False}}),
    ("3: one-vs-one linear SVMs (21 pairs, vote)", "ovo", {}),
    ("3: bagged LinearSVC, 15 x 80 % subsamples, weights averaged", "bag", {"n": 15, "frac": 0.8}),
    ("3: bagged SGD hinge, 15 bootstrap samples, weights averaged", "bagsgd", {"n": 15}),
    ("3: SVM margins + class centroids (Rocchio) cosine x1", "rocchio", {"lam": 1.0}),
    ("3: SVM margins + class centroids (Rocchio) cosine x3", "rocchio", {"lam": 3.0}),
    ("3: SVM margins + 10-NN cosine vote x1", "knn", {"k": 10, "lam": 1.0}),
    (
        "3: RBF-kernel SVM on shipped features, gamma=1 C=3",
        "kernel",
        {"svc": {"kernel": "rbf", "gamma": 1.0, "C": 3.0}},
    ),
    ("3: augment: sentence chunks as extra rows, weight 0.3 each", "augment", {"how": "sentences", "w": 0.3}),
    (
        "3: augment: sentence chunks as extra rows, weight 1 per message",
        "augment",
        {"how": "sentences", "w": 1.0, "per_message": True},
    ),
    ("3: augment: 80-char windows (stride 40), weight 0.3 each", "augment", {"how": "windows", "w": 0.3}),
    ("3: augment: 3 random crops (30-70 %), weight 0.5 each", "augment", {"how": "crops", "w": 0.5}),
    (
        "3: stacking LR over OOF margins: shipped + char 2-3 + title-only",
        "stack",
        {"views": [SHIPPED_BLOCKS, CHAR23_VIEW, HEAD_ONLY_VIEW]},
    ),
    (
        "3: stacking LR over OOF margins: shipped + char 2-3 + jieba words",
        "stack",
        {"views": [SHIPPED_BLOCKS, CHAR23_VIEW, WORD_VIEW]},
    ),
]


def run_third_round(texts: list[str], labels: list[str], seeds=(0,), only: str | None = None) -> None:
    """Cross-validate the third-round candidates (same folds as --candidates); print macro-F1."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.multiclass import OneVsOneClassifier
    from sklearn.preprocessing import normalize as l2rows
    from sklearn.svm import SVC, LinearSVC

    from analytics.classifier import prepare
    from analytics.text import _keep, default_tokenizer

    prepared = [prepare(t) for t in texts]
    y = np.array(labels)
    words: dict[str, list[str]] = {}

    def word_grams(t):
        if t not in words:
            ws = [w for w in default_tokenizer().lcut(t, HMM=False) if _keep(w)]
            words[t] = ws + [f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False)]
        return words[t]

    def skip_grams(t):
        return [a + b for a, b in zip(t, t[2:], strict=False)]

    def head_of(t, how):
        if isinstance(how, int):
            return t[:how]
        cut = min([60] + [i for i, c in enumerate(t[:60]) if c in PUNCT][:1])
        if how in ("greet", "greet+", "repeat"):
            marks = GREETINGS if how == "greet" else GREETINGS + BODY_STARTS
            cut = min([cut] + [i for g in marks if 0 < (i := t.find(g, 0, 60))])
        if how == "repeat":  # the body often restates the title: cut where a 6-character run recurs
            cut = min([cut] + [k for k in range(6, cut) if t[k : k + 6] in t[:k]][:1])
        return t[: max(cut, 4)]

    class BM25:
        def __init__(self, k1, b, **opts):
            self.k1, self.b, self.cv = k1, b, CountVectorizer(lowercase=False, **opts)

        def weigh(self, counts):
            counts = counts.tocsr().astype(np.float64)
            dl = np.asarray(counts.sum(1)).ravel()
            rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
            tf = counts.data
            counts.data = tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * dl[rows] / self.avgdl))
            return l2rows(counts @ sparse.diags(self.idf))

        def fit_transform(self, docs):
            counts = self.cv.fit_transform(docs)
            self.avgdl = counts.sum() / counts.shape[0]
            df = np.bincount(counts.indices, minlength=counts.shape[1])
            self.idf = np.log(1 + (counts.shape[0] - df + 0.5) / (df + 0.5))
            return self.weigh(counts)

        def transform(self, docs):
            return self.weigh(self.cv.transform(docs))

    def fit_features(blocks, train_texts):
        """Fit the blocks on these prepared texts; return their matrix and a transform for others."""
        fitted = []
        for analyzer, ng, weight, head_only, *more in blocks:
            opts = dict(more[0]) if more else {}
            how = opts.pop("head", 60) if head_only else None
            bm25 = opts.pop("bm25", None)
            if analyzer == "word":
                vec = TfidfVectorizer(analyzer=word_grams, sublinear_tf=True, lowercase=False)
            elif analyzer == "skip":  # character pairs one apart (a_c of abc)
                vec = TfidfVectorizer(analyzer=skip_grams, sublinear_tf=True, lowercase=False, **opts)
            elif bm25:
                vec = BM25(*bm25, analyzer="char", ngram_range=ng, **opts)
            else:
                opts = {"sublinear_tf": True, **opts}
                vec = TfidfVectorizer(analyzer="char", ngram_range=ng, lowercase=False, **opts)
            fitted.append((vec, weight, how))

        def src(docs, how):
            return [head_of(t, how) for t in docs] if how is not None else docs

        X = sparse.hstack([v.fit_transform(src(train_texts, h)) * w for v, w, h in fitted], format="csr")

        def transform(docs):
            return sparse.hstack([v.transform(src(docs, h)) * w for v, w, h in fitted], format="csr")

        return X, transform

    def svm(C=1.0, **more):
        return LinearSVC(C=C, class_weight="balanced", **more)

    def margins_of(model, X):
        return model.decision_function(X)

    def chunks(t, how, rng):
        if how == "sentences":
            parts = [s for s in SENTENCE_END.split(t) if len(s) >= 8]
            return parts if len(parts) > 1 else []
        if how == "windows":
            return [t[i : i + 80] for i in range(0, max(len(t) - 40, 1), 40)] if len(t) > 80 else []
        out = []
        for _ in range(3):
            n = max(8, int(len(t) * rng.uniform(0.3, 0.7)))
            start = rng.integers(0, max(len(t) - n, 0) + 1)
            out.append(t[start : start + n])
        return out

    def fit_predict(kind, opts, tr, te, seed):
        blocks, C = opts.get("blocks", SHIPPED_BLOCKS), opts.get("C", 1.0)
        tr_texts, te_texts, ytr = [prepared[i] for i in tr], [prepared[i] for i in te], y[tr]
        if kind == "stack":  # level 2 fitted on out-of-fold margins of an inner CV of this training fold
            inner = list(StratifiedKFold(5, shuffle=True, random_state=0).split(tr_texts, ytr))
            oof, test_margins = [], []
            for view in opts["views"]:
                m = np.zeros((len(tr), len(np.unique(ytr))))
                for a, b in inner:
                    Xa, tf = fit_features(view, [tr_texts[i] for i in a])
                    m[b] = svm().fit(Xa, ytr[a]).decision_function(tf([tr_texts[i] for i in b]))
                oof.append(m)
                X, tf = fit_features(view, tr_texts)
                test_margins.append(svm().fit(X, ytr).decision_function(tf(te_texts)))
            lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
            return lr.fit(np.hstack(oof), ytr).predict(np.hstack(test_margins))
        X, transform = fit_features(blocks, tr_texts)
        Xte = transform(te_texts)
        if kind == "svm":
            more = dict(opts.get("svm", {}))
            if "cw_power" in opts:  # class weights (n / (k * count)) ** power: 1 is "balanced"
                classes, counts = np.unique(ytr, return_counts=True)
                w = (len(ytr) / (len(classes) * counts)) ** opts["cw_power"]
                more["class_weight"] = dict(zip(classes, w, strict=True))
            return LinearSVC(C=C, **{"class_weight": "balanced", **more}).fit(X, ytr).predict(Xte)
        if kind == "ovo":
            return OneVsOneClassifier(svm(C)).fit(X, ytr).predict(Xte)
        if kind == "kernel":
            return SVC(class_weight="balanced", **opts["svc"]).fit(X, ytr).predict(Xte)
        if kind in ("bag", "bagsgd"):
            rng, coefs, intercepts = np.random.default_rng(seed), [], []
            for _ in range(opts["n"]):
                if kind == "bag":
                    rows = rng.choice(len(tr), int(opts["frac"] * len(tr)), replace=False)
                    model = svm(C).fit(X[rows], ytr[rows])
                else:
                    rows = rng.choice(len(tr), len(tr), replace=True)
                    model = SGDClassifier(alpha=1e-4, class_weight="balanced", max_iter=50, random_state=0)
                    model.fit(X[rows], ytr[rows])
                coefs.append(model.coef_)
                intercepts.append(model.intercept_)
            scores = Xte @ np.mean(coefs, axis=0).T + np.mean(intercepts, axis=0)
            return model.classes_[np.asarray(scores).argmax(axis=1)]
        if kind in ("rocchio", "knn"):
            model = svm(C).fit(X, ytr)
            classes = model.classes_
            Xn, Tn = l2rows(X), l2rows(Xte)
            sims = np.asarray((Tn @ Xn.T).todense())
            if kind == "rocchio":
                cent = l2rows(np.vstack([np.asarray(Xn[ytr == c].mean(0)) for c in classes]))
                extra = np.asarray(Tn @ cent.T)
                extra = extra - extra.mean(axis=1, keepdims=True)
            else:
                top = np.argsort(-sims, axis=1)[:, : opts["k"]]
                extra = np.zeros((len(te), len(classes)))
                for r, nbrs in enumerate(top):
                    for j in nbrs:
                        extra[r, np.searchsorted(classes, ytr[j])] += sims[r, j]
                extra = extra / np.maximum(extra.sum(axis=1, keepdims=True), 1e-9)
            return classes[(model.decision_function(Xte) + opts["lam"] * extra).argmax(axis=1)]
        if kind == "augment":  # extra rows from pieces of each training message, same label
            rng = np.random.default_rng(seed)
            extra_texts, extra_y, extra_w = [], [], []
            for t, label in zip(tr_texts, ytr, strict=True):
                pieces = chunks(t, opts["how"], rng)
                w = opts["w"] / len(pieces) if opts.get("per_message") and pieces else opts["w"]
                extra_texts += pieces
                extra_y += [label] * len(pieces)
                extra_w += [w] * len(pieces)
            X_all = sparse.vstack([X, transform(extra_texts)], format="csr")
            weights = np.concatenate([np.ones(len(tr)), extra_w])
            model = svm(C).fit(X_all, np.concatenate([ytr, extra_y]), sample_weight=weights)
            return model.predict(Xte)
        raise ValueError(kind)

    for name, kind, opts in THIRD_ROUND:
        if only and not re.search(only, name):
            continue
        start, scores = time.perf_counter(), []
        for seed in seeds:
            truth, pred = [], []
            for tr, te in StratifiedKFold(5, shuffle=True, random_state=seed).split(prepared, y):
                pred += list(fit_predict(kind, opts, tr, te, seed))
                truth += list(y[te])
            scores.append(f1_score(truth, pred, average="macro"))
        per_seed = " ".join(f"{x:.4f}" for x in scores)
        print(f"{sum(scores) / len(scores):.4f}  {name}  [{per_seed}]  {time.perf_counter() - start:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cv", action="store_true", help="cross-validate on train.csv instead of testing")
    parser.add_argument("--C", type=float, default=None, help="SVM regularisation (default: the shipped value)")
    parser.add_argument("--head-chars", type=int, default=None)
    parser.add_argument("--bias", action="store_true", help="add the cross-validated class offsets")
    parser.add_argument("--candidates", action="store_true", help="cross-validate the candidate models")
    parser.add_argument("--seeds", type=int, default=1, help="shuffles of the 5 folds for --candidates")
    parser.add_argument("--first-seed", type=int, default=0, help="with --candidates: first shuffle's seed")
    parser.add_argument("--only", default=None, help="with --candidates: only names matching this regex")
    args = parser.parse_args()
    params = {k: v for k, v in {"C": args.C, "head_chars": args.head_chars}.items() if v is not None}
    if args.bias:
        params["tune_bias"] = True
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the budget says

    from sklearn.metrics import accuracy_score, classification_report, f1_score

    from analytics.classifier import throughput, train

    x_train, y_train = load(args.data / "train.csv")
    if args.candidates:
        run_candidates(
            x_train, y_train, seeds=tuple(range(args.first_seed, args.first_seed + args.seeds)), only=args.only
        )
        run_third_round(
            x_train, y_train, seeds=tuple(range(args.first_seed, args.first_seed + args.seeds)), only=args.only
        )
        return
    if args.cv:
        scores = [cross_validate(x_train, y_train, seed=s, **params) for s in (0, 1, 2)]
        print(f"train.csv 5-fold CV macro-F1 (3 shuffles): {sum(scores) / len(scores):.4f}  {scores}")
        return
    x_test, y_test = load(args.data / "test.csv")
    start = time.perf_counter()
    model = train(x_train, {"category": y_train}, **params)
    train_seconds = time.perf_counter() - start
    predicted = model.predict_labels(x_test, "category")
    one_by_one = throughput(model, x_test)
    batched = throughput(model, x_test, batch=256)
    print(f"train rows {len(x_train)}, test rows {len(x_test)}")
    print(f"macro-F1        {f1_score(y_test, predicted, average='macro'):.4f}")
    print(f"accuracy        {accuracy_score(y_test, predicted):.4f}")
    print(f"training time   {train_seconds:.2f} s")
    print(f"predictions/s   {batched:,.0f} in batches of 256")
    print(f"                {one_by_one:,.0f} one at a time ({1000 / one_by_one:.2f} ms each)")
    print(classification_report(y_test, predicted, digits=3))


if __name__ == "__main__":
    main()
