"""Print the classifier's figures for the shared corpus and both halves of each multilingual set.

    python bench/eval.py [--errors N]

The shared corpus is looked for at ../shared/corpus next to the repository (skipped when
absent); the multilingual sets at tests/data/multilingual, -2 and -3
(labels.csv, or labels-*.csv; in a folder with READY-<lang> markers only the marked
languages). Tune only on the corpus and the dev halves; the heldout halves are reported,
never tuned on, and ``--errors`` never lists their rows. Nothing in the runtime is fitted
to these rows by a program (bench/train.py measures whether a fitted model would help).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from responder.evaluate import evaluate, format_report  # noqa: E402 (path set up above)

SETS = ("multilingual", "multilingual-2", "multilingual-3")


def _labels(folder: Path) -> list[Path]:
    """The set's label files: labels.csv, else labels-<lang>.csv (marked READY, if any are)."""
    single = folder / "labels.csv"
    if single.is_file():
        return [single]
    parts = sorted(folder.glob("labels-*.csv"))
    if any(folder.glob("READY-*")):
        parts = [p for p in parts if (folder / f"READY-{p.stem.partition('-')[2]}").is_file()]
    return parts


def report_set(folder: Path, *, errors: int = 0, heldout: bool = True) -> str:
    """Both halves of one multilingual set; ``errors`` rows listed of the dev half only."""
    labels = _labels(folder)
    if not labels:
        return f"\n(no multilingual set at {folder})"
    langs = ", ".join(p.stem.partition("-")[2] or "all" for p in labels)
    parts = []
    for split in ("dev", "heldout") if heldout else ("dev",):
        report = evaluate(folder, labels, split=split)
        # held-out rows are never listed: looking at them would be tuning on them
        shown = format_report(report, show_errors=errors if split == "dev" else 0)
        parts.append(f"\n== {folder.name} ({langs}), {split} half ==\n{shown}")
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", type=int, default=0, help="list this many misclassified rows")
    parser.add_argument(
        "--dev-only",
        action="store_true",
        help="leave out the held-out halves (while tuning, not even their totals are seen)",
    )
    args = parser.parse_args()
    corpus = ROOT.parent / "shared" / "corpus"
    if (corpus / "labels.csv").is_file():
        print("== shared corpus (English, Enron + CSDMC2010) ==")
        print(format_report(evaluate(corpus, corpus / "labels.csv"), show_errors=args.errors))
    else:
        print(f"(no shared corpus at {corpus})")
    for name in SETS:
        folder = ROOT / "tests" / "data" / name
        print(report_set(folder, errors=args.errors, heldout=not args.dev_only))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
