"""Merge the per-language label files and print a set's SHA-256 (see README.md).

    python tests/data/multilingual/make_manifest.py [FOLDER]          # print the hash
    python tests/data/multilingual/make_manifest.py [FOLDER] --merge  # rebuild labels.csv first

FOLDER is a multilingual set (default: this one; ``tests/data/multilingual-2`` is the other).
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def merge(folder: Path = HERE) -> None:
    """Write ``labels.csv`` from the ``labels-<lang>.csv`` files, sorted by file name."""
    rows: list[dict[str, str]] = []
    for part in sorted(folder.glob("labels-*.csv")):
        with part.open(newline="", encoding="utf-8") as fh:
            rows.extend(csv.DictReader(fh))
    rows.sort(key=lambda r: r["file"])
    with (folder / "labels.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(
            fh, ["file", "label", "language", "formality", "intent", "split", "notes"],
            lineterminator="\n",
        )
        writer.writeheader()
        writer.writerows(rows)


def digest(folder: Path = HERE) -> str:
    """sha256 over name + NUL + bytes of every file in mail/ (sorted by name), then labels.csv
    (or, in a set without one, every labels-<lang>.csv in sorted order)."""
    h = hashlib.sha256()
    merged = folder / "labels.csv"
    labels = [merged] if merged.is_file() else sorted(folder.glob("labels-*.csv"))
    files = [*sorted((folder / "mail").glob("*.eml")), *labels]
    for path in files:
        h.update(path.name.encode() + b"\x00" + path.read_bytes())
    return h.hexdigest()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--merge"]
    target = Path(args[0]).resolve() if args else HERE
    if "--merge" in sys.argv:
        merge(target)
    print(digest(target))
