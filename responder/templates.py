"""The reply templates: where they are found, how they render, and what `lint` checks.

Templates are plain text (``templates/<lang>/<action>.txt.j2``) rendered by a sandboxed Jinja2
environment with ``StrictUndefined``. Mail text (names, subject, body) only ever enters as
*variables*; nothing from a mail is compiled as template source.

Search path: the user's override directories first, then the shipped directory, per file — so
a user can override ``de/decline.txt.j2`` alone and keep every other shipped file. Templates
are reloaded when a file changes (or when an override for it appears), no restart needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from babel.dates import format_date as babel_format_date
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from responder.errors import TemplateError
from responder.model import Action

LANGUAGES: tuple[str, ...] = ("en", "de", "nb")
SUFFIX = ".txt.j2"

#: Every variable a template may use; `build_context` fills all of them (None/"" when unknown).
VARIABLES: frozenset[str] = frozenset(
    {
        "sender_name",
        "sender_first_name",
        "salutation",
        "user_name",
        "signature",
        "intent",
        "intent_phrase",
        "proposed_text",
        "proposed_date",
        "proposed_date_text",
        "booking_link",
        "colleague_name",
        "colleague_first_name",
        "colleague_email",
        "call_minutes",
        "short_minutes",
        "timebox_minutes",
        "formal",
        "tier",
        "reasons",
        "subject",
        "language",
        "attribution",
        "quoted",
        "introduced_by",
    }
)

_LANGUAGE_ALIASES = {"no": "nb", "nob": "nb", "deu": "de", "ger": "de", "eng": "en"}


def shipped_dir() -> Path:
    """The templates that ship with responder (repo checkout first, then package data)."""
    repo = Path(__file__).resolve().parent.parent / "templates"
    packaged = Path(__file__).resolve().parent / "data" / "templates"
    if not repo.is_dir() and packaged.is_dir():
        return packaged
    return repo


def template_name(lang: str, action: Action | str) -> str:
    """Loader name of one action template, e.g. ``de/accept.txt.j2``."""
    return f"{normalize_language(lang)}/{Action(action).value}{SUFFIX}"


def normalize_language(lang: str) -> str:
    """Map ISO 639 variants onto the template directory names (``no`` → ``nb``)."""
    key = lang.strip().lower().replace("_", "-").split("-")[0]
    return _LANGUAGE_ALIASES.get(key, key)


# --- filters -------------------------------------------------------------------------------


def quote_filter(text: str) -> str:
    """Prefix every line with ``> `` (``>`` alone for empty lines, ``>>`` for quoted ones)."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = []
    for line in lines:
        stripped = line.rstrip()
        if not stripped:
            out.append(">")
        elif stripped.startswith(">"):
            out.append(">" + stripped)
        else:
            out.append("> " + stripped)
    return "\n".join(out)


def upfirst_filter(text: str) -> str:
    """Upper-case the first character only (Jinja's ``capitalize`` lowers the rest)."""
    text = str(text)
    return text[:1].upper() + text[1:]


def format_date_filter(value: date | None, pattern: str, locale: str) -> str:
    """Format a date with a Babel pattern in a locale; '' for None."""
    if value is None:
        return ""
    return str(babel_format_date(value, pattern, locale=normalize_language(locale)))


# --- loader --------------------------------------------------------------------------------


class _ShadowingLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader whose cache also notices a new override file appearing."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        found_in = Path(filename).resolve()
        earlier = []
        for base in self.searchpath:
            candidate = (Path(base) / template).resolve()
            if candidate == found_in:
                break
            earlier.append(candidate)

        def still_current() -> bool:
            return bool(uptodate()) and not any(p.is_file() for p in earlier)

        return source, filename, still_current


# --- errors --------------------------------------------------------------------------------


def _location(tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost template file and line in a traceback Jinja has rewritten."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _describe(exc: Exception, fallback: str) -> str:
    """``file:line: problem — fix`` for any error raised while loading or rendering."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name or fallback}:{exc.lineno}"
        return f"{where}: syntax error: {exc.message}; fix the tag or expression on that line"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"{fallback}: template {exc.name!r} not found; create it or remove the reference"
    loc = _location(exc.__traceback__)
    where = f"{loc[0]}:{loc[1]}" if loc else fallback
    if isinstance(exc, jinja2.UndefinedError):
        known = ", ".join(sorted(VARIABLES))
        return (
            f"{where}: {exc.message}; use one of the documented variables ({known}) "
            "or give it a default: {{ name | default('') }}"
        )
    return f"{where}: {type(exc).__name__}: {exc}"


# --- the set -------------------------------------------------------------------------------


class TemplateSet:
    """The templates drafts are rendered from: override dirs first, the shipped dir last."""

    def __init__(self, override_dirs: Sequence[str | Path | None] = (), *, shipped: bool = True):
        dirs = [Path(d).expanduser() for d in override_dirs if d]
        self.override_dirs: tuple[Path, ...] = tuple(dirs)
        if shipped:
            dirs.append(shipped_dir())
        self.search_path: tuple[Path, ...] = tuple(dirs)
        self.env = SandboxedEnvironment(
            loader=_ShadowingLoader([str(d) for d in dirs]),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=True,
        )
        self.env.filters["quote"] = quote_filter
        self.env.filters["upfirst"] = upfirst_filter
        self.env.filters["format_date"] = format_date_filter

    def __repr__(self) -> str:
        return f"TemplateSet({[str(d) for d in self.search_path]!r})"

    def has(self, lang: str, action: Action | str) -> bool:
        """Whether some directory on the search path provides this template."""
        name = template_name(lang, action)
        return any((d / name).is_file() for d in self.search_path)

    def render(self, lang: str, action: Action | str, context: Mapping[str, Any]) -> str:
        """Render one action template; TemplateError names the file, line and the fix."""
        name = template_name(lang, action)
        try:
            template = self.env.get_template(name)
            return template.render(dict(context))
        except jinja2.TemplateNotFound as exc:
            searched = ", ".join(str(d) for d in self.search_path)
            raise TemplateError(
                f"no template {exc.name!r} (looked in {searched}); create it there"
            ) from exc
        except Exception as exc:  # every template failure becomes one error type
            raise TemplateError(_describe(exc, name)) from exc

    # --- lint ---------------------------------------------------------------------------------

    def _all_names(self) -> list[str]:
        return sorted(n for n in self.env.list_templates() if n.endswith(".j2"))

    def _filename(self, name: str) -> str:
        for d in self.search_path:
            if (d / name).is_file():
                return str(d / name)
        return name

    def _static_problems(self, name: str) -> Iterator[str]:
        """Syntax errors and names that are neither documented nor assigned in the file."""
        filename = self._filename(name)
        try:
            source = Path(filename).read_text(encoding="utf-8")
            tree = self.env.parse(source, name, filename)
        except jinja2.TemplateSyntaxError as exc:
            exc.filename = filename
            yield _describe(exc, filename)
            return
        except (OSError, UnicodeDecodeError) as exc:
            yield f"{filename}: cannot read: {exc}"
            return
        unknown = meta.find_undeclared_variables(tree) - VARIABLES
        for node in tree.find_all(nodes.Name):
            if node.name in unknown and node.ctx == "load":
                yield f"{filename}:{node.lineno}: unknown variable {node.name!r}"

    def lint(self) -> list[str]:
        """Every problem a user should fix before drafts are made; empty when all is well.

        Checks: every language x action exists; every ``.j2`` file parses (file:line);
        no template uses an undocumented variable (file:line); every action template
        renders in both registers with sample data under StrictUndefined.
        """
        problems = [
            f"template directory {d} does not exist; create it or fix templates_dir"
            for d in self.override_dirs
            if not d.is_dir()
        ]
        for lang in LANGUAGES:
            for action in Action:
                if not self.has(lang, action):
                    searched = ", ".join(str(d) for d in self.search_path)
                    problems.append(f"missing template {template_name(lang, action)} ({searched})")
        for name in self._all_names():
            problems.extend(self._static_problems(name))
        for lang in LANGUAGES:
            for action in Action:
                if not self.has(lang, action):
                    continue
                for context in sample_contexts(lang):
                    try:
                        self.render(lang, action, context)
                    except TemplateError as exc:
                        problems.append(str(exc))
        return list(dict.fromkeys(problems))


_SAMPLES: dict[str, dict[str, str]] = {
    "en": {
        "salutation": "Hi Kari,",
        "bare": "Hi,",
        "intent_phrase": "a coffee",
        "proposed_date_text": "Tuesday 16 April",
        "attribution": "On Mon, 8 Apr 2030 at 10:05, Kari Nordmann <kari@example.no> wrote:",
    },
    "de": {
        "salutation": "Guten Tag Kari Nordmann,",
        "bare": "Guten Tag,",
        "intent_phrase": "einen Kaffee",
        "proposed_date_text": "Dienstag, 16. April",
        "attribution": "Am 08.04.2030 um 10:05 schrieb Kari Nordmann <kari@example.no>:",
    },
    "nb": {
        "salutation": "Hei Kari,",
        "bare": "Hei,",
        "intent_phrase": "en kaffe",
        "proposed_date_text": "tirsdag 16. april",
        "attribution": "Den 8. april 2030 kl. 10:05 skrev Kari Nordmann <kari@example.no>:",
    },
}


def sample_contexts(lang: str) -> list[dict[str, Any]]:
    """Contexts for `lint`: both registers, every optional value both set and unset."""
    text = _SAMPLES.get(normalize_language(lang), _SAMPLES["en"])
    full: dict[str, Any] = {
        "sender_name": "Kari Nordmann",
        "sender_first_name": "Kari",
        "salutation": text["salutation"],
        "user_name": "Alex Example",
        "signature": "Alex Example\nExample Consulting",
        "intent": "coffee",
        "intent_phrase": text["intent_phrase"],
        "proposed_text": "Tuesday",
        "proposed_date": date(2030, 4, 16),
        "proposed_date_text": text["proposed_date_text"],
        "booking_link": "https://cal.example.com/alex/20min",
        "colleague_name": "Sam Berg",
        "colleague_first_name": "Sam",
        "colleague_email": "sam@example.com",
        "call_minutes": 20,
        "short_minutes": 30,
        "timebox_minutes": 45,
        "formal": True,
        "tier": "client",
        "reasons": ["sample"],
        "subject": "Coffee?",
        "language": normalize_language(lang),
        "attribution": text["attribution"],
        "quoted": "Coffee next week?",
        "introduced_by": "",
    }
    bare = dict(
        full,
        sender_name="",
        sender_first_name="",
        salutation=text["bare"],
        signature="",
        intent=None,
        proposed_text="",
        proposed_date=None,
        proposed_date_text="",
        booking_link=None,
        tier="unknown",
        reasons=[],
        quoted="",
        formal=False,
    )
    return [
        full,
        dict(full, formal=False),
        bare,
        dict(bare, formal=True),
        dict(full, introduced_by="Maria"),
    ]


def render_body(
    templates: TemplateSet, lang: str, action: Action | str, context: Mapping[str, Any]
) -> str:
    """Render the draft text for one action and tidy blank lines above the signature.

    Above the ``-- `` line: trailing spaces are dropped, runs of blank lines become one and
    leading blank lines go. The signature and everything after it are kept verbatim.
    """
    text = templates.render(lang, action, context)
    return tidy(text)


_BLANK_RUN = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Normalise line ends and blank lines in the part above the signature delimiter."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    try:
        cut = lines.index("-- ")
    except ValueError:
        cut = len(lines)
    head = "\n".join(line.rstrip() for line in lines[:cut])
    head = _BLANK_RUN.sub("\n\n", head).strip("\n")
    tail = "\n".join(lines[cut:]).rstrip("\n")
    result = head + ("\n" + tail if tail else "")
    return result.rstrip("\n") + "\n"


__all__ = [
    "LANGUAGES",
    "VARIABLES",
    "TemplateSet",
    "normalize_language",
    "render_body",
    "sample_contexts",
    "shipped_dir",
    "template_name",
    "tidy",
]
