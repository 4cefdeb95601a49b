"""Sender → tier: the user's contacts file first, the mail's own words second.

The contacts file always wins, because the user knows who pays the bills; for senders it
does not list, a mail that brings a concrete client makes its sender a referrer, and one that
states budget, timeline and need makes a bona-fide prospect (see shared/seeds). Creditors come
only from the file: nobody's own mail can prove the user owes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from responder.config import read_toml
from responder.errors import ConfigError
from responder.model import Action, Address, Formality, Signal, Tier, Verdict

LISTED_TIERS = ("client", "prospect", "referrer", "creditor", "personal")
PERSON_KEYS = ("tier", "salutation", "formality", "language", "account_manager", "action", "name")


@dataclass(frozen=True)
class Person:
    """Per-contact overrides from the contacts file's ``[people."addr"]`` tables."""

    tier: Tier | None = None
    salutation: str | None = None
    formality: Formality | None = None
    language: str | None = None
    account_manager: Address | None = None
    action: Action | None = None


@dataclass(frozen=True)
class Contacts:
    """Addresses and @domains per tier, plus per-person overrides; keys are lower-case."""

    addresses: Mapping[str, Tier] = field(default_factory=dict)
    domains: Mapping[str, Tier] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    source: str = "no contacts file"

    def listed_tier(self, address: Address) -> Tier | None:
        """The tier the file gives this address; a full address beats its @domain."""
        person = self.people.get(address.key)
        if person is not None and person.tier is not None:
            return person.tier
        if address.key in self.addresses:
            return self.addresses[address.key]
        domain = address.domain
        while domain:
            if domain in self.domains:
                return self.domains[domain]
            domain = domain.partition(".")[2]  # @example.de also covers sales.example.de
        return None

    def person(self, address: Address) -> Person:
        return self.people.get(address.key, Person())


def load_contacts(path: Path | None) -> Contacts:
    """Read and check a contacts file; None gives an empty book (everyone is unknown)."""
    if path is None:
        return Contacts()
    data = read_toml(path)
    where = str(path)
    unknown = set(data) - {"tiers", "people"}
    if unknown:
        raise ConfigError(
            f"{where}: unknown section [{sorted(unknown)[0]}]; use [tiers] or [people]"
        )
    addresses: dict[str, Tier] = {}
    domains: dict[str, Tier] = {}
    seen_at: dict[str, str] = {}
    tiers = data.get("tiers", {})
    if not isinstance(tiers, dict):
        raise ConfigError(f"{where}: [tiers] must be a table of lists")
    for name, entries in tiers.items():
        if name not in LISTED_TIERS:
            raise ConfigError(
                f"{where}: unknown tier tiers.{name}; use one of {', '.join(LISTED_TIERS)}"
            )
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise ConfigError(f"{where}: tiers.{name} must be a list of addresses or @domains")
        for entry in entries:
            key = entry.strip().lower()
            if key in seen_at:
                raise ConfigError(
                    f"{where}: {entry!r} is listed under both tiers.{seen_at[key]} and "
                    f"tiers.{name}; keep it in one"
                )
            seen_at[key] = name
            if key.startswith("@") and "." in key:
                domains[key[1:]] = Tier(name)
            elif "@" in key and not key.startswith("@"):
                addresses[key] = Tier(name)
            else:
                raise ConfigError(
                    f"{where}: tiers.{name} entry {entry!r} is neither an address "
                    "(name@example.com) nor a domain (@example.com)"
                )
    people = {
        addr.strip().lower(): _person(addr, table, where)
        for addr, table in _table(data.get("people", {}), "people", where).items()
    }
    return Contacts(addresses, domains, people, where)


def _table(value: Any, name: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{name}] must be a table")
    return value


def _person(addr: str, table: Any, where: str) -> Person:
    if "@" not in addr or addr.startswith("@"):
        raise ConfigError(
            f'{where}: [people."{addr}"] is not an address; per-person settings need a full '
            "address such as name@example.com"
        )
    table = _table(table, f'people."{addr}"', where)
    for key in table:
        if key not in PERSON_KEYS:
            raise ConfigError(
                f'{where}: unknown key people."{addr}".{key}; use one of {", ".join(PERSON_KEYS)}'
            )
    try:
        tier = Tier(table["tier"]) if "tier" in table else None
        formality = Formality(table["formality"]) if "formality" in table else None
        action = Action(table["action"]) if "action" in table else None
    except ValueError as exc:
        raise ConfigError(f'{where}: people."{addr}": {exc}') from None
    manager = None
    if "account_manager" in table:
        name, email = parseaddr(str(table["account_manager"]))
        if "@" not in email:
            raise ConfigError(f'{where}: people."{addr}".account_manager must be "Name <address>"')
        manager = Address(name, email)
    for key in ("salutation", "language"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f'{where}: people."{addr}".{key} must be a string')
    language = table.get("language")
    if language is not None and language not in ("en", "de", "nb"):
        raise ConfigError(f'{where}: people."{addr}".language must be en, de or nb')
    return Person(
        tier=tier,
        salutation=table.get("salutation"),
        formality=formality,
        language=language,
        account_manager=manager,
        action=action,
    )


def resolve_tier(sender: Address, contacts: Contacts, verdict: Verdict) -> tuple[Tier, str]:
    """The sender's tier and a one-line reason for it."""
    listed = contacts.listed_tier(sender)
    if listed is not None:
        return listed, f"tier {listed.value} from contacts"
    if Signal.REFERRAL in verdict.signals:
        return Tier.REFERRER, "tier referrer: the mail brings a concrete client or project"
    if Signal.BONA_FIDE in verdict.signals:
        return Tier.PROSPECT, "tier prospect: the mail states budget, timeline or need"
    return Tier.UNKNOWN, "tier unknown: not in contacts"
