"""bench/eval.py and bench/train.py: which rows they read, and what they never show."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
MAIL = b"From: a@x.example\r\nTo: b@y.example\r\nSubject: files\r\n\r\nSee attached.\r\n"
HEADER = "file,label,language,formality,intent,split,notes\n"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench_eval() -> ModuleType:
    return _load("eval")


@pytest.fixture(scope="module")
def bench_train() -> ModuleType:
    return _load("train")


def _set(folder: Path, rows: dict[str, str], ready: tuple[str, ...] = ()) -> None:
    """A set with one labels file per language; ``rows`` maps file name to split."""
    (folder / "mail").mkdir(parents=True)
    by_lang: dict[str, list[str]] = {}
    for name, split in rows.items():
        (folder / "mail" / name).write_bytes(MAIL)
        by_lang.setdefault(name[:2], []).append(f"{name},invitation,en,,,{split},\n")
    for lang, lines in by_lang.items():
        (folder / f"labels-{lang}.csv").write_text(HEADER + "".join(lines))
    for lang in ready:
        (folder / f"READY-{lang}").write_text("")


class TestEvalRows:
    """Which label files bench/eval.py reads, and which rows it lists."""

    def test_only_ready_languages(self, bench_eval: ModuleType, tmp_path: Path) -> None:
        """In a set with READY markers, unmarked languages are not read yet."""
        _set(tmp_path, {"en-1.eml": "dev", "de-1.eml": "dev"}, ready=("en",))
        assert [p.name for p in bench_eval._labels(tmp_path)] == ["labels-en.csv"]

    def test_all_languages_without_markers(self, bench_eval: ModuleType, tmp_path: Path) -> None:
        """A set without any marker (set 1) is read whole."""
        _set(tmp_path, {"en-1.eml": "dev", "de-1.eml": "dev"})
        assert len(bench_eval._labels(tmp_path)) == 2

    def test_held_out_rows_never_listed(self, bench_eval: ModuleType, tmp_path: Path) -> None:
        """--errors lists misclassified dev rows, never held-out ones."""
        _set(tmp_path, {"en-dev.eml": "dev", "en-held.eml": "heldout"})
        text = bench_eval.report_set(tmp_path, errors=10)
        assert "en-dev.eml" in text
        assert "en-held.eml" not in text
        assert "heldout half" in text


class TestTrain:
    """The plain-Python logistic regression of bench/train.py."""

    def test_fit_learns_the_sign(self, bench_train: ModuleType) -> None:
        """A feature that marks every positive gets a positive weight, one that marks every
        negative a negative weight."""
        row = bench_train.Row
        rows = [row(f"p{i}", "corpus", True, {"good": 1.0}, True) for i in range(20)]
        rows += [row(f"n{i}", "corpus", False, {"bad": 1.0}, False) for i in range(20)]
        weights, _ = bench_train.fit(rows, ["bad", "good"], 1.0, 1.0)
        assert weights["good"] > 1.0
        assert weights["bad"] < -1.0

    def test_fold_is_fixed_by_name(self, bench_train: ModuleType) -> None:
        """A row's fold depends on its name only, so CV figures are reproducible."""
        folds = {bench_train.fold_of(f"mail-{i}.eml", 5) for i in range(50)}
        assert folds == {0, 1, 2, 3, 4}
        assert bench_train.fold_of("x.eml", 5) == bench_train.fold_of("x.eml", 5)
