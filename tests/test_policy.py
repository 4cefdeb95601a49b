"""The reply policy from the seeds: who gets a yes, a shorter meeting, a call, or a warm no."""

from __future__ import annotations

import pytest

from responder.config import DEFAULT_POLICY, PolicySettings, TierPolicy
from responder.model import Action, Address, Decision, Formality, Signal, Tier, Verdict
from responder.policy import choose_action, decide, reply_formality, reply_language
from responder.tiers import Person

POLICY = PolicySettings()
BUSY = PolicySettings(busy=True)
OLA = Address("Ola Nordmann", "ola@solberg.example")
NO_ONE = Person()

B, L, C = Signal.BONA_FIDE, Signal.LONG_MEETING, Signal.CALL_PROPOSED


def verdict(
    *signals: Signal,
    language: str = "en",
    formality: Formality | None = None,
    reasons: tuple[str, ...] = (),
) -> Verdict:
    return Verdict(
        invitation=True,
        language=language,
        formality=formality,
        signals=frozenset(signals),
        reasons=reasons,
    )


def action(
    tier: Tier,
    *signals: Signal,
    person: Person = NO_ONE,
    policy: PolicySettings = POLICY,
    known: bool = False,
) -> Action:
    chosen, _ = choose_action(verdict(*signals), tier, person, policy, known_correspondent=known)
    return chosen


def decision(
    tier: Tier = Tier.UNKNOWN,
    *signals: Signal,
    person: Person = NO_ONE,
    language: str = "en",
    formality: Formality | None = None,
    default_language: str = "en",
    policy: PolicySettings = POLICY,
    known: bool = False,
) -> Decision:
    return decide(
        verdict(*signals, language=language, formality=formality, reasons=("cue coffee",)),
        tier,
        f"tier {tier.value}: test",
        person,
        policy,
        default_language=default_language,
        known_correspondent=known,
    )


class TestChooseAction:
    """The seeds' table: each tier's answer, bent by what the mail says."""

    @pytest.mark.parametrize(
        ("tier", "signals", "known", "expected"),
        [
            (Tier.CLIENT, (), False, Action.ACCEPT),
            (Tier.CLIENT, (L,), False, Action.REDIRECT_SHORT),
            (Tier.CLIENT, (), True, Action.ACCEPT),
            (Tier.PROSPECT, (), False, Action.REDIRECT_CALL),
            (Tier.PROSPECT, (B,), False, Action.ACCEPT),
            (Tier.PROSPECT, (B, L), False, Action.ACCEPT),
            (Tier.PROSPECT, (L,), False, Action.REDIRECT_CALL),
            (Tier.REFERRER, (), False, Action.ACCEPT),
            (Tier.REFERRER, (L,), False, Action.ACCEPT_TIMEBOXED),
            (Tier.CREDITOR, (), False, Action.ACCEPT),
            (Tier.CREDITOR, (L,), False, Action.ACCEPT_TIMEBOXED),
            (Tier.UNKNOWN, (), False, Action.DECLINE),
            (Tier.UNKNOWN, (B,), False, Action.DECLINE),
            (Tier.UNKNOWN, (L,), False, Action.DECLINE),
            (Tier.UNKNOWN, (), True, Action.REDIRECT_CALL),
        ],
    )
    def test_table(
        self, tier: Tier, signals: tuple[Signal, ...], known: bool, expected: Action
    ) -> None:
        """Each tier and signal combination gets the seeds' action."""
        assert action(tier, *signals, known=known) is expected

    @pytest.mark.parametrize("tier", [t for t in Tier if t is not Tier.PERSONAL])
    @pytest.mark.parametrize("signals", [(C,), (C, L), (C, B)], ids=["call", "long", "bona"])
    def test_call_proposed_is_accepted_for_every_tier(
        self, tier: Tier, signals: tuple[Signal, ...]
    ) -> None:
        """The coffee that happens over the phone gets a yes, whoever asks."""
        assert action(tier, *signals) is Action.ACCEPT
        assert action(tier, *signals, policy=BUSY) is Action.ACCEPT

    def test_call_proposed_action_is_configurable(self) -> None:
        """policy.call_proposed replaces the yes to a proposed call."""
        policy = PolicySettings(call_proposed=Action.REDIRECT_EMAIL)
        assert action(Tier.UNKNOWN, C, policy=policy) is Action.REDIRECT_EMAIL

    @pytest.mark.parametrize(
        ("tier", "signals", "expected"),
        [
            (Tier.CLIENT, (), Action.REDIRECT_SHORT),
            (Tier.CLIENT, (L,), Action.REDIRECT_SHORT),
            (Tier.PROSPECT, (B,), Action.REDIRECT_CALL),
            (Tier.PROSPECT, (), Action.REDIRECT_CALL),
            (Tier.REFERRER, (), Action.REDIRECT_CALL),
            (Tier.REFERRER, (L,), Action.REDIRECT_CALL),
            (Tier.CREDITOR, (), Action.REDIRECT_CALL),
            (Tier.UNKNOWN, (), Action.DECLINE),
        ],
    )
    def test_busy_week(self, tier: Tier, signals: tuple[Signal, ...], expected: Action) -> None:
        """In a busy week every accept (also time-boxed) becomes the tier's busy action."""
        assert action(tier, *signals, policy=BUSY) is expected

    def test_busy_unknown_known_correspondent_unchanged(self) -> None:
        """A busy week does not touch answers that were not accepts."""
        assert action(Tier.UNKNOWN, known=True, policy=BUSY) is Action.REDIRECT_CALL

    def test_account_manager_delegates_client(self) -> None:
        """A client whose account a colleague owns is handed to that colleague."""
        assert action(Tier.CLIENT, person=Person(account_manager=OLA)) is Action.DELEGATE
        assert action(Tier.CLIENT, L, person=Person(account_manager=OLA)) is Action.DELEGATE

    def test_delegation_beats_a_proposed_call(self) -> None:
        """The colleague answers even a call proposal from their client."""
        assert action(Tier.CLIENT, C, person=Person(account_manager=OLA)) is Action.DELEGATE

    def test_account_manager_only_for_clients(self) -> None:
        """An account manager on a prospect does not make the mail a delegation."""
        person = Person(account_manager=OLA)
        assert action(Tier.PROSPECT, person=person) is Action.REDIRECT_CALL

    @pytest.mark.parametrize(
        ("tier", "signals", "busy", "known"),
        [
            (Tier.CLIENT, (), False, False),
            (Tier.CLIENT, (L,), True, False),
            (Tier.UNKNOWN, (C,), False, False),
            (Tier.UNKNOWN, (), False, True),
            (Tier.PROSPECT, (B,), True, False),
        ],
    )
    def test_contact_action_wins(
        self, tier: Tier, signals: tuple[Signal, ...], busy: bool, known: bool
    ) -> None:
        """A per-contact action beats delegation, calls, signals and the busy switch."""
        person = Person(action=Action.REDIRECT_EMAIL, account_manager=OLA)
        policy = BUSY if busy else POLICY
        assert action(tier, *signals, person=person, policy=policy, known=known) is (
            Action.REDIRECT_EMAIL
        )

    def test_custom_table_row(self) -> None:
        """A changed policy row is followed."""
        tiers = dict(DEFAULT_POLICY) | {"unknown": TierPolicy(Action.REDIRECT_EMAIL)}
        assert action(Tier.UNKNOWN, policy=PolicySettings(tiers=tiers)) is Action.REDIRECT_EMAIL

    def test_tier_without_a_row_uses_unknown(self) -> None:
        """A tier missing from the table is treated like an unknown sender."""
        tiers = {"unknown": TierPolicy(Action.REDIRECT_EMAIL)}
        assert action(Tier.CLIENT, policy=PolicySettings(tiers=tiers)) is Action.REDIRECT_EMAIL


class TestReasons:
    """Each decision says which rule fired."""

    @pytest.mark.parametrize(
        ("kwargs", "expected"),
        [
            ({"tier": Tier.CLIENT}, ["action accept: policy for client"]),
            (
                {"tier": Tier.CLIENT, "signals": (L,)},
                [
                    "action accept: policy for client",
                    "-> redirect_short: a long meeting was asked for",
                ],
            ),
            (
                {"tier": Tier.PROSPECT, "signals": (B,)},
                ["action accept: bona-fide prospect (budget, timeline, need)"],
            ),
            (
                {"tier": Tier.UNKNOWN, "known": True},
                ["action redirect_call: you have written to this sender before"],
            ),
            (
                {"tier": Tier.REFERRER, "busy": True},
                ["action accept: policy for referrer", "-> redirect_call: busy week"],
            ),
            (
                {"tier": Tier.UNKNOWN, "signals": (C,)},
                ["action accept: the sender already proposes a call"],
            ),
            (
                {"tier": Tier.CLIENT, "person": Person(account_manager=OLA)},
                ["action delegate: Ola Nordmann owns this account"],
            ),
            (
                {"tier": Tier.CLIENT, "person": Person(account_manager=Address("", "o@x.example"))},
                ["action delegate: o@x.example owns this account"],
            ),
            (
                {"tier": Tier.CLIENT, "person": Person(action=Action.DECLINE)},
                ["action decline: set for this contact"],
            ),
        ],
    )
    def test_action_reasons(self, kwargs: dict[str, object], expected: list[str]) -> None:
        """The reasons name the rule, and each later bend is listed after it."""
        signals: tuple[Signal, ...] = kwargs.pop("signals", ())  # type: ignore[assignment]
        busy = kwargs.pop("busy", False)
        tier: Tier = kwargs.pop("tier")  # type: ignore[assignment]
        person: Person = kwargs.pop("person", NO_ONE)  # type: ignore[assignment]
        known = bool(kwargs.pop("known", False))
        _, why = choose_action(
            verdict(*signals), tier, person, BUSY if busy else POLICY, known_correspondent=known
        )
        assert why == expected

    def test_decision_reasons_in_order(self) -> None:
        """Classifier, tier, action and language reasons appear in that order."""
        d = decision(Tier.PROSPECT, language="nb")
        assert d.reasons == (
            "cue coffee",
            "tier prospect: test",
            "action redirect_call: policy for prospect",
            "reply in nb: the mail's language",
        )

    def test_german_adds_register_reason(self) -> None:
        """A German reply also says why Sie or du."""
        d = decision(Tier.CLIENT, language="de", formality=Formality.INFORMAL)
        assert d.reasons[-1] == "register informal: as the sender writes"

    def test_calendar_request_note(self) -> None:
        """A calendar invitation adds a reason that the calendar answer is still open."""
        d = decision(Tier.CLIENT, Signal.CALENDAR_REQUEST)
        assert d.reasons[-1] == "calendar invitation: answer the calendar request yourself too"
        assert not any("calendar" in r for r in decision(Tier.CLIENT).reasons)


class TestDecide:
    """decide() puts action, language, register and delegate together."""

    def test_delegate_to_is_the_account_manager(self) -> None:
        """A delegation names the colleague to copy in."""
        d = decision(Tier.CLIENT, person=Person(account_manager=OLA))
        assert d.action is Action.DELEGATE
        assert d.delegate_to == OLA
        assert d.draft is True

    def test_no_delegate_when_not_delegating(self) -> None:
        """An account manager is not copied in when another action was chosen."""
        d = decision(Tier.CLIENT, person=Person(account_manager=OLA, action=Action.ACCEPT))
        assert d.action is Action.ACCEPT
        assert d.delegate_to is None

    def test_delegate_needs_someone_to_delegate_to(self) -> None:
        """A per-contact 'delegate' with no account manager never yields a draft to nobody."""
        d = decision(Tier.CLIENT, person=Person(action=Action.DELEGATE))
        assert d.action is not Action.DELEGATE or d.delegate_to is not None

    def test_tier_is_carried(self) -> None:
        """The decision keeps the tier it was made for, and is a draft with no skip."""
        d = decision(Tier.CREDITOR)
        assert d.tier is Tier.CREDITOR
        assert d.skip is None
        assert d.action is Action.ACCEPT


class TestReplyLanguage:
    """Answer in the contact's language, else the mail's, else the configured default."""

    @pytest.mark.parametrize(
        ("mail", "person", "default", "expected"),
        [
            ("en", None, "de", "en"),
            ("de", None, "en", "de"),
            ("nb", None, "en", "nb"),
            ("nn", None, "en", "nb"),
            ("sv", None, "de", "de"),
            ("da", None, "nb", "nb"),
            ("und", None, "en", "en"),
            ("en", "de", "en", "de"),
            ("nn", "de", "en", "de"),
            ("fr", "nb", "en", "nb"),
        ],
    )
    def test_language(self, mail: str, person: str | None, default: str, expected: str) -> None:
        """The contact beats the mail; Nynorsk gets bokmål; others get the default."""
        lang, _ = reply_language(verdict(language=mail), Person(language=person), default)
        assert lang == expected

    @pytest.mark.parametrize(
        ("mail", "person", "why"),
        [
            ("de", "nb", "reply in nb: set for this contact"),
            ("de", None, "reply in de: the mail's language"),
            ("nn", None, "reply in nb: the mail is Nynorsk"),
            ("sv", None, "reply in en: mail language sv has no templates"),
        ],
    )
    def test_reason(self, mail: str, person: str | None, why: str) -> None:
        """The reason says where the language came from."""
        assert reply_language(verdict(language=mail), Person(language=person), "en")[1] == why

    def test_decide_uses_it(self) -> None:
        """The decision's reply_language follows the same rule."""
        assert decision(language="nn").reply_language == "nb"
        assert decision(language="sv", default_language="de").reply_language == "de"


class TestReplyFormality:
    """German only: the contact's register, else the sender's, else Sie."""

    @pytest.mark.parametrize(
        ("mail_lang", "mail_form", "person", "expected"),
        [
            ("de", Formality.INFORMAL, None, Formality.INFORMAL),
            ("de", Formality.FORMAL, None, Formality.FORMAL),
            ("de", None, None, Formality.FORMAL),
            ("de", Formality.FORMAL, Formality.INFORMAL, Formality.INFORMAL),
            ("de", Formality.INFORMAL, Formality.FORMAL, Formality.FORMAL),
            ("en", Formality.INFORMAL, None, Formality.FORMAL),
        ],
    )
    def test_german(
        self,
        mail_lang: str,
        mail_form: Formality | None,
        person: Formality | None,
        expected: Formality,
    ) -> None:
        """In German, the contact's setting beats the sender's register, and Sie is the rest."""
        got, why = reply_formality(
            verdict(language=mail_lang, formality=mail_form), Person(formality=person), "de"
        )
        assert got is expected
        assert why.startswith(f"register {expected.value}")

    @pytest.mark.parametrize("lang", ["en", "nb"])
    def test_none_outside_german(self, lang: str) -> None:
        """English and Norwegian have no Sie/du choice: formality is None and no reason."""
        person = Person(formality=Formality.FORMAL)
        got = reply_formality(verdict(language="de", formality=Formality.INFORMAL), person, lang)
        assert got == (None, "")

    def test_decide_informal_german(self) -> None:
        """A du-mail in German is answered with du."""
        assert decision(language="de", formality=Formality.INFORMAL).formality is (
            Formality.INFORMAL
        )

    def test_decide_english_has_no_register(self) -> None:
        """An English reply carries no formality even if the contact has one set."""
        d = decision(language="en", person=Person(formality=Formality.FORMAL))
        assert d.formality is None
