"""Print the classifier's figures for the shared corpus and both halves of the multilingual set.

    python bench/eval.py [--errors N]

The shared corpus is looked for at ../shared/corpus next to the repository (skipped when
absent); the multilingual set at tests/data/multilingual (labels.csv, or labels-*.csv).
Tune only on the corpus and the dev half; the heldout half is reported, never tuned on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from responder.evaluate import evaluate, format_report  # noqa: E402 (path set up above)


def _labels(folder: Path) -> list[Path]:
    single = folder / "labels.csv"
    return [single] if single.is_file() else sorted(folder.glob("labels-*.csv"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", type=int, default=0, help="list this many misclassified rows")
    args = parser.parse_args()
    corpus = ROOT.parent / "shared" / "corpus"
    if (corpus / "labels.csv").is_file():
        print("== shared corpus (English, Enron + CSDMC2010) ==")
        print(format_report(evaluate(corpus, corpus / "labels.csv"), show_errors=args.errors))
    else:
        print(f"(no shared corpus at {corpus})")
    multi = ROOT / "tests" / "data" / "multilingual"
    labels = _labels(multi)
    if not labels:
        print(f"(no multilingual set at {multi})")
        return 0
    for split in ("dev", "heldout"):
        print(f"\n== multilingual set, {split} half ==")
        report = evaluate(multi, labels, split=split)
        print(format_report(report, show_errors=args.errors if split == "dev" else 0))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
