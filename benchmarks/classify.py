"""Routing classifier benchmark on the TipDM 2020 C data set (fit on train.csv, report on test.csv).

    .venv/bin/python benchmarks/classify.py [--data DIR] [--cv]

--cv runs 5-fold cross-validation on train.csv only (the only data used to choose settings).
The data are read at run time from the shared folder; nothing from them is stored in the repository.
"""

from __future__ import annotations

import argparse
import csv
import os
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cv", action="store_true", help="cross-validate on train.csv instead of testing")
    parser.add_argument("--C", type=float, default=None, help="SVM regularisation (default: the shipped value)")
    parser.add_argument("--head-chars", type=int, default=None)
    parser.add_argument("--bias", action="store_true", help="add the cross-validated class offsets")
    args = parser.parse_args()
    params = {k: v for k, v in {"C": args.C, "head_chars": args.head_chars}.items() if v is not None}
    if args.bias:
        params["tune_bias"] = True
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the budget says

    from sklearn.metrics import accuracy_score, classification_report, f1_score

    from analytics.classifier import throughput, train

    x_train, y_train = load(args.data / "train.csv")
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
