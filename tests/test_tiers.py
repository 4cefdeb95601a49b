"""Contacts and tiers: the user's file first, the mail's own words second, unknown last."""

from __future__ import annotations

from pathlib import Path

import pytest

from responder.errors import ConfigError
from responder.model import Action, Address, Formality, Signal, Tier, Verdict
from responder.tiers import Contacts, Person, load_contacts, resolve_tier

REPO = Path(__file__).resolve().parent.parent


def contacts(tmp_path: Path, text: str) -> Contacts:
    """A Contacts book loaded from this TOML text."""
    path = tmp_path / "contacts.toml"
    path.write_text(text, encoding="utf-8")
    return load_contacts(path)


def error(tmp_path: Path, text: str) -> str:
    """The message of the ConfigError that loading this contacts text raises."""
    with pytest.raises(ConfigError) as info:
        contacts(tmp_path, text)
    return str(info.value)


def addr(email: str, name: str = "") -> Address:
    return Address(name, email)


def verdict(*signals: Signal) -> Verdict:
    return Verdict(invitation=True, language="en", signals=frozenset(signals))


class TestLoadContacts:
    """[tiers] lists addresses and @domains per tier."""

    def test_no_file_is_an_empty_book(self) -> None:
        """Without a contacts file nobody is listed."""
        book = load_contacts(None)
        assert book.listed_tier(addr("per@example.no")) is None
        assert book.person(addr("per@example.no")) == Person()

    def test_addresses_and_domains(self, tmp_path: Path) -> None:
        """An address and a @domain each give their tier."""
        book = contacts(
            tmp_path,
            '[tiers]\nclient = ["per@example.no", "@kunde.example.de"]\n'
            'creditor = ["mentor@example.com"]\n',
        )
        assert book.listed_tier(addr("per@example.no")) is Tier.CLIENT
        assert book.listed_tier(addr("h.schmidt@kunde.example.de")) is Tier.CLIENT
        assert book.listed_tier(addr("mentor@example.com")) is Tier.CREDITOR
        assert book.listed_tier(addr("someone@example.com")) is None

    def test_full_address_beats_domain(self, tmp_path: Path) -> None:
        """An address listed on its own wins over its domain's tier."""
        book = contacts(
            tmp_path,
            '[tiers]\nclient = ["@acme.example"]\nreferrer = ["kim@acme.example"]\n',
        )
        assert book.listed_tier(addr("kim@acme.example")) is Tier.REFERRER
        assert book.listed_tier(addr("lee@acme.example")) is Tier.CLIENT

    def test_subdomain_is_covered(self, tmp_path: Path) -> None:
        """@example.de also covers sales.example.de, at any depth."""
        book = contacts(tmp_path, '[tiers]\nclient = ["@example.de"]\n')
        assert book.listed_tier(addr("a@sales.example.de")) is Tier.CLIENT
        assert book.listed_tier(addr("a@x.sales.example.de")) is Tier.CLIENT

    def test_lookalike_domain_not_covered(self, tmp_path: Path) -> None:
        """@example.de does not cover badexample.de or example.de.evil.test."""
        book = contacts(tmp_path, '[tiers]\nclient = ["@example.de"]\n')
        assert book.listed_tier(addr("a@badexample.de")) is None
        assert book.listed_tier(addr("a@example.de.evil.test")) is None

    def test_case_insensitive(self, tmp_path: Path) -> None:
        """Entries and senders are compared case-folded, with spaces trimmed."""
        book = contacts(tmp_path, '[tiers]\nclient = [" Per@Example.NO ", "@Kunde.Example.DE"]\n')
        assert book.listed_tier(addr("PER@example.no")) is Tier.CLIENT
        assert book.listed_tier(addr("x@KUNDE.example.de")) is Tier.CLIENT

    def test_personal_tier(self, tmp_path: Path) -> None:
        """Family and friends can be listed as personal."""
        book = contacts(tmp_path, '[tiers]\npersonal = ["mum@example.no"]\n')
        assert book.listed_tier(addr("mum@example.no")) is Tier.PERSONAL

    def test_listed_under_two_tiers(self, tmp_path: Path) -> None:
        """The same entry under two tiers names both tiers."""
        msg = error(
            tmp_path, '[tiers]\nclient = ["kim@acme.example"]\nprospect = ["KIM@acme.example"]\n'
        )
        assert "tiers.client" in msg
        assert "tiers.prospect" in msg
        assert "KIM@acme.example" in msg

    def test_domain_listed_twice(self, tmp_path: Path) -> None:
        """A @domain under two tiers is refused too."""
        msg = error(tmp_path, '[tiers]\nclient = ["@acme.example"]\ncreditor = ["@acme.example"]\n')
        assert "tiers.client" in msg
        assert "tiers.creditor" in msg

    @pytest.mark.parametrize("entry", ["acme.example", "@localhost", "kim", "@", ""])
    def test_neither_address_nor_domain(self, tmp_path: Path, entry: str) -> None:
        """An entry that is no address and no @domain is named."""
        msg = error(tmp_path, f'[tiers]\nclient = ["{entry}"]\n')
        assert "tiers.client" in msg
        assert repr(entry) in msg
        assert "neither an address" in msg

    def test_unknown_tier(self, tmp_path: Path) -> None:
        """A tier name that does not exist is named and the valid ones listed."""
        msg = error(tmp_path, '[tiers]\nvip = ["kim@acme.example"]\n')
        assert "tiers.vip" in msg
        assert "client, prospect, referrer, creditor, personal" in msg

    def test_unknown_is_not_listable(self, tmp_path: Path) -> None:
        """'unknown' is what not being listed means; it cannot be a list."""
        assert "tiers.unknown" in error(tmp_path, '[tiers]\nunknown = ["kim@acme.example"]\n')

    def test_tier_not_a_list(self, tmp_path: Path) -> None:
        """A tier given a single string instead of a list is refused."""
        assert "tiers.client must be a list" in error(tmp_path, '[tiers]\nclient = "a@b.example"\n')

    def test_unknown_section(self, tmp_path: Path) -> None:
        """A table other than [tiers] and [people] is named."""
        assert "[tier]" in error(tmp_path, '[tier]\nclient = ["a@b.example"]\n')

    def test_syntax_error_names_file(self, tmp_path: Path) -> None:
        """Broken TOML names the contacts file."""
        assert str(tmp_path / "contacts.toml") in error(tmp_path, "[tiers\n")

    def test_errors_name_the_file(self, tmp_path: Path) -> None:
        """Every content error starts with the contacts file's path."""
        msg = error(tmp_path, '[tiers]\nclient = ["kim"]\n')
        assert msg.startswith(str(tmp_path / "contacts.toml"))


class TestPeople:
    """[people."addr"] tables override tier, greeting, register, language and action."""

    def test_every_override(self, tmp_path: Path) -> None:
        """All person keys are read into a Person."""
        book = contacts(
            tmp_path,
            '[people."Per@Example.no"]\n'
            'tier = "client"\n'
            'salutation = "Hei Per,"\n'
            'formality = "informal"\n'
            'language = "nb"\n'
            'account_manager = "Ola Nordmann <ola@solberg.example>"\n'
            'action = "redirect_short"\n'
            'name = "Per Hansen"\n',
        )
        person = book.person(addr("per@example.no"))
        assert person == Person(
            tier=Tier.CLIENT,
            salutation="Hei Per,",
            formality=Formality.INFORMAL,
            language="nb",
            account_manager=Address("Ola Nordmann", "ola@solberg.example"),
            action=Action.REDIRECT_SHORT,
        )

    def test_person_tier_beats_tiers_table(self, tmp_path: Path) -> None:
        """A person's own tier wins over the [tiers] lists."""
        book = contacts(
            tmp_path,
            '[tiers]\nclient = ["@acme.example"]\n[people."kim@acme.example"]\ntier = "creditor"\n',
        )
        assert book.listed_tier(addr("kim@acme.example")) is Tier.CREDITOR

    def test_person_without_tier_falls_back(self, tmp_path: Path) -> None:
        """A person table without a tier leaves the [tiers] answer alone."""
        book = contacts(
            tmp_path,
            '[tiers]\nclient = ["@acme.example"]\n[people."kim@acme.example"]\nlanguage = "de"\n',
        )
        assert book.listed_tier(addr("kim@acme.example")) is Tier.CLIENT

    def test_bare_account_manager_address(self, tmp_path: Path) -> None:
        """An account manager given as a bare address has an empty name."""
        book = contacts(
            tmp_path, '[people."a@b.example"]\naccount_manager = "ola@solberg.example"\n'
        )
        assert book.person(addr("a@b.example")).account_manager == Address(
            "", "ola@solberg.example"
        )

    @pytest.mark.parametrize(
        ("key", "value", "words"),
        [
            ("tier", "vip", "'vip'"),
            ("formality", "casual", "'casual'"),
            ("action", "ignore", "'ignore'"),
            ("language", "fr", "language must be en, de or nb"),
            ("account_manager", "Ola Nordmann", 'account_manager must be "Name <address>"'),
            ("nickname", "Kim", 'people."a@b.example".nickname'),
        ],
    )
    def test_bad_values(self, tmp_path: Path, key: str, value: str, words: str) -> None:
        """A bad value or key under a person is refused, naming the person and the problem."""
        msg = error(tmp_path, f'[people."a@b.example"]\n{key} = "{value}"\n')
        assert 'people."a@b.example"' in msg
        assert words in msg

    def test_person_not_a_table(self, tmp_path: Path) -> None:
        """A person given a string instead of a table is refused."""
        assert "must be a table" in error(tmp_path, '[people]\n"a@b.example" = "client"\n')

    def test_salutation_must_be_text(self, tmp_path: Path) -> None:
        """A salutation that is not a string is refused, naming the person."""
        msg = error(tmp_path, '[people."a@b.example"]\nsalutation = 5\n')
        assert "salutation" in msg

    def test_person_key_must_be_an_address(self, tmp_path: Path) -> None:
        """A person table keyed by a typo (no @) is refused instead of never matching."""
        assert "per.example.no" in error(tmp_path, '[people."per.example.no"]\nlanguage = "de"\n')

    def test_unlisted_person_has_no_overrides(self, tmp_path: Path) -> None:
        """Someone not under [people] gets an empty Person."""
        book = contacts(tmp_path, '[people."a@b.example"]\nlanguage = "de"\n')
        assert book.person(addr("c@d.example")) == Person()


class TestResolveTier:
    """Contacts beat the mail's referral signal, which beats its bona-fide signal."""

    def test_contacts_win_over_signals(self, tmp_path: Path) -> None:
        """A listed creditor stays a creditor even when the mail brings a client."""
        book = contacts(tmp_path, '[tiers]\ncreditor = ["kim@acme.example"]\n')
        tier, reason = resolve_tier(
            addr("kim@acme.example"), book, verdict(Signal.REFERRAL, Signal.BONA_FIDE)
        )
        assert tier is Tier.CREDITOR
        assert reason == "tier creditor from contacts"

    def test_referral_beats_bona_fide(self) -> None:
        """An unlisted sender who brings a client and a budget is a referrer."""
        tier, reason = resolve_tier(
            addr("kim@acme.example"), Contacts(), verdict(Signal.BONA_FIDE, Signal.REFERRAL)
        )
        assert tier is Tier.REFERRER
        assert "concrete client or project" in reason

    def test_bona_fide_makes_a_prospect(self) -> None:
        """An unlisted sender stating budget and timeline is a prospect."""
        tier, reason = resolve_tier(addr("kim@acme.example"), Contacts(), verdict(Signal.BONA_FIDE))
        assert tier is Tier.PROSPECT
        assert "budget" in reason

    def test_otherwise_unknown(self) -> None:
        """An unlisted sender with no such signal is unknown."""
        tier, reason = resolve_tier(
            addr("kim@acme.example"), Contacts(), verdict(Signal.LONG_MEETING)
        )
        assert tier is Tier.UNKNOWN
        assert reason == "tier unknown: not in contacts"

    def test_domain_listing_wins_over_signals(self, tmp_path: Path) -> None:
        """A sender whose domain is a client is a client, whatever the mail says."""
        book = contacts(tmp_path, '[tiers]\nclient = ["@acme.example"]\n')
        tier, _ = resolve_tier(addr("new@acme.example"), book, verdict(Signal.REFERRAL))
        assert tier is Tier.CLIENT


class TestCommittedExample:
    """config/contacts.example.toml, the example users copy, stays valid."""

    def test_example_loads(self) -> None:
        """The example loads and means what its comments say."""
        book = load_contacts(REPO / "config" / "contacts.example.toml")
        assert book.listed_tier(addr("per@example.no")) is Tier.CLIENT
        assert book.listed_tier(addr("h.schmidt@kunde-gmbh.example.de")) is Tier.CLIENT
        assert book.listed_tier(addr("mentor@example.com")) is Tier.CREDITOR
        per = book.person(addr("per@example.no"))
        assert per.salutation == "Hei Per,"
        assert per.account_manager == Address("Ola Nordmann", "ola@solberg.example")
        schmidt = book.person(addr("h.schmidt@kunde-gmbh.example.de"))
        assert schmidt.formality is Formality.FORMAL
        assert schmidt.language == "de"
