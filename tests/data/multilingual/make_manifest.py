"""Merge the per-language label files and print the set's SHA-256 (see README.md).

    python tests/data/multilingual/make_manifest.py          # print the hash
    python tests/data/multilingual/make_manifest.py --merge  # rebuild labels.csv first
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def merge() -> None:
    rows: list[dict[str, str]] = []
    for part in sorted(HERE.glob("labels-*.csv")):
        with part.open(newline="", encoding="utf-8") as fh:
            rows.extend(csv.DictReader(fh))
    rows.sort(key=lambda r: r["file"])
    with (HERE / "labels.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(
            fh, ["file", "label", "language", "formality", "intent", "split", "notes"],
            lineterminator="\n",
        )
        writer.writeheader()
        writer.writerows(rows)


def digest() -> str:
    """sha256 over name + NUL + bytes of every file in mail/ (sorted by name), then labels.csv."""
    h = hashlib.sha256()
    files = [*sorted((HERE / "mail").glob("*.eml")), HERE / "labels.csv"]
    for path in files:
        h.update(path.name.encode() + b"\x00" + path.read_bytes())
    return h.hexdigest()


if __name__ == "__main__":
    if "--merge" in sys.argv:
        merge()
    print(digest())
