"""lexcache: the built lexicon kept between processes, read only when safe and current."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from responder import cues, lexcache
from responder.classify import classify
from responder.parse import parse_message

INVITATION = (
    b"From: Anna Berg <anna@x.example>\nTo: me@y.example\nSubject: Coffee?\n\n"
    b"Hi, would you like to grab a coffee next Tuesday at 10?\n\nAnna\n"
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache" / "responder"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cues.load_lexicon.cache_clear()
    yield folder
    cues.load_lexicon.cache_clear()


def fresh() -> cues.Lexicon:
    """load_lexicon as a new process would call it."""
    cues.load_lexicon.cache_clear()
    return cues.load_lexicon()


def no_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("built, not read from the cache")

    monkeypatch.setattr(cues, "_build_lexicon", fail)


class TestCache:
    """A second start-up reads the lexicon the first one built."""

    def test_second_load_reads_the_cache(
        self, cache: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The first load writes one private file; the next one unpickles it."""
        built = fresh()
        files = list(cache.glob("lexicon-*.pickle"))
        assert len(files) == 1
        assert files[0].stat().st_mode & 0o777 == 0o600
        assert cache.stat().st_mode & 0o777 == 0o700
        no_build(monkeypatch)
        cached = fresh()
        assert cached is not built
        msg = parse_message(INVITATION)
        assert classify(msg, lexicon=cached) == classify(msg, lexicon=built)
        assert classify(msg, lexicon=cached).invitation

    def test_changed_lexicon_file_rebuilds(self, cache: Path, tmp_path: Path) -> None:
        """A user lexicon file that changes gives a new key: the old copy is not read."""
        extra = tmp_path / "lexicons"
        extra.mkdir()
        (extra / "en.toml").write_text('[activity.coffee]\nphrases = ["a piccolo latte"]\n')
        first = lexcache.key(cues._lexicon_texts(extra))
        cues.load_lexicon(extra)
        (extra / "en.toml").write_text('[activity.coffee]\nphrases = ["a cortado"]\n')
        assert lexcache.key(cues._lexicon_texts(extra)) != first
        cues.load_lexicon.cache_clear()
        lexicon = cues.load_lexicon(extra)
        assert "a cortado" in lexicon.family("en", "activity.coffee").phrases
        assert "a piccolo latte" not in lexicon.family("en", "activity.coffee").phrases

    def test_gc_enabled_afterwards(self, cache: Path) -> None:
        """The collector is paused only while the lexicon is made."""
        fresh()
        fresh()
        assert gc.isenabled()


class TestUnsafeOrBroken:
    """A file this process cannot trust, or cannot read, is never unpickled."""

    def test_file_others_may_write_is_ignored(
        self, cache: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Group- or world-writable: rebuilt instead of read."""
        fresh()
        (path,) = cache.glob("lexicon-*.pickle")
        os.chmod(path, 0o666)  # noqa: S103 (the unsafe file under test)
        built: list[bool] = []
        build = cues._build_lexicon

        def counting(*args: object) -> cues.Lexicon:
            built.append(True)
            return build(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(cues, "_build_lexicon", counting)
        fresh()
        assert built == [True]

    def test_folder_others_may_write_is_ignored(self, cache: Path) -> None:
        """A shared folder is neither read nor written."""
        cache.mkdir(mode=0o777, parents=True)
        os.chmod(cache, 0o777)  # noqa: S103 (the unsafe folder under test)
        fresh()
        assert list(cache.glob("lexicon-*")) == []

    def test_damaged_file_is_rebuilt(self, cache: Path) -> None:
        """Garbage under the right name costs a rebuild, not a crash."""
        fresh()
        (path,) = cache.glob("lexicon-*.pickle")
        path.write_bytes(b"\x80\x05not a pickle")
        lexicon = fresh()
        assert classify(parse_message(INVITATION), lexicon=lexicon).invitation

    def test_unusable_folder(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A cache folder that cannot be made (a file in its place) only costs the build."""
        (tmp_path / "file").write_text("not a folder")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
        lexicon = fresh()
        assert classify(parse_message(INVITATION), lexicon=lexicon).invitation
        cues.load_lexicon.cache_clear()
