"""Does a logistic model over the cue evidence decide better than the hand-set threshold?

    python bench/train.py [--l2 3] [--multi-weight 5] [--folds 5]

Rows: the shared corpus (ambiguous rows left out) and the ``split=dev`` rows of every
multilingual set under tests/data (set 2 only for languages whose READY marker is there).
Held-out rows are never read. The model is a logistic regression over the features
``responder.classify.features`` returns, fitted by Newton's method with an L2 penalty, in
plain Python (no new dependency). The fold of a row is fixed by a hash of its file name,
so the cross-validated figures are reproducible; the threshold is the one that maximises
F1 on the out-of-fold predictions (so even the CV figure is a little optimistic). Printed
beside them: the hand-set rule on the same rows, which fits nothing. The runtime uses the
hand-set rule as long as the model does not beat it out of sample (see the README).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from responder.classify import classify, features  # noqa: E402 (path set up above)
from responder.cues import load_lexicon  # noqa: E402
from responder.features import Features  # noqa: E402
from responder.parse import parse_message  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SETS = (ROOT / "tests" / "data" / "multilingual", ROOT / "tests" / "data" / "multilingual-2")


@dataclass(frozen=True)
class Row:
    """One labelled mail: where it is from, its label, its features (None: no cue)."""

    name: str
    source: str  # "corpus" or "multi"
    positive: bool
    features: Features | None
    hand: bool  # the runtime's verdict (hand-set threshold)


def _labels(folder: Path) -> list[Path]:
    """The label files of a multilingual set whose language is marked ready."""
    files = sorted(folder.glob("labels-*.csv"))
    if folder.name == "multilingual-2":
        files = [f for f in files if (folder / f"READY-{f.stem.partition('-')[2]}").is_file()]
    return files


def _resolve(folder: Path, name: str) -> Path:
    for candidate in (folder / name, folder / "mail" / Path(name).name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(name)


def load_rows() -> list[Row]:
    """Every training row: corpus (without ambiguous) and the dev halves."""
    lex = load_lexicon()
    wanted: list[tuple[Path, str, str, str]] = []
    with (CORPUS / "labels.csv").open(newline="", encoding="utf-8") as fh:
        wanted += [(CORPUS, r["file"], r["label"], "corpus") for r in csv.DictReader(fh)]
    for folder in SETS:
        for path in _labels(folder):
            with path.open(newline="", encoding="utf-8") as fh:
                wanted += [(folder, r["file"], r["label"], "multi")
                           for r in csv.DictReader(fh) if r.get("split") == "dev"]
    rows = []
    for folder, name, label, source in wanted:
        if label == "ambiguous":
            continue
        msg = parse_message(_resolve(folder, name).read_bytes())
        rows.append(Row(f"{folder.name}/{name}", source, label == "invitation",
                        features(msg, lexicon=lex), classify(msg, lexicon=lex).invitation))
    return rows


def fold_of(name: str, folds: int) -> int:
    """A row's fold, fixed by its name."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % folds


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a x = b (a symmetric positive definite) by Gaussian elimination."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        pivot = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[pivot] = m[pivot], m[c]
        lead = m[c][c]
        for r in range(c + 1, n):
            factor = m[r][c] / lead
            if factor:
                row, top = m[r], m[c]
                for k in range(c, n + 1):
                    row[k] -= factor * top[k]
    x = [0.0] * n
    for c in range(n - 1, -1, -1):
        x[c] = (m[c][n] - sum(m[c][k] * x[k] for k in range(c + 1, n))) / m[c][c]
    return x


def fit(
    rows: Sequence[Row], names: Sequence[str], l2: float, multi_weight: float,
    iterations: int = 12,
) -> tuple[dict[str, float], float]:
    """Logistic regression by Newton's method; L2 on the weights, not on the bias."""
    col = {n: i + 1 for i, n in enumerate(names)}  # column 0 is the bias
    dim = len(names) + 1
    data = [
        ([(0, 1.0)] + [(col[k], v) for k, v in r.features.items() if k in col],
         1.0 if r.positive else 0.0, multi_weight if r.source == "multi" else 1.0)
        for r in rows if r.features is not None
    ]
    w = [0.0] * dim
    for _ in range(iterations):
        grad = [l2 * x for x in w]
        grad[0] = 0.0
        hess = [[0.0] * dim for _ in range(dim)]
        for i in range(1, dim):
            hess[i][i] = l2
        hess[0][0] = 1e-6
        for xs, y, weight in data:
            z = sum(w[j] * v for j, v in xs)
            p = 1.0 / (1.0 + math.exp(-z)) if z > -40 else 0.0
            g = weight * (p - y)
            h = weight * p * (1.0 - p)
            for j, v in xs:
                grad[j] += g * v
                hj = hess[j]
                for k, u in xs:
                    hj[k] += h * v * u
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return {n: w[col[n]] for n in names}, w[0]


def predict(weights: dict[str, float], bias: float, feats: Features | None) -> float:
    if feats is None:
        return 0.0
    z = bias + sum(weights.get(k, 0.0) * v for k, v in feats.items())
    return 1.0 / (1.0 + math.exp(-z)) if z > -40 else 0.0


def figures(rows: Sequence[Row], probs: Sequence[float], threshold: float) -> dict[str, float]:
    """Precision, recall, F1 and counts at ``threshold``."""
    tp = sum(1 for r, p in zip(rows, probs, strict=True) if r.positive and p >= threshold)
    fp = sum(1 for r, p in zip(rows, probs, strict=True) if not r.positive and p >= threshold)
    fn = sum(1 for r, p in zip(rows, probs, strict=True) if r.positive and p < threshold)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "tp": tp, "fp": fp, "fn": fn}


def _best_threshold(rows: Sequence[Row], probs: Sequence[float]) -> float:
    grid = [t / 100 for t in range(20, 91)]
    return max(grid, key=lambda t: (figures(rows, probs, t)["f1"], -abs(t - 0.5)))


def recall_at(rows: Sequence[Row], probs: Sequence[float], precision: float) -> float:
    """The highest recall at any threshold whose precision is at least ``precision``."""
    best = 0.0
    for t in sorted(set(probs)):
        f = figures(rows, probs, t)
        if f["precision"] >= precision:
            best = max(best, f["recall"])
    return best


def _split(rows: Sequence[Row], probs: Sequence[float], threshold: float) -> dict[str, object]:
    out: dict[str, object] = {}
    for source in ("corpus", "multi"):
        picked = [(r, p) for r, p in zip(rows, probs, strict=True) if r.source == source]
        out[source] = figures([r for r, _ in picked], [p for _, p in picked], threshold)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--l2", type=float, default=3.0, help="L2 penalty (default 3)")
    parser.add_argument("--multi-weight", type=float, default=5.0,
                        help="weight of a multilingual dev row against a corpus row")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5,
                        help="features seen in fewer training rows are left out")
    parser.add_argument("--weights", type=int, default=0, help="print the N largest weights")
    args = parser.parse_args()
    rows = load_rows()
    counts: dict[str, int] = {}
    for r in rows:
        for k in r.features or ():
            counts[k] = counts.get(k, 0) + 1
    names = sorted(k for k, n in counts.items() if n >= args.min_count)
    oof = [0.0] * len(rows)
    for k in range(args.folds):
        train = [r for r in rows if fold_of(r.name, args.folds) != k]
        weights, bias = fit(train, names, args.l2, args.multi_weight)
        for i, r in enumerate(rows):
            if fold_of(r.name, args.folds) == k:
                oof[i] = predict(weights, bias, r.features)
    threshold = _best_threshold(rows, oof)
    weights, bias = fit(rows, names, args.l2, args.multi_weight)
    fitted = [predict(weights, bias, r.features) for r in rows]
    hand = [1.0 if r.hand else 0.0 for r in rows]
    print(f"{len(rows)} rows (corpus without ambiguous + multilingual dev halves), "
          f"{len(names)} features, {args.folds} folds by file-name hash, "
          f"model threshold {threshold}")
    for title, probs, at in (("hand-set rule (tuned by hand)", hand, 0.5),
                             ("model, cross-validated", oof, threshold),
                             ("model, in-sample", fitted, threshold)):
        for source, f in _split(rows, probs, at).items():
            assert isinstance(f, dict)
            print(f"  {title:<32}{source:<8}precision {f['precision']:.3f}  "
                  f"recall {f['recall']:.3f}  F1 {f['f1']:.3f}  "
                  f"(tp {f['tp']} fp {f['fp']} fn {f['fn']})")
    corpus = [(r, p) for r, p in zip(rows, oof, strict=True) if r.source == "corpus"]
    for q in (0.9, 0.95):
        best = recall_at([r for r, _ in corpus], [p for _, p in corpus], q)
        print(f"  model, cross-validated: best corpus recall at precision >= {q}: {best:.3f}")
    for name, w in sorted(weights.items(), key=lambda x: -abs(x[1]))[: args.weights]:
        print(f"  {w:+7.3f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
