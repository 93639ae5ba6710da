"""Routing classifier benchmark on the TipDM 2020 C data set (fit on train.csv, report on test.csv).

    .venv/bin/python benchmarks/classify.py [--data DIR] [--cv]

--cv runs 5-fold cross-validation on train.csv only (the only data used to choose settings);
--candidates cross-validates the other models that were considered (word and character n-gram
unions, LinearSVC / LogisticRegression / SGD modified-Huber / ComplementNB / NB-SVM, title weights,
calibrated averaging of a word and a character model; from issue 8: min_df / max_df / max_features,
raw and binary TF, truncation, jieba title words, hinge / Crammer-Singer / ridge, per-class offsets
by nested CV, averaged margins of SVMs on several views), each with the same folds; --only REGEX
runs just the candidates whose name matches.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cv", action="store_true", help="cross-validate on train.csv instead of testing")
    parser.add_argument("--C", type=float, default=None, help="SVM regularisation (default: the shipped value)")
    parser.add_argument("--head-chars", type=int, default=None)
    parser.add_argument("--bias", action="store_true", help="add the cross-validated class offsets")
    parser.add_argument("--candidates", action="store_true", help="cross-validate the candidate models")
    parser.add_argument("--seeds", type=int, default=1, help="shuffles of the 5 folds for --candidates")
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
        run_candidates(x_train, y_train, seeds=tuple(range(args.seeds)), only=args.only)
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
