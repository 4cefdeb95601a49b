"""Settings: defaults < TOML file < RESPONDER_* variables, every mistake named by its key."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from responder.auth import credential
from responder.config import (
    DEFAULT_POLICY,
    OPTIONS,
    AccountSettings,
    Option,
    Secret,
    Settings,
    load_settings,
    require_account,
)
from responder.errors import ConfigError
from responder.model import Action
from responder.tiers import load_contacts

REPO = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str, *, name: str = "responder.toml", mode: int = 0o600) -> Path:
    """A config file with the given text and permissions."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def load(
    tmp_path: Path, text: str = "", env: Mapping[str, str] | None = None, **kwargs: Any
) -> Settings:
    """Settings from a TOML text and an explicit environment; never reads .env."""
    return load_settings(
        write(tmp_path, text), environ=dict(env or {}), read_dotenv=False, **kwargs
    )


def error(tmp_path: Path, text: str = "", env: Mapping[str, str] | None = None) -> str:
    """The message of the ConfigError that loading this raises."""
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text, env)
    return str(info.value)


class TestDefaults:
    """What an empty configuration means."""

    def test_empty_file_gives_documented_defaults(self, tmp_path: Path) -> None:
        """An empty TOML file yields the defaults declared in OPTIONS."""
        s = load(tmp_path)
        assert s.account.host == ""
        assert s.account.port == 993
        assert s.account.security == "ssl"
        assert s.account.folders == ("INBOX",)
        assert s.account.timeout == 60
        assert s.account.drafts_folder is None
        assert s.account.sent_folder is None
        assert s.reply_language == "en"
        assert s.timezone.key == "UTC"
        assert s.max_age_days == 14
        assert s.lookback_days == 0
        assert s.poll_seconds == 300
        assert s.drafts_unread is True
        assert s.require_return_path is True
        assert s.keyword == "$ResponderDrafted"
        assert s.policy.busy is False
        assert s.policy.call_proposed is Action.ACCEPT
        assert dict(s.policy.tiers) == dict(DEFAULT_POLICY)
        assert s.signatures == {}
        assert s.contacts_file is None

    def test_state_and_key_default_under_xdg(self, tmp_path: Path) -> None:
        """Without settings, state and the draft key live in the XDG directories."""
        s = load(tmp_path)
        state_base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local/state")
        config_base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        assert s.state_dir == Path(state_base) / "responder"
        assert s.key_file == Path(config_base) / "responder" / "draft.key"

    def test_source_names_the_file(self, tmp_path: Path) -> None:
        """Settings remember which file they came from, for messages."""
        assert load(tmp_path).source == str(tmp_path / "responder.toml")

    def test_allow_missing_falls_back_to_defaults(self, tmp_path: Path) -> None:
        """With allow_missing, an absent config file means defaults, not an error."""
        s = load_settings(
            tmp_path / "absent.toml", environ={}, read_dotenv=False, allow_missing=True
        )
        assert s.source == "defaults"
        assert s.account.port == 993

    def test_explicit_missing_file_is_an_error(self, tmp_path: Path) -> None:
        """A config file named explicitly must exist; the error names it."""
        missing = tmp_path / "absent.toml"
        with pytest.raises(ConfigError, match="file not found") as info:
            load_settings(missing, environ={}, read_dotenv=False)
        assert str(missing) in str(info.value)

    def test_responder_config_variable_selects_the_file(self, tmp_path: Path) -> None:
        """$RESPONDER_CONFIG points at the TOML file when no path is passed."""
        path = write(tmp_path, '[imap]\nhost = "from-variable.example"\n')
        s = load_settings(None, environ={"RESPONDER_CONFIG": str(path)}, read_dotenv=False)
        assert s.account.host == "from-variable.example"
        assert s.source == str(path)


class TestPrecedence:
    """The environment overrides the file, key by key."""

    def test_env_beats_toml(self, tmp_path: Path) -> None:
        """A variable replaces the file's value for its own key only."""
        s = load(
            tmp_path,
            '[imap]\nhost = "toml.example"\nuser = "toml-user"\n',
            {"RESPONDER_IMAP_HOST": "env.example"},
        )
        assert s.account.host == "env.example"
        assert s.account.user == "toml-user"

    def test_toml_beats_default(self, tmp_path: Path) -> None:
        """A key in the file replaces the built-in default."""
        s = load(tmp_path, "[responder]\nmax_age_days = 3\n")
        assert s.max_age_days == 3

    def test_env_bool_beats_toml_bool(self, tmp_path: Path) -> None:
        """A boolean set true in the file is turned off by the environment."""
        s = load(
            tmp_path, "[responder]\ndrafts_unread = true\n", {"RESPONDER_DRAFTS_UNREAD": "off"}
        )
        assert s.drafts_unread is False

    def test_unrelated_variables_are_ignored(self, tmp_path: Path) -> None:
        """Only RESPONDER_* names are checked; others (HOME, RESPONDERX_…) are not ours."""
        s = load(tmp_path, env={"HOME": "/nowhere", "RESPONDERX_FOO": "1"})
        assert s.account.host == ""


# Values that the option's validation accepts and that differ from its default; options
# not listed get a generic value of their kind (see _sample).
CONSTRAINED = {
    "RESPONDER_IMAP_SECURITY": "starttls",
    "RESPONDER_IMAP_AUTH": "xoauth2",
    "RESPONDER_REPLY_LANGUAGE": "nb",
    "RESPONDER_TIMEZONE": "Europe/Oslo",
    "RESPONDER_INTRODUCER": "bcc",
    "RESPONDER_KEYWORD": "$Sample",
    "RESPONDER_METRICS_ADDRESS": "::1",
}


def _sample(option: Option, tmp_path: Path) -> tuple[str, str]:
    """A non-default value for the option: as an env string and as a TOML value."""
    assert option.env is not None
    if option.env in CONSTRAINED:
        raw = CONSTRAINED[option.env]
        return raw, f'"{raw}"'
    if option.kind == "int":
        return "120", "120"  # valid for every int option, and no option's default
    if option.kind == "bool":
        return ("false", "false") if option.default else ("true", "true")
    if option.kind == "list":
        return "One, two@x.example", '["One", "two@x.example"]'
    if option.kind == "path":
        sample = tmp_path / "sample.txt"
        sample.write_text("sample text\n", encoding="utf-8")
        return str(sample), f'"{sample}"'
    return "sample-value", '"sample-value"'


ENV_OPTIONS = [o for o in OPTIONS if o.env]
TOML_OPTIONS = [pytest.param(o, id=str(o.env)) for o in ENV_OPTIONS]


TYPED_CASES: list[tuple[str, str, Callable[[Settings], Any], Any]] = [
    (
        "RESPONDER_IMAP_HOST",
        "imap.example.net",
        lambda s: s.account.host,
        "imap.example.net",
    ),
    ("RESPONDER_IMAP_PORT", "1993", lambda s: s.account.port, 1993),
    ("RESPONDER_IMAP_USER", "ingrid", lambda s: s.account.user, "ingrid"),
    ("RESPONDER_IMAP_PASSWORD", "s3cret", lambda s: s.account.password.reveal(), "s3cret"),
    (
        "RESPONDER_IMAP_FOLDERS",
        "INBOX, Clients",
        lambda s: s.account.folders,
        ("INBOX", "Clients"),
    ),
    ("RESPONDER_DRAFTS_FOLDER", "Entwürfe", lambda s: s.account.drafts_folder, "Entwürfe"),
    (
        "RESPONDER_IDENTITY_EMAIL",
        "i@solberg.example",
        lambda s: s.identity.email,
        "i@solberg.example",
    ),
    (
        "RESPONDER_IDENTITY_ALIASES",
        "a@x.example,b@y.example",
        lambda s: s.identity.aliases,
        ("a@x.example", "b@y.example"),
    ),
    (
        "RESPONDER_STATE_DIR",
        "/var/lib/responder",
        lambda s: s.state_dir,
        Path("/var/lib/responder"),
    ),
    (
        "RESPONDER_KEY_FILE",
        "/etc/responder/draft.key",
        lambda s: s.key_file,
        Path("/etc/responder/draft.key"),
    ),
    (
        "RESPONDER_CONTACTS",
        "/etc/responder/people.toml",
        lambda s: s.contacts_file,
        Path("/etc/responder/people.toml"),
    ),
    ("RESPONDER_MAX_AGE_DAYS", "30", lambda s: s.max_age_days, 30),
    ("RESPONDER_REPLY_LANGUAGE", "de", lambda s: s.reply_language, "de"),
    ("RESPONDER_TIMEZONE", "Europe/Oslo", lambda s: s.timezone.key, "Europe/Oslo"),
    ("RESPONDER_DRAFTS_UNREAD", "no", lambda s: s.drafts_unread, False),
    ("RESPONDER_BUSY", "1", lambda s: s.policy.busy, True),
]
TYPED = [pytest.param(*case, id=case[0]) for case in TYPED_CASES]


class TestEveryVariable:
    """Each documented RESPONDER_* variable reaches exactly its [section] key."""

    def test_variables_are_named_consistently(self) -> None:
        """Every option has a RESPONDER_ variable, a description, and no name is used twice."""
        names = [o.env for o in OPTIONS]
        assert all(n and n.startswith("RESPONDER_") for n in names)
        assert len(set(names)) == len(names)
        assert all(o.doc for o in OPTIONS)
        assert len({(o.section, o.key) for o in OPTIONS}) == len(OPTIONS)

    @pytest.mark.parametrize("option", TOML_OPTIONS)
    def test_variable_sets_its_option(self, tmp_path: Path, option: Option) -> None:
        """The variable changes the settings exactly as its TOML key with the same value does."""
        assert option.env is not None
        env_value, toml_value = _sample(option, tmp_path)
        default = load(tmp_path)
        from_env = load(tmp_path, env={option.env: env_value})
        from_file = load(tmp_path, f"[{option.section}]\n{option.key} = {toml_value}\n")
        assert from_env != default
        assert from_file == from_env

    @pytest.mark.parametrize(("env", "raw", "read", "expected"), TYPED)
    def test_typed_value(
        self, tmp_path: Path, env: str, raw: str, read: Callable[[Settings], Any], expected: Any
    ) -> None:
        """The variable's text arrives in Settings as the option's type."""
        assert read(load(tmp_path, env={env: raw})) == expected


class TestUnknownNames:
    """Typos are errors that name the key, with a suggestion when one is close."""

    def test_unknown_section(self, tmp_path: Path) -> None:
        """A misspelt table is named, and the right one suggested."""
        msg = error(tmp_path, '[imapp]\nhost = "x"\n')
        assert "[imapp]" in msg
        assert "did you mean 'imap'" in msg
        assert str(tmp_path / "responder.toml") in msg

    def test_unknown_key(self, tmp_path: Path) -> None:
        """A misspelt key is named with its section and the right key suggested."""
        msg = error(tmp_path, '[imap]\nhots = "x"\n')
        assert "imap.hots" in msg
        assert "did you mean 'host'" in msg

    def test_unknown_key_without_near_match(self, tmp_path: Path) -> None:
        """A key nothing like any option is still named, without a wild guess."""
        msg = error(tmp_path, "[responder]\nzzzzzz = 1\n")
        assert "responder.zzzzzz" in msg
        assert "did you mean" not in msg

    def test_top_level_key_is_not_a_section(self, tmp_path: Path) -> None:
        """A bare key outside any table is reported, not silently ignored."""
        msg = error(tmp_path, 'host = "imap.example"\n')
        assert "[host]" in msg

    def test_unknown_variable(self, tmp_path: Path) -> None:
        """An unknown RESPONDER_* variable is named, with the near variable suggested."""
        msg = error(tmp_path, env={"RESPONDER_IMAP_HOTS": "x"})
        assert "RESPONDER_IMAP_HOTS" in msg
        assert "did you mean 'RESPONDER_IMAP_HOST'" in msg

    def test_unknown_variable_far_from_any(self, tmp_path: Path) -> None:
        """An unknown variable with no near match is named and no guess is made."""
        msg = error(tmp_path, env={"RESPONDER_QQQQQQQQQQQQ": "x"})
        assert "RESPONDER_QQQQQQQQQQQQ" in msg
        assert "did you mean" not in msg


class TestBadValues:
    """A value of the wrong type is named by its key and where it came from."""

    def test_env_port_not_a_number(self, tmp_path: Path) -> None:
        """RESPONDER_IMAP_PORT=abc names the key, the variable and the expected type."""
        msg = error(tmp_path, env={"RESPONDER_IMAP_PORT": "abc"})
        assert "imap.port" in msg
        assert "$RESPONDER_IMAP_PORT" in msg
        assert "whole number" in msg
        assert "'abc'" in msg

    def test_toml_port_a_string(self, tmp_path: Path) -> None:
        """A port written as a word in the file names the key and the file."""
        msg = error(tmp_path, '[imap]\nport = "abc"\n')
        assert "imap.port" in msg
        assert str(tmp_path / "responder.toml") in msg

    def test_toml_port_a_boolean(self, tmp_path: Path) -> None:
        """true is not a port, even though Python would count it as 1."""
        assert "imap.port" in error(tmp_path, "[imap]\nport = true\n")

    @pytest.mark.parametrize("port", ["-1", "65536", "70000"])
    def test_port_out_of_range(self, tmp_path: Path, port: str) -> None:
        """A number that is no TCP port is refused and named."""
        assert "imap.port" in error(tmp_path, env={"RESPONDER_IMAP_PORT": port})

    def test_env_bool_maybe(self, tmp_path: Path) -> None:
        """RESPONDER_BUSY=maybe names policy.busy and says true or false."""
        msg = error(tmp_path, env={"RESPONDER_BUSY": "maybe"})
        assert "policy.busy" in msg
        assert "true or false" in msg

    def test_toml_bool_maybe(self, tmp_path: Path) -> None:
        """A boolean option given a word in the file is named."""
        msg = error(tmp_path, '[responder]\ndrafts_unread = "maybe"\n')
        assert "responder.drafts_unread" in msg

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("1", True),
            ("yes", True),
            ("ON", True),
            (" true ", True),
            ("0", False),
            ("no", False),
            ("off", False),
            ("", False),
        ],
    )
    def test_env_bool_words(self, tmp_path: Path, raw: str, expected: bool) -> None:
        """The usual words for yes and no are understood, case- and space-insensitively."""
        assert load(tmp_path, env={"RESPONDER_BUSY": raw}).policy.busy is expected

    def test_list_of_non_strings(self, tmp_path: Path) -> None:
        """A folder list with a number in it names imap.folders."""
        assert "imap.folders" in error(tmp_path, '[imap]\nfolders = ["INBOX", 3]\n')

    def test_string_option_given_a_number(self, tmp_path: Path) -> None:
        """A host written as a number names imap.host."""
        assert "imap.host" in error(tmp_path, "[imap]\nhost = 5\n")

    @pytest.mark.parametrize("key", ["lookback_days", "max_age_days"])
    def test_negative_days(self, tmp_path: Path, key: str) -> None:
        """A negative number of days is refused by name."""
        assert f"responder.{key}" in error(tmp_path, f"[responder]\n{key} = -1\n")

    def test_poll_seconds_too_small(self, tmp_path: Path) -> None:
        """Polling more often than every 10 seconds is refused."""
        assert "at least 10" in error(tmp_path, "[responder]\npoll_seconds = 5\n")

    def test_keyword_with_space(self, tmp_path: Path) -> None:
        """An IMAP keyword with a space in it is refused."""
        assert "responder.keyword" in error(tmp_path, env={"RESPONDER_KEYWORD": "my flag"})

    def test_empty_keyword_means_none(self, tmp_path: Path) -> None:
        """An empty keyword switches keyword-setting off rather than failing."""
        assert load(tmp_path, env={"RESPONDER_KEYWORD": ""}).keyword == ""

    def test_introducer_must_be_cc_or_bcc(self, tmp_path: Path) -> None:
        """responder.introducer accepts only cc or bcc and names itself otherwise."""
        msg = error(tmp_path, env={"RESPONDER_INTRODUCER": "to"})
        assert "responder.introducer must be cc or bcc" in msg
        assert "'to'" in msg

    def test_unknown_auth_method(self, tmp_path: Path) -> None:
        """imap.auth lists the methods and suggests the near one."""
        msg = error(tmp_path, env={"RESPONDER_IMAP_AUTH": "xoauth"})
        assert "imap.auth" in msg
        assert "did you mean 'xoauth2'" in msg

    def test_missing_ca_file(self, tmp_path: Path) -> None:
        """A CA bundle that does not exist is named."""
        msg = error(tmp_path, env={"RESPONDER_IMAP_CA_FILE": str(tmp_path / "nope.pem")})
        assert "imap.ca_file" in msg
        assert "nope.pem" in msg

    def test_toml_float_for_int(self, tmp_path: Path) -> None:
        """A fractional timeout is refused rather than silently truncated."""
        assert "imap.timeout" in error(tmp_path, "[imap]\ntimeout = 2.5\n")


class TestTomlSyntax:
    """A broken TOML file is reported with its name and the line."""

    def test_syntax_error_names_file_and_line(self, tmp_path: Path) -> None:
        """The message carries the path and the line number of the mistake."""
        msg = error(tmp_path, '[imap]\nhost = "ok"\nport = \n')
        assert str(tmp_path / "responder.toml") in msg
        assert "TOML syntax error" in msg
        assert "line 3" in msg

    def test_unreadable_file(self, tmp_path: Path) -> None:
        """A directory in place of the file is a ConfigError naming it, not a traceback."""
        path = tmp_path / "dir.toml"
        path.mkdir()
        with pytest.raises(ConfigError, match="cannot read") as info:
            load_settings(path, environ={}, read_dotenv=False)
        assert str(path) in str(info.value)


class TestImapSecurity:
    """imap.security and the port it implies."""

    @pytest.mark.parametrize(
        ("security", "port"), [("ssl", 993), ("starttls", 143), ("plain", 143)]
    )
    def test_default_port_follows_security(self, tmp_path: Path, security: str, port: int) -> None:
        """Port 0 (the default) means 993 with ssl and 143 otherwise."""
        s = load(tmp_path, env={"RESPONDER_IMAP_SECURITY": security})
        assert s.account.security == security
        assert s.account.port == port

    def test_explicit_port_is_kept(self, tmp_path: Path) -> None:
        """A port that is set is used whatever the security."""
        s = load(tmp_path, '[imap]\nsecurity = "starttls"\nport = 1143\n')
        assert s.account.port == 1143

    @pytest.mark.parametrize("security", ["tls", "SSL", ""])
    def test_unknown_security(self, tmp_path: Path, security: str) -> None:
        """Anything but ssl, starttls or plain is refused, listing the three."""
        msg = error(tmp_path, env={"RESPONDER_IMAP_SECURITY": security})
        assert "imap.security" in msg
        assert "ssl, starttls or plain" in msg


class TestTimezoneAndLanguage:
    """responder.timezone and responder.reply_language are checked when loaded."""

    def test_iana_zone(self, tmp_path: Path) -> None:
        """An IANA name becomes a ZoneInfo."""
        assert load(tmp_path, env={"RESPONDER_TIMEZONE": "Europe/Berlin"}).timezone.key == (
            "Europe/Berlin"
        )

    @pytest.mark.parametrize("zone", ["Mars/Olympus", "CEST+2", "../etc/passwd"])
    def test_bad_zone(self, tmp_path: Path, zone: str) -> None:
        """A zone that does not exist is named with an example of a good one."""
        msg = error(tmp_path, env={"RESPONDER_TIMEZONE": zone})
        assert "responder.timezone" in msg
        assert repr(zone) in msg
        assert "Europe/Oslo" in msg

    @pytest.mark.parametrize("lang", ["en", "de", "nb"])
    def test_reply_languages(self, tmp_path: Path, lang: str) -> None:
        """Each language with templates is accepted."""
        assert load(tmp_path, env={"RESPONDER_REPLY_LANGUAGE": lang}).reply_language == lang

    @pytest.mark.parametrize("lang", ["fr", "nn", "EN", "no"])
    def test_bad_reply_language(self, tmp_path: Path, lang: str) -> None:
        """A language without templates is refused, listing the ones there are."""
        msg = error(tmp_path, env={"RESPONDER_REPLY_LANGUAGE": lang})
        assert "responder.reply_language" in msg
        assert "en, de, nb" in msg


class TestPasswordInFile:
    """A password in the TOML file is allowed only if nobody else can read the file."""

    @pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
    def test_readable_by_others_refused(self, tmp_path: Path, mode: int) -> None:
        """Group- or world-readable files holding a password are refused with a chmod hint."""
        path = write(tmp_path, '[imap]\npassword = "hunter2"\n', mode=mode)
        with pytest.raises(ConfigError) as info:
            load_settings(path, environ={}, read_dotenv=False)
        msg = str(info.value)
        assert f"chmod 600 {path}" in msg
        assert "RESPONDER_IMAP_PASSWORD" in msg
        assert "hunter2" not in msg

    def test_private_file_accepted(self, tmp_path: Path) -> None:
        """At 0600 the password is read."""
        path = write(tmp_path, '[imap]\npassword = "hunter2"\n', mode=0o600)
        s = load_settings(path, environ={}, read_dotenv=False)
        assert s.account.password.reveal() == "hunter2"

    def test_readable_file_without_password_is_fine(self, tmp_path: Path) -> None:
        """A world-readable file is fine when it holds no password."""
        path = write(tmp_path, '[imap]\nhost = "imap.example"\n', mode=0o644)
        assert load_settings(path, environ={}, read_dotenv=False).account.host == "imap.example"


class TestSecret:
    """Secret keeps its value out of everything that might be logged."""

    @pytest.mark.parametrize(
        "show",
        [
            str,
            repr,
            lambda s: f"{s}",
            lambda s: f"{s!r}",
            lambda s: f"{s!s}",
            lambda s: "%s" % s,  # noqa: UP031 - the old formatting is what is tested
            lambda s: "%r" % (s,),  # noqa: UP031 - the old formatting is what is tested
            "{}".format,
            format,
        ],
        ids=[
            "str",
            "repr",
            "fstring",
            "fstring-r",
            "fstring-s",
            "percent-s",
            "percent-r",
            "format-method",
            "format",
        ],
    )
    def test_value_never_shown(self, show: Callable[[Secret], str]) -> None:
        """However it is turned into text, the value stays hidden."""
        text = show(Secret("hunter2"))
        assert "hunter2" not in text
        assert "***" in text

    def test_value_hidden_with_format_spec(self) -> None:
        """A padded f-string (f'{pw:>10}') does not reveal the value either."""
        assert "hunter2" not in f"{Secret('hunter2'):>10}"

    def test_reveal_returns_the_value(self) -> None:
        """reveal() is the one way to get the value, as a plain str."""
        value = Secret("hunter2").reveal()
        assert value == "hunter2"
        assert type(value) is str

    def test_empty_secret_shows_empty(self) -> None:
        """An unset password shows as empty, so 'not set' stays visible in output."""
        assert str(Secret("")) == ""
        assert repr(Secret("")) == "Secret('')"

    def test_unset_password_is_a_secret(self, tmp_path: Path) -> None:
        """With no password configured, the account still holds a (empty) Secret."""
        password = load(tmp_path).account.password
        assert isinstance(password, Secret)
        assert password.reveal() == ""

    def test_account_repr_hides_password(self, tmp_path: Path) -> None:
        """Neither the account's nor the whole Settings' repr leaks the password."""
        s = load(tmp_path, env={"RESPONDER_IMAP_PASSWORD": "hunter2"})
        assert s.account.password.reveal() == "hunter2"
        assert "hunter2" not in repr(s.account)
        assert "hunter2" not in str(s.account)
        assert "hunter2" not in repr(s)


def _account(password_cmd: str, password: str = "") -> AccountSettings:
    return AccountSettings(
        name="default",
        host="imap.example",
        port=993,
        user="u",
        password=Secret(password),
        security="ssl",
        ca_file=None,
        timeout=60,
        folders=("INBOX",),
        drafts_folder=None,
        sent_folder=None,
        password_cmd=password_cmd,
    )


class TestPasswordCommand:
    """password_cmd (through auth.credential, as on every connect) is split like a shell would
    (shlex) but run without a shell."""

    def test_first_line_of_output(self) -> None:
        """The command's first output line is the password."""
        assert credential(_account("printf 'pw\\n'")).reveal() == "pw"

    def test_only_first_line_used(self) -> None:
        """Later lines (pass(1) metadata) are ignored."""
        account = _account("printf 'first\\nuser: me\\n'")
        assert credential(account).reveal() == "first"

    def test_no_shell_involved(self) -> None:
        """Shell syntax is passed to the program as words, not interpreted."""
        assert credential(_account("echo a; echo b")).reveal() == "a; echo b"

    def test_returns_a_secret(self) -> None:
        """The result is a Secret, so it is hidden in logs too."""
        assert repr(credential(_account("printf 'pw\\n'"))) == "Secret('***')"

    def test_without_command_the_password_is_used(self) -> None:
        """With no password_cmd the configured password is returned unchanged."""
        assert credential(_account("", password="static")).reveal() == "static"

    def test_set_from_the_environment(self, tmp_path: Path) -> None:
        """RESPONDER_IMAP_PASSWORD_CMD reaches the account and runs."""
        s = load(tmp_path, env={"RESPONDER_IMAP_PASSWORD_CMD": "printf 'from-cmd\\n'"})
        assert credential(s.account).reveal() == "from-cmd"

    def test_failing_command_hides_its_output(self) -> None:
        """A non-zero exit is a ConfigError that says so without echoing any output."""
        account = _account("sh -c 'echo leaked-out; echo leaked-err >&2; exit 3'")
        with pytest.raises(ConfigError) as info:
            credential(account)
        msg = str(info.value)
        assert "password_cmd" in msg
        assert "'default'" in msg
        assert "leaked-out" not in msg
        assert "leaked-err" not in msg

    def test_missing_program(self, tmp_path: Path) -> None:
        """A command that does not exist is a ConfigError, not an OSError."""
        with pytest.raises(ConfigError, match="password_cmd"):
            credential(_account(str(tmp_path / "no-such-program")))


class TestPolicyTable:
    """The [policy] table bends the built-in policy, one tier and one key at a time."""

    def test_override_one_key(self, tmp_path: Path) -> None:
        """Setting long_meeting for clients keeps their default and busy actions."""
        s = load(tmp_path, '[policy.client]\nlong_meeting = "accept_timeboxed"\n')
        client = s.policy.tiers["client"]
        assert client.long_meeting is Action.ACCEPT_TIMEBOXED
        assert client.default is Action.ACCEPT
        assert client.busy is Action.REDIRECT_SHORT
        assert s.policy.tiers["prospect"] == DEFAULT_POLICY["prospect"]

    def test_override_default(self, tmp_path: Path) -> None:
        """A tier's default action can be replaced."""
        s = load(tmp_path, '[policy.unknown]\ndefault = "redirect_email"\n')
        assert s.policy.tiers["unknown"].default is Action.REDIRECT_EMAIL
        assert s.policy.tiers["unknown"].known_correspondent is Action.REDIRECT_CALL

    def test_call_proposed(self, tmp_path: Path) -> None:
        """policy.call_proposed changes what a proposed call gets."""
        s = load(tmp_path, '[policy]\ncall_proposed = "redirect_email"\n')
        assert s.policy.call_proposed is Action.REDIRECT_EMAIL

    def test_unknown_tier(self, tmp_path: Path) -> None:
        """A tier that does not exist is named."""
        msg = error(tmp_path, '[policy.vip]\ndefault = "accept"\n')
        assert "policy.vip" in msg

    def test_near_typo_tier(self, tmp_path: Path) -> None:
        """A misspelt tier gets a suggestion."""
        assert "did you mean 'client'" in error(tmp_path, '[policy.clinet]\ndefault = "accept"\n')

    def test_unknown_signal_key(self, tmp_path: Path) -> None:
        """A misspelt signal key under a tier is named with a suggestion."""
        msg = error(tmp_path, '[policy.client]\nlongmeeting = "accept"\n')
        assert "policy.client.longmeeting" in msg
        assert "did you mean 'long_meeting'" in msg

    def test_unknown_action_lists_valid_ones(self, tmp_path: Path) -> None:
        """An action that does not exist is named and every valid action listed."""
        msg = error(tmp_path, '[policy.client]\ndefault = "maybe_later"\n')
        assert "policy.client.default" in msg
        assert "'maybe_later'" in msg
        for action in Action:
            assert action.value in msg

    def test_policy_must_be_a_table(self, tmp_path: Path) -> None:
        """policy = "x" is refused."""
        assert "[policy] must be a table" in error(tmp_path, 'policy = "strict"\n')

    def test_busy_from_environment(self, tmp_path: Path) -> None:
        """RESPONDER_BUSY=1 sets policy.busy."""
        assert load(tmp_path, env={"RESPONDER_BUSY": "1"}).policy.busy is True

    def test_busy_from_file(self, tmp_path: Path) -> None:
        """busy = true under [policy] in the file turns the busy week on."""
        assert load(tmp_path, "[policy]\nbusy = true\n").policy.busy is True

    def test_busy_bad_value_in_file(self, tmp_path: Path) -> None:
        """busy = "maybe" under [policy] names policy.busy."""
        assert "policy.busy" in error(tmp_path, '[policy]\nbusy = "maybe"\n')


class TestRequireAccount:
    """Commands that talk to a server say every missing setting at once."""

    def test_names_every_missing_variable(self, tmp_path: Path) -> None:
        """With nothing set, host, user, identity and password are all named."""
        with pytest.raises(ConfigError) as info:
            require_account(load(tmp_path))
        msg = str(info.value)
        for name in (
            "RESPONDER_IMAP_HOST",
            "RESPONDER_IMAP_USER",
            "RESPONDER_IDENTITY_EMAIL",
            "RESPONDER_IMAP_PASSWORD",
        ):
            assert name in msg

    def test_names_only_what_is_missing(self, tmp_path: Path) -> None:
        """Settings that are present are not listed."""
        env = {"RESPONDER_IMAP_HOST": "imap.example", "RESPONDER_IMAP_PASSWORD_CMD": "true"}
        with pytest.raises(ConfigError) as info:
            require_account(load(tmp_path, env=env))
        msg = str(info.value)
        assert "RESPONDER_IMAP_HOST" not in msg
        assert "RESPONDER_IMAP_PASSWORD" not in msg
        assert "RESPONDER_IMAP_USER" in msg

    def test_complete_account_passes(self, tmp_path: Path) -> None:
        """Host, user, identity and a password are enough."""
        env = {
            "RESPONDER_IMAP_HOST": "imap.example",
            "RESPONDER_IMAP_USER": "u",
            "RESPONDER_IMAP_PASSWORD": "p",
            "RESPONDER_IDENTITY_EMAIL": "me@example.com",
        }
        require_account(load(tmp_path, env=env))


class TestSignatures:
    """Signature files are read verbatim as UTF-8; trailing newlines are dropped."""

    def test_read_verbatim(self, tmp_path: Path) -> None:
        """Indentation, the '-- ' delimiter and non-ASCII letters survive."""
        sig = tmp_path / "sig.txt"
        sig.write_text("-- \n  Jørgen Grüße\n\n  Tel. +47 22 00 00 00\n\n", encoding="utf-8")
        s = load(tmp_path, env={"RESPONDER_SIGNATURE_NB": str(sig)})
        assert s.signatures == {"nb": "-- \n  Jørgen Grüße\n\n  Tel. +47 22 00 00 00"}

    def test_path_relative_to_home(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A ~ in the path means the home directory."""
        monkeypatch.setenv("HOME", str(tmp_path))
        (tmp_path / "sig.txt").write_text("Hilsen\n", encoding="utf-8")
        s = load(tmp_path, '[signatures]\nnb = "~/sig.txt"\n')
        assert s.signatures["nb"] == "Hilsen"

    def test_not_utf8_names_file(self, tmp_path: Path) -> None:
        """A Latin-1 file is refused, naming the file and the key."""
        sig = tmp_path / "sig.de.txt"
        sig.write_bytes("Grüße\n".encode("latin-1"))
        msg = error(tmp_path, env={"RESPONDER_SIGNATURE_DE": str(sig)})
        assert "signatures.de" in msg
        assert str(sig) in msg
        assert "UTF-8" in msg

    def test_missing_file_names_file(self, tmp_path: Path) -> None:
        """A signature file that is not there is named."""
        sig = tmp_path / "gone.txt"
        msg = error(tmp_path, env={"RESPONDER_SIGNATURE_EN": str(sig)})
        assert "signatures.en" in msg
        assert str(sig) in msg

    def test_directory_names_file(self, tmp_path: Path) -> None:
        """A directory instead of a file is named."""
        msg = error(tmp_path, env={"RESPONDER_SIGNATURE_EN": str(tmp_path)})
        assert "signatures.en" in msg


class TestCommittedExample:
    """config/responder.toml, the example users copy, stays valid."""

    def test_example_loads(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The example loads with no environment and documents the built-in policy."""
        monkeypatch.chdir(REPO)  # its paths are relative to the repository
        s = load_settings(REPO / "config" / "responder.toml", environ={}, read_dotenv=False)
        assert s.identity.email == "ingrid@solberg.example"
        assert s.timezone.key == "Europe/Oslo"
        assert set(s.signatures) == {"en", "de", "nb"}
        assert all(s.signatures.values())
        assert dict(s.policy.tiers) == dict(DEFAULT_POLICY)
        assert s.policy.call_proposed is Action.ACCEPT
        assert s.contacts_file == Path("config/contacts.example.toml")
        assert load_contacts(s.contacts_file).addresses
