"""The built lexicon, pickled in the user's cache folder, so start-up need not rebuild it.

Building it (parsing four TOML files in pure Python, compiling the phrase trie) takes
~0.2 s, a third of a small ``scan``; unpickling takes ~0.05 s.

Why unpickling is safe here: pickle runs code named in the file, so only a file this
program wrote itself is ever read. It lives in ``$XDG_CACHE_HOME/responder`` (else
``~/.cache/responder``), a folder created 0700, is written 0600 through a temporary file
and ``os.replace``, and is read only when it and its folder belong to the current user and
no one else may write to them. Whoever could still plant a file there can already change
the user's configuration and the code itself, so the cache opens no new door.

The key is a SHA-256 over the lexicon files' texts, the source of every responder module
and the Python and responder versions: a changed lexicon file or a new release gives a new
key, so a stale copy is never read. Any failure to read or write the cache is ignored; the
lexicon is then built as before.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import responder

_PREFIX = "lexicon-"
_KEEP = 4


def folder() -> Path:
    """Where the cache lives: ``$XDG_CACHE_HOME/responder``, else ``~/.cache/responder``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "responder"


def key(texts: Mapping[str, str]) -> str:
    """The cache key for a lexicon built from ``texts`` (where → file text) by this code."""
    digest = hashlib.sha256()
    digest.update(f"{sys.version}\0{responder.__version__}\0".encode())
    for source in sorted(Path(responder.__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    for where, text in texts.items():
        digest.update(where.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()[:32]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collections while a burst of long-lived objects is made (they would walk
    the new objects again and again: more than half of the build or unpickling time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _private(path: Path) -> bool:
    """Owned by this user and writable by no one else."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(cache_key: str) -> object | None:
    """The object stored under ``cache_key``, or None (missing, unsafe or unreadable)."""
    where = folder()
    path = where / f"{_PREFIX}{cache_key}.pickle"
    try:
        if not (_private(where) and _private(path)):
            return None
        with path.open("rb") as fh:
            value: object = pickle.load(fh)  # noqa: S301 (a file we wrote: see the docstring)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign cache is rebuilt, never fatal
        return None
    return value


def store(cache_key: str, value: object) -> None:
    """Keep ``value`` under ``cache_key`` (and at most a few copies under other keys)."""
    where = folder()
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(where):
            return
        fd, tmp = tempfile.mkstemp(prefix=".lexicon", dir=where)  # created 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, where / f"{_PREFIX}{cache_key}.pickle")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # Other keys (an older lexicon, another install) stay until there are too many.
        copies = sorted(where.glob(f"{_PREFIX}*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in copies[:-_KEEP]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        return
