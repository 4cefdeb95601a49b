"""Measure the classifier on a labelled folder of .eml files: precision, recall, confusion,
language and register accuracy, throughput (parse + classify).

``labels`` is a CSV (or several, read as one) with at least ``file`` and ``label``
columns (label one of invitation, hard_negative, negative, ambiguous). Optional columns are
used when present: ``language`` (ISO code; "no" and "nb" both mean bokmål), ``formality``
(formal/informal, German rows), ``split`` (dev/heldout, chosen with ``split=``). Ambiguous
rows are left out of precision and recall but shown in the confusion table. ``file`` is
relative to ``mail_dir`` (a ``raw/`` or ``mail/`` folder under it is tried too).
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from responder.classify import classify
from responder.cues import Lexicon, load_lexicon
from responder.errors import ConfigError, ParseError
from responder.model import Message

Parser = Callable[[bytes], Message]

_POSITIVE = "invitation"
_LANGUAGE_ALIASES = {"no": "nb", "nob": "nb", "nno": "nn"}


@dataclass(frozen=True)
class Error:
    """One misclassified row, for the error listing."""

    file: str
    label: str
    predicted: bool
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """The figures of one evaluation run."""

    rows: int
    tp: int
    fp: int
    fn: int
    tn: int
    confusion: dict[tuple[str, bool], int]
    language_total: int
    language_correct: int
    register_total: int
    register_correct: int
    seconds: float
    parse_failures: int
    classify_seconds: float = 0.0
    errors: tuple[Error, ...] = ()
    language_errors: tuple[tuple[str, str, str], ...] = ()
    by_language: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def language_accuracy(self) -> float | None:
        return self.language_correct / self.language_total if self.language_total else None

    @property
    def register_accuracy(self) -> float | None:
        return self.register_correct / self.register_total if self.register_total else None

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def classify_micros(self) -> float:
        """Average time of classify alone, in microseconds per message."""
        return self.classify_seconds / self.rows * 1e6 if self.rows else 0.0


def _default_parser() -> Parser:
    from responder.parse import parse_message  # noqa: PLC0415 (lazy: only when none is given)

    return parse_message


def _resolve(mail_dir: Path, name: str) -> Path:
    base = Path(name).name
    for candidate in (mail_dir / name, mail_dir / base, mail_dir / "mail" / base,
                      mail_dir / "raw" / base):
        if candidate.is_file():
            return candidate
    raise ConfigError(f"labels name {name!r}, which is not under {mail_dir}")


def _language_ok(expected: str, got: str) -> bool:
    expected = _LANGUAGE_ALIASES.get(expected.lower(), expected.lower())
    return got == expected


def evaluate(
    mail_dir: Path,
    labels: Path | Sequence[Path],
    *,
    split: str | None = None,
    parser: Parser | None = None,
    lexicon: Lexicon | None = None,
) -> Report:
    """Classify every labelled mail under ``mail_dir`` (optionally one ``split``) and count."""
    parse = parser if parser is not None else _default_parser()
    lex = lexicon if lexicon is not None else load_lexicon()
    rows: list[dict[str, str]] = []
    for path in [labels] if isinstance(labels, Path) else labels:
        with path.open(newline="", encoding="utf-8") as fh:
            rows += [r for r in csv.DictReader(fh) if split is None or r.get("split") == split]
    blobs = [(r, _resolve(mail_dir, r["file"]).read_bytes()) for r in rows]
    started = time.perf_counter()
    messages: list[Message | None] = []
    failures = 0
    for _, raw in blobs:
        try:
            messages.append(parse(raw))
        except ParseError:
            failures += 1
            messages.append(None)
    parsed = time.perf_counter()
    verdicts = [classify(m, lexicon=lex) if m is not None else None for m in messages]
    seconds = time.perf_counter() - started
    classify_seconds = time.perf_counter() - parsed
    confusion: Counter[tuple[str, bool]] = Counter()
    tp = fp = fn = tn = lang_total = lang_ok = reg_total = reg_ok = 0
    errors: list[Error] = []
    lang_errors: list[tuple[str, str, str]] = []
    by_lang: dict[str, list[int]] = {}
    for row, verdict in zip((r for r, _ in blobs), verdicts, strict=True):
        label = row["label"].strip()
        predicted = verdict is not None and verdict.invitation
        confusion[(label, predicted)] += 1
        expected_lang = (row.get("language") or "").strip()
        bucket = by_lang.setdefault(_LANGUAGE_ALIASES.get(expected_lang, expected_lang), [0, 0, 0])
        if label != "ambiguous":
            positive = label == _POSITIVE
            tp += positive and predicted
            fp += (not positive) and predicted
            fn += positive and not predicted
            tn += (not positive) and not predicted
            bucket[0] += positive and predicted
            bucket[1] += (not positive) and predicted
            bucket[2] += positive and not predicted
            if positive != predicted:
                errors.append(Error(row["file"], label, predicted,
                                    verdict.score if verdict else 0.0,
                                    verdict.reasons if verdict else ("parse failed",)))
        if verdict is not None and expected_lang and expected_lang not in ("other", "und"):
            lang_total += 1
            if _language_ok(expected_lang, verdict.language):
                lang_ok += 1
            else:
                lang_errors.append((row["file"], expected_lang, verdict.language))
        formality = (row.get("formality") or "").strip().lower()
        if verdict is not None and formality in ("formal", "informal"):
            reg_total += 1
            reg_ok += verdict.formality is not None and verdict.formality.value == formality
    return Report(
        rows=len(blobs), tp=tp, fp=fp, fn=fn, tn=tn, confusion=dict(confusion),
        language_total=lang_total, language_correct=lang_ok, register_total=reg_total,
        register_correct=reg_ok, seconds=seconds, parse_failures=failures,
        classify_seconds=classify_seconds,
        errors=tuple(errors), language_errors=tuple(lang_errors),
        by_language={k: (v[0], v[1], v[2]) for k, v in by_lang.items()},
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def format_report(report: Report, *, show_errors: int = 0) -> str:
    """The report as plain text; ``show_errors`` lists that many misclassified rows."""
    labels = sorted({label for label, _ in report.confusion})
    lines = [
        f"messages     {report.rows}  (parse failures {report.parse_failures})",
        f"invitations  precision {report.precision:.3f}  recall {report.recall:.3f}  "
        f"F1 {report.f1:.3f}  (tp {report.tp} fp {report.fp} fn {report.fn} tn {report.tn}; "
        "ambiguous excluded)",
        f"language     accuracy {_pct(report.language_accuracy)}  "
        f"({report.language_correct}/{report.language_total})",
        f"register     accuracy {_pct(report.register_accuracy)}  "
        f"({report.register_correct}/{report.register_total} German rows with a label)",
        f"throughput   {report.per_second:,.0f} msgs/s (parse + classify, one core); "
        f"classify {report.classify_micros:,.0f} µs/message (first pass, caches cold)",
        "",
        f"{'label':<15}{'predicted yes':>14}{'predicted no':>14}",
    ]
    for label in labels:
        yes = report.confusion.get((label, True), 0)
        no = report.confusion.get((label, False), 0)
        lines.append(f"{label:<15}{yes:>14}{no:>14}")
    if len(report.by_language) > 1:
        lines.append("")
        for lang, (tp, fp, fn) in sorted(report.by_language.items()):
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            lines.append(
                f"  {lang or '?':<6} precision {p:.3f} recall {r:.3f} (tp {tp} fp {fp} fn {fn})"
            )
    for err in report.errors[:show_errors]:
        kind = "FP" if err.predicted else "FN"
        lines.append(f"{kind} {err.file} [{err.label}] {err.score:+.1f} " + "; ".join(err.reasons))
    for file, expected, got in report.language_errors[:show_errors]:
        lines.append(f"LANG {file} expected {expected} got {got}")
    return "\n".join(lines)
