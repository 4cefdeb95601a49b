"""Typed, frozen settings built once at start-up from a TOML file and RESPONDER_* variables.

Every option is declared once in ``OPTIONS`` with its TOML place, its environment variable,
its type and default, so the README, the error messages and the loader cannot disagree.
Environment variables (also read from ``.env`` in the working directory) override the file.
Unknown keys and unknown RESPONDER_* variables are errors that name the key: a typo in a
setting that silently does nothing is how auto-responders end up answering the wrong mail.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from responder.errors import ConfigError
from responder.model import Identity
from responder.options import EXTRA_ENV, OPTIONS, Option, Secret, as_secret, did_you_mean
from responder.policytable import (
    DEFAULT_POLICY,
    POLICY_KEYS,
    POLICY_TIERS,
    PolicySettings,
    TierPolicy,
    build_policy,
)

__all__ = [
    "DEFAULT_POLICY",
    "EXTRA_ENV",
    "OPTIONS",
    "POLICY_KEYS",
    "POLICY_TIERS",
    "AccountSettings",
    "Option",
    "PolicySettings",
    "Secret",
    "Settings",
    "TierPolicy",
    "as_secret",
    "load_settings",
    "read_toml",
    "require_account",
]

Security = Literal["ssl", "starttls", "plain"]
REPLY_LANGUAGES = ("en", "de", "nb")
DEFAULT_CONFIG = Path("config/responder.toml")


# Keys an [[accounts]] table may set besides the [imap] keys, its `name` and an `identity`
# table; each defaults to the global [responder] value.
ACCOUNT_KEYS = ("poll_seconds", "idle", "idle_renew_seconds", "daily_cap", "sender_window_days")
ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")


@dataclass(frozen=True)
class AccountSettings:
    """One IMAP account; the password is a Secret and never printed."""

    name: str
    host: str
    port: int
    user: str
    password: Secret
    security: Security
    ca_file: Path | None
    timeout: int
    folders: tuple[str, ...]
    drafts_folder: str | None
    sent_folder: str | None
    password_cmd: str = ""
    auth: str = "password"  # password | xoauth2 | oauthbearer (see responder.auth)
    oauth2_token_cmd: str = ""
    password_keyring: str = ""  # keyring service name; the entry is the login name
    # Per-account daemon settings ([[accounts]] may set them; else the global values).
    password_env: str = ""  # [[accounts]]: the variable the password was read from
    identity: Identity | None = None  # None: the global [identity]
    poll_seconds: int = 300
    idle: bool = True
    idle_renew_seconds: int = 240
    daily_cap: int = 30
    sender_window_days: int = 0


@dataclass(frozen=True)
class Settings:
    """Everything responder needs, resolved and checked."""

    identity: Identity
    account: AccountSettings
    contacts_file: Path | None
    state_dir: Path
    key_file: Path
    templates_dir: Path | None
    lookback_days: int
    max_age_days: int
    reply_language: str
    timezone: ZoneInfo
    booking_link: str
    drafts_unread: bool
    keyword: str
    require_return_path: bool
    introducer: str
    poll_seconds: int
    policy: PolicySettings
    signatures: Mapping[str, str]
    source: str  # where the settings came from, for messages
    # Every account, the [imap]/RESPONDER_IMAP_* one ("default") first; `account` is
    # accounts[0]. Use for_account() to get the Settings a pass over one account needs.
    accounts: tuple[AccountSettings, ...] = ()
    retention_days: int = 180
    login_retry_seconds: int = 3600
    metrics_port: int = 0
    metrics_address: str = "127.0.0.1"

    def for_account(self, account: AccountSettings) -> Settings:
        """These settings narrowed to one account (its identity and schedule)."""
        return replace(
            self,
            account=account,
            accounts=(account,),
            identity=account.identity or self.identity,
            poll_seconds=account.poll_seconds,
        )

    def find_account(self, name: str | None) -> AccountSettings:
        """The account called name (None: the first); a ConfigError lists the known ones."""
        if name is None:
            return self.account
        for acct in self.accounts or (self.account,):
            if acct.name == name:
                return acct
        known = [a.name for a in self.accounts or (self.account,)]
        raise ConfigError(
            f"{self.source}: no account named {name!r}; configured: {', '.join(known)}"
            f"{did_you_mean(name, known)}"
        )


def _xdg(var: str, fallback: str) -> Path:
    base = os.environ.get(var) or str(Path.home() / fallback)
    return Path(base) / "responder"


def _to_str(raw: Any) -> str:
    if not isinstance(raw, str):
        raise TypeError
    return raw


def _to_int(raw: Any) -> int:
    if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
        raise TypeError  # 2.5 seconds must not silently become 2
    return int(raw)


def _to_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    words = {
        "1": True,
        "true": True,
        "yes": True,
        "on": True,
        "0": False,
        "false": False,
        "no": False,
        "off": False,
        "": False,
    }
    return words[str(raw).strip().lower()]


def _to_list(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [p.strip() for p in raw.split(",") if p.strip()]
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return raw
    raise TypeError


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "str": _to_str,
    "secret": lambda raw: Secret(_to_str(raw)),
    "int": _to_int,
    "bool": _to_bool,
    "path": lambda raw: Path(_to_str(raw)).expanduser() if raw else None,
    "list": _to_list,
}


def _convert(opt: Option, raw: Any, where: str) -> Any:
    """Turn a TOML value or an env string into the option's type, or say what is wrong."""
    try:
        return CONVERTERS[opt.kind](raw)
    except (TypeError, ValueError, KeyError):
        raise ConfigError(
            f"{where}: {opt.section}.{opt.key} must be {_kind_words(opt.kind)}, got {raw!r}"
        ) from None


def _kind_words(kind: str) -> str:
    return {
        "int": "a whole number",
        "bool": "true or false",
        "list": "a list of strings",
        "path": "a file path string",
    }.get(kind, "a string")


def read_toml(path: Path) -> dict[str, Any]:
    """Load a TOML file, turning syntax errors into a ConfigError with file and line."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None


def load_settings(
    config_path: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    read_dotenv: bool = True,
    allow_missing: bool = False,
) -> Settings:
    """Build Settings: defaults < TOML file < environment (< CLI ``overrides``).

    ``config_path`` None means $RESPONDER_CONFIG or config/responder.toml if it exists.
    """
    if read_dotenv and environ is None:
        from dotenv import load_dotenv  # noqa: PLC0415 - only the real CLI reads .env

        load_dotenv(Path.cwd() / ".env", override=False)
    env = dict(os.environ if environ is None else environ)
    explicit = (config_path is not None or "RESPONDER_CONFIG" in env) and not allow_missing
    path = config_path or Path(env.get("RESPONDER_CONFIG", str(DEFAULT_CONFIG)))
    data: dict[str, Any] = {}
    if path.exists() or explicit:
        data = read_toml(path)
    source = str(path) if data or explicit else "defaults"
    values = _collect(data, env, source)
    if overrides:
        values.update(overrides)
    _check_file_password(path, data)
    settings = _build(values, data.get("policy", {}), source, env)
    return _with_accounts(settings, values, data.get("accounts", []), source, env)


def _collect(data: dict[str, Any], env: Mapping[str, str], source: str) -> dict[str, Any]:
    by_section: dict[str, dict[str, Option]] = {}
    for opt in OPTIONS:
        by_section.setdefault(opt.section, {})[opt.key] = opt
    values: dict[str, Any] = {f"{o.section}.{o.key}": o.default for o in OPTIONS}
    for section, table in data.items():
        if section == "policy" and isinstance(table, dict) and "busy" in table:
            # The only [policy] key that is also an option (RESPONDER_BUSY overrides it).
            values["policy.busy"] = _convert(by_section["policy"]["busy"], table["busy"], source)
        if section in ("policy", "accounts"):
            continue  # validated by _build_policy / _build_accounts
        if section not in by_section or not isinstance(table, dict):
            raise ConfigError(
                f"{source}: unknown section [{section}]"
                f"{did_you_mean(section, [*by_section, 'policy', 'accounts'])}"
            )
        for key, raw in table.items():
            option = by_section[section].get(key)
            if option is None:
                raise ConfigError(
                    f"{source}: unknown key {section}.{key}"
                    f"{did_you_mean(key, list(by_section[section]))}"
                )
            values[f"{section}.{key}"] = _convert(option, raw, source)
    known_env = {o.env: o for o in OPTIONS if o.env} | {k: None for k in EXTRA_ENV}
    for name in sorted(env):
        if not name.startswith("RESPONDER_"):
            continue
        if name not in known_env:
            raise ConfigError(
                f"environment: unknown variable {name}{did_you_mean(name, list(known_env))}; "
                "remove it or fix its name"
            )
        env_option = known_env[name]
        if env_option is not None:
            values[f"{env_option.section}.{env_option.key}"] = _convert(
                env_option, env[name], f"${name}"
            )
    return values


def _check_file_password(path: Path, data: dict[str, Any]) -> None:
    """A password in the TOML is allowed only if nobody else can read the file."""
    imap = data.get("imap", {})
    accounts = data.get("accounts", [])
    in_accounts = isinstance(accounts, list) and any(
        isinstance(t, dict) and t.get("password") for t in accounts
    )
    if (isinstance(imap, dict) and imap.get("password")) or in_accounts:
        mode = path.stat().st_mode
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            raise ConfigError(
                f"{path}: holds imap.password but is readable by others; "
                f"run `chmod 600 {path}` or move the password to RESPONDER_IMAP_PASSWORD"
            )


def _build(
    values: dict[str, Any], policy_raw: Any, source: str, env: Mapping[str, str]
) -> Settings:
    get: Callable[[str], Any] = values.__getitem__
    security = get("imap.security")
    if security not in ("ssl", "starttls", "plain"):
        raise ConfigError(
            f"{source}: imap.security must be ssl, starttls or plain, got {security!r}"
        )
    port = get("imap.port") or (993 if security == "ssl" else 143)
    if not 0 < port < 65536:
        raise ConfigError(f"{source}: imap.port {port} is not a TCP port")
    for key in ("lookback_days", "max_age_days", "poll_seconds"):
        if get(f"responder.{key}") < 0:
            raise ConfigError(f"{source}: responder.{key} must not be negative")
    if get("responder.poll_seconds") < 10:
        raise ConfigError(f"{source}: responder.poll_seconds must be at least 10")
    lang = get("responder.reply_language")
    if lang not in REPLY_LANGUAGES:
        raise ConfigError(
            f"{source}: responder.reply_language must be one of {', '.join(REPLY_LANGUAGES)}"
        )
    try:
        tz = ZoneInfo(get("responder.timezone"))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{source}: responder.timezone {get('responder.timezone')!r} is not an IANA zone "
            "(e.g. Europe/Oslo)"
        ) from None
    ca_file = get("imap.ca_file")
    if ca_file is not None and not ca_file.is_file():
        raise ConfigError(f"{source}: imap.ca_file {ca_file} does not exist")
    keyword = get("responder.keyword")
    if keyword and (not keyword.isascii() or any(c in keyword for c in ' ()"{%*\\]')):
        raise ConfigError(f"{source}: responder.keyword {keyword!r} is not a valid IMAP keyword")
    signatures: dict[str, str] = {}
    for lang_code in REPLY_LANGUAGES:
        sig = get(f"signatures.{lang_code}")
        if sig is not None:
            try:
                signatures[lang_code] = sig.read_text(encoding="utf-8").rstrip("\n")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(
                    f"{source}: signatures.{lang_code}: cannot read {sig} as UTF-8 ({exc})"
                ) from None
    email_addr = get("identity.email").strip()
    identity = Identity(
        name=get("identity.name").strip(),
        email=email_addr,
        aliases=tuple(a.strip() for a in get("identity.aliases") if a.strip()),
    )
    account = AccountSettings(
        name="default",
        host=get("imap.host"),
        port=port,
        user=get("imap.user"),
        password=as_secret(get("imap.password")),
        password_cmd=get("imap.password_cmd"),
        auth=_auth(get("imap.auth"), source),
        oauth2_token_cmd=get("imap.oauth2_token_cmd"),
        password_keyring=get("imap.password_keyring"),
        security=security,
        ca_file=ca_file,
        timeout=get("imap.timeout"),
        folders=tuple(get("imap.folders")) or ("INBOX",),
        drafts_folder=get("imap.drafts_folder") or None,
        sent_folder=get("imap.sent_folder") or None,
    )
    state_dir = get("responder.state_dir") or _xdg("XDG_STATE_HOME", ".local/state")
    key_file = get("responder.key_file") or _xdg("XDG_CONFIG_HOME", ".config") / "draft.key"
    return Settings(
        identity=identity,
        account=account,
        contacts_file=get("responder.contacts"),
        state_dir=state_dir,
        key_file=key_file,
        templates_dir=get("responder.templates_dir"),
        lookback_days=get("responder.lookback_days"),
        max_age_days=get("responder.max_age_days"),
        reply_language=lang,
        timezone=tz,
        booking_link=get("responder.booking_link"),
        drafts_unread=get("responder.drafts_unread"),
        keyword=keyword,
        require_return_path=get("responder.require_return_path"),
        introducer=_introducer(get("responder.introducer"), source),
        poll_seconds=get("responder.poll_seconds"),
        policy=build_policy(policy_raw, get("policy.busy"), source),
        signatures=signatures,
        source=source,
    )


def _auth(value: str, source: str) -> str:
    methods = ("password", "xoauth2", "oauthbearer")
    if value not in methods:
        raise ConfigError(
            f"{source}: imap.auth must be one of {', '.join(methods)}, got {value!r}"
            f"{did_you_mean(value, list(methods))}"
        )
    return value


def _introducer(value: str, source: str) -> str:
    if value not in ("cc", "bcc"):
        raise ConfigError(f"{source}: responder.introducer must be cc or bcc, got {value!r}")
    return value


def _with_accounts(
    settings: Settings,
    values: dict[str, Any],
    raw: Any,
    source: str,
    env: Mapping[str, str],
) -> Settings:
    """Add the daemon settings and every account: [imap] ("default") first, then [[accounts]]."""
    get: Callable[[str], Any] = values.__getitem__
    for key in ("daily_cap", "sender_window_days", "retention_days"):
        if get(f"responder.{key}") < 0:
            raise ConfigError(f"{source}: responder.{key} must not be negative")
    retention = get("responder.retention_days")
    if 0 < retention < settings.max_age_days:
        raise ConfigError(
            f"{source}: responder.retention_days ({retention}) must be 0 (keep) or at least "
            f"max_age_days ({settings.max_age_days}): the records stop old mail being re-drafted"
        )
    if get("responder.login_retry_seconds") < 60:
        raise ConfigError(f"{source}: responder.login_retry_seconds must be at least 60")
    port = get("metrics.port")
    if not 0 <= port < 65536:
        raise ConfigError(f"{source}: metrics.port {port} is not a TCP port (0 = off)")
    accounts: list[AccountSettings] = []
    listed = _build_accounts(raw, values, source, env)
    if settings.account.host or not listed:
        accounts.append(_daemon_fields(settings.account, values, source))
    accounts.extend(listed)
    seen: set[str] = set()
    for acct in accounts:
        if acct.name in seen:
            raise ConfigError(f"{source}: two accounts are named {acct.name!r}")
        seen.add(acct.name)
    return replace(
        settings,
        account=accounts[0],
        accounts=tuple(accounts),
        retention_days=retention,
        login_retry_seconds=get("responder.login_retry_seconds"),
        metrics_port=port,
        metrics_address=get("metrics.address"),
    )


def _daemon_fields(acct: AccountSettings, values: dict[str, Any], where: str) -> AccountSettings:
    get: Callable[[str], Any] = values.__getitem__
    if get("responder.poll_seconds") < 10:
        raise ConfigError(f"{where}: poll_seconds must be at least 10")
    renew = get("responder.idle_renew_seconds")
    if not 10 <= renew <= 29 * 60:
        raise ConfigError(
            f"{where}: idle_renew_seconds must be 10 to 1740 (servers end IDLE after 30 min)"
        )
    for key in ("daily_cap", "sender_window_days"):
        if get(f"responder.{key}") < 0:
            raise ConfigError(f"{where}: {key} must not be negative")
    return replace(
        acct,
        poll_seconds=get("responder.poll_seconds"),
        idle=get("responder.idle"),
        idle_renew_seconds=renew,
        daily_cap=get("responder.daily_cap"),
        sender_window_days=get("responder.sender_window_days"),
    )


def _build_accounts(
    raw: Any, values: dict[str, Any], source: str, env: Mapping[str, str]
) -> list[AccountSettings]:
    """The [[accounts]] tables: [imap] keys (not inherited), ACCOUNT_KEYS, name, identity."""
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise ConfigError(f"{source}: accounts must be written as [[accounts]] tables")
    out = []
    for i, table in enumerate(raw):
        name = table.get("name")
        if not isinstance(name, str) or not ACCOUNT_NAME.fullmatch(name) or name == "default":
            raise ConfigError(
                f"{source}: accounts[{i}] needs a name of letters, digits and _.@- "
                f"('default' is the [imap] account), got {name!r}"
            )
        where = f"{source} [[accounts]] {name!r}"
        vals = _account_values(table, values, where, env)
        built = _build(vals, {}, where, env)
        acct = replace(
            built.account,
            name=name,
            identity=built.identity if "identity" in table else None,
            password_env=vals.get("password_env", ""),
        )
        out.append(_daemon_fields(acct, vals, where))
    return out


def _account_values(
    table: dict[str, Any], values: dict[str, Any], where: str, env: Mapping[str, str]
) -> dict[str, Any]:
    """The global values with one [[accounts]] table laid over them ([imap] keys reset)."""
    imap_opts = {o.key: o for o in OPTIONS if o.section == "imap"}
    own_opts = {o.key: o for o in OPTIONS if o.section == "responder" and o.key in ACCOUNT_KEYS}
    ident_opts = {o.key: o for o in OPTIONS if o.section == "identity"}
    allowed = [*imap_opts, *own_opts, "name", "identity", "password_env"]
    vals = dict(values)
    vals.update({f"imap.{k}": o.default for k, o in imap_opts.items()})
    for key, value in table.items():
        if key == "name":
            continue
        if key == "identity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: identity must be a table (name, email, aliases)")
            for sub, v in value.items():
                if sub not in ident_opts:
                    hint = did_you_mean(sub, list(ident_opts))
                    raise ConfigError(f"{where}: unknown key identity.{sub}{hint}")
                vals[f"identity.{sub}"] = _convert(ident_opts[sub], v, where)
        elif key == "password_env":
            vals["imap.password"] = _password_from_env(value, env, where)
            vals["password_env"] = value
        elif key in imap_opts:
            vals[f"imap.{key}"] = _convert(imap_opts[key], value, where)
        elif key in own_opts:
            vals[f"responder.{key}"] = _convert(own_opts[key], value, where)
        else:
            raise ConfigError(f"{where}: unknown key {key}{did_you_mean(key, allowed)}")
    if not vals["imap.host"]:
        raise ConfigError(f"{where}: host is missing")
    return vals


def _password_from_env(name: Any, env: Mapping[str, str], where: str) -> Secret:
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{where}: password_env must name an environment variable")
    if name.startswith("RESPONDER_"):
        raise ConfigError(
            f"{where}: password_env {name!r}: use a name outside RESPONDER_* (those are "
            "settings), e.g. WORK_IMAP_PASSWORD"
        )
    # Not set is no error here (`health` and `forget` need no password): require_account
    # names the variable when a command needs it.
    return Secret(env.get(name, ""))


def require_account(settings: Settings) -> None:
    """Commands that talk to a server need host, user and an identity; say which is missing."""
    missing = [
        env
        for env, value in (
            ("RESPONDER_IMAP_HOST", settings.account.host),
            ("RESPONDER_IMAP_USER", settings.account.user),
            ("RESPONDER_IDENTITY_EMAIL", settings.identity.email),
        )
        if not value
    ]
    acct = settings.account
    if acct.auth in ("xoauth2", "oauthbearer"):
        if not acct.oauth2_token_cmd:
            missing.append("RESPONDER_IMAP_OAUTH2_TOKEN_CMD")
    elif not (acct.password or acct.password_cmd or acct.password_keyring):
        missing.append("RESPONDER_IMAP_PASSWORD (or RESPONDER_IMAP_PASSWORD_CMD)")
    if acct.password_env and not acct.password and not acct.password_cmd:
        raise ConfigError(
            f"{settings.source}: account {acct.name!r}: the environment variable "
            f"{acct.password_env} (its password_env) is not set"
        )
    if missing and settings.account.name != "default":
        words = {"RESPONDER_IMAP_USER": "user", "RESPONDER_IDENTITY_EMAIL": "identity.email",
                 "RESPONDER_IMAP_OAUTH2_TOKEN_CMD": "oauth2_token_cmd"}  # fmt: skip
        keys = [words.get(m, "password_env, password_cmd or password") for m in missing]
        raise ConfigError(
            f"{settings.source}: account {settings.account.name!r} is incomplete: set "
            f"{', '.join(keys)} in its [[accounts]] table (identity.email may come from "
            "[identity])"
        )
    if missing:
        raise ConfigError(
            f"{settings.source}: no account configured: set {', '.join(missing)} "
            "(in the environment, .env or the [imap]/[identity] tables)"
        )
