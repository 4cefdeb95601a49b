"""TemplateSet: per-file overrides, reloading on change, errors with file:line, and lint."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from responder.errors import TemplateError
from responder.model import Action
from responder.templates import (
    LANGUAGES,
    TemplateSet,
    render_body,
    sample_contexts,
    shipped_dir,
    tidy,
)

CONTEXT = sample_contexts("en")[0]


def write(root: Path, name: str, text: str) -> Path:
    """Write one template file under root, creating its language directory."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def touch_later(path: Path, seconds: int = 10) -> None:
    """Move a file's mtime forward so a change is visible even on coarse-mtime filesystems."""
    stat = path.stat()
    os.utime(path, (stat.st_atime + seconds, stat.st_mtime + seconds))


OVERRIDE = '{% extends "en/base.txt.j2" %}\n{% block body %}\nMy own words.\n{% endblock %}\n'


class TestShippedSet:
    """The shipped directory holds every language x action plus one base per language."""

    def test_every_template_present(self) -> None:
        """All 7 actions and a base exist for en, de and nb."""
        root = shipped_dir()
        for lang in LANGUAGES:
            assert (root / lang / "base.txt.j2").is_file()
            for action in Action:
                assert (root / lang / f"{action.value}.txt.j2").is_file()

    def test_lint_clean(self) -> None:
        """The shipped templates have no lint problems."""
        assert TemplateSet().lint() == []


class TestOverrides:
    """A user directory shadows shipped templates file by file and is re-read on change."""

    def test_one_file_shadows(self, tmp_path: Path) -> None:
        """An overridden file is used; every other template still comes from the shipped set."""
        write(tmp_path, "en/decline.txt.j2", OVERRIDE)
        templates = TemplateSet([tmp_path])
        assert "My own words." in render_body(templates, "en", Action.DECLINE, CONTEXT)
        assert "My own words." not in render_body(templates, "en", Action.ACCEPT, CONTEXT)
        assert "Best regards," in render_body(templates, "en", Action.DECLINE, CONTEXT)

    def test_edit_is_picked_up(self, tmp_path: Path) -> None:
        """Editing a template changes the next render without building a new TemplateSet."""
        path = write(tmp_path, "en/decline.txt.j2", OVERRIDE)
        templates = TemplateSet([tmp_path])
        assert "My own words." in render_body(templates, "en", Action.DECLINE, CONTEXT)
        path.write_text(OVERRIDE.replace("My own words.", "Second thoughts."), encoding="utf-8")
        touch_later(path)
        text = render_body(templates, "en", Action.DECLINE, CONTEXT)
        assert "Second thoughts." in text
        assert "My own words." not in text

    def test_new_override_is_picked_up(self, tmp_path: Path) -> None:
        """An override created after the shipped file was loaded takes effect at once."""
        templates = TemplateSet([tmp_path])
        assert "My own words." not in render_body(templates, "en", Action.ACCEPT, CONTEXT)
        write(tmp_path, "en/accept.txt.j2", OVERRIDE)
        assert "My own words." in render_body(templates, "en", Action.ACCEPT, CONTEXT)

    def test_base_override_applies_to_shipped_actions(self, tmp_path: Path) -> None:
        """Overriding a base changes the frame of every shipped action in that language."""
        base = (shipped_dir() / "en" / "base.txt.j2").read_text(encoding="utf-8")
        write(tmp_path, "en/base.txt.j2", base.replace("Best regards,", "Cheers,"))
        text = render_body(TemplateSet([tmp_path]), "en", Action.ACCEPT, CONTEXT)
        assert "Cheers," in text
        assert "Best regards," not in text


class TestErrors:
    """Template failures raise TemplateError naming the file, the line and the fix."""

    def test_syntax_error(self, tmp_path: Path) -> None:
        """A syntax error names the file and the line it is on."""
        path = write(tmp_path, "en/accept.txt.j2", OVERRIDE.replace("My own words.", "{{ 7 + }}"))
        with pytest.raises(TemplateError, match=rf"{path}:3: syntax error"):
            render_body(TemplateSet([tmp_path]), "en", Action.ACCEPT, CONTEXT)

    def test_undefined_variable(self, tmp_path: Path) -> None:
        """An undefined name names the file and line and suggests a default."""
        path = write(
            tmp_path, "en/accept.txt.j2", OVERRIDE.replace("My own words.", "{{ nickname }}")
        )
        with pytest.raises(TemplateError, match=rf"{path}:3: 'nickname' is undefined") as info:
            render_body(TemplateSet([tmp_path]), "en", Action.ACCEPT, CONTEXT)
        assert "default" in str(info.value)

    def test_missing_language(self) -> None:
        """A language without templates is a TemplateError saying where it looked."""
        with pytest.raises(TemplateError, match=r"sv/accept\.txt\.j2"):
            render_body(TemplateSet(), "sv", Action.ACCEPT, CONTEXT)

    def test_language_alias(self) -> None:
        """'no' (Norwegian) finds the bokmål templates."""
        text = render_body(TemplateSet(), "no", Action.DECLINE, sample_contexts("nb")[0])
        assert "Vennlig hilsen" in text


class TestLint:
    """`lint` reports every problem with the file and line to fix."""

    def test_syntax_error_reported(self, tmp_path: Path) -> None:
        """A broken template is reported with its path and line number."""
        path = write(
            tmp_path,
            "de/decline.txt.j2",
            '{% extends "de/base.txt.j2" %}\n{% block body %}\n{% if formal %}\nHallo\n'
            "{% endblock %}\n",
        )
        problems = TemplateSet([tmp_path]).lint()
        assert any(p.startswith(f"{path}:5: syntax error") for p in problems), problems

    def test_unknown_variable_reported(self, tmp_path: Path) -> None:
        """A variable that no context provides is reported with file and line."""
        path = write(
            tmp_path,
            "nb/accept.txt.j2",
            '{% extends "nb/base.txt.j2" %}\n{% block body %}\nHei {{ fornavn }}\n{% endblock %}\n',
        )
        problems = TemplateSet([tmp_path]).lint()
        assert f"{path}:3: unknown variable 'fornavn'" in problems

    def test_missing_template_reported(self, tmp_path: Path) -> None:
        """A search path without some language x action reports each missing file."""
        write(tmp_path, "en/base.txt.j2", "{{ salutation }}\n")
        problems = TemplateSet([tmp_path], shipped=False).lint()
        assert any(p.startswith("missing template en/accept.txt.j2") for p in problems)
        assert sum(p.startswith("missing template") for p in problems) == 21

    def test_render_failure_reported(self, tmp_path: Path) -> None:
        """A template that only fails with some data (attribute of None) is caught by rendering."""
        path = write(
            tmp_path,
            "en/accept.txt.j2",
            OVERRIDE.replace("My own words.", "{{ proposed_date.year }}"),
        )
        problems = TemplateSet([tmp_path]).lint()
        assert any(p.startswith(f"{path}:3:") for p in problems), problems

    def test_missing_override_dir_reported(self, tmp_path: Path) -> None:
        """A configured override directory that does not exist is named."""
        missing = tmp_path / "nope"
        problems = TemplateSet([missing]).lint()
        assert problems == [
            f"template directory {missing} does not exist; create it or fix templates_dir"
        ]


class TestTidy:
    """`tidy` cleans blank lines the template logic leaves, never the signature."""

    def test_collapses_blank_runs_above_signature(self) -> None:
        """Runs of blank lines above '-- ' become one; below it nothing changes."""
        text = "\n\nHi,\n\n\n\nText  \n-- \nSig\n\n\nLine\n\n"
        assert tidy(text) == "Hi,\n\nText\n-- \nSig\n\n\nLine\n"
