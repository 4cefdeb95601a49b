"""Names, greetings, the shipped templates' text, and the draft message they end up in."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from responder.draft import encode_flowed, references_for
from responder.model import (
    Action,
    Address,
    Decision,
    Formality,
    Identity,
    Intent,
    Message,
    ProposedTime,
    Tier,
    Verdict,
)
from responder.render import (
    TemplateSet,
    attribution_line,
    build_context,
    build_draft,
    decode_flowed,
    display_names,
    draft_message_id,
    intent_phrase,
    render_body,
    reply_subject,
    salutation,
)

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 4, 10, 7, 30, tzinfo=UTC)  # Friday 10 April 2026
TUESDAY = date(2026, 4, 14)
ME = Identity("Alex Ærlig", "alex@ærlig.example", aliases=("post@aerlig.example",))
SIGNATURE = (
    "Alex Ærlig\n"
    "Ærlig Beratung GmbH · Musterstraße 1, 10115 Berlin\n"
    "Amtsgericht Charlottenburg HRB 123456 · Geschäftsführer: Alex Ærlig"
)
LINK = "https://cal.example.com/alex/20min"
COLLEAGUE = Address("Berg, Sam", "sam@aerlig.example")

SENDERS = {
    "en": Address("Kari Nordmann", "kari@nordmann.example"),
    "de": Address("Schmidt, Hans", "hans.schmidt@acme.example"),
    "nb": Address("Bjørn Sæther", "bjorn@saether.example"),
}
TEXTS = {
    "en": "Hi Alex,\n\nWould you have time for a coffee on Tuesday 14 April?\n\nKari",
    "de": "Hallo Alex,\n\nhätten wir am Dienstag, 14. April Zeit für einen Kaffee?\n\nHans",
    "nb": "Hei Alex,\n\nSkal vi ta en kaffe tirsdag 14. april?\n\nBjørn",
}


def make_message(
    lang: str = "en",
    *,
    sender: Address | None = None,
    subject: str = "Coffee?",
    text: str | None = None,
    message_id: str | None = "<orig-1@mail.example>",
    references: tuple[str, ...] = ("<root@mail.example>",),
) -> Message:
    """A decoded incoming invitation as the parser would hand it over."""
    return Message(
        message_id=message_id,
        subject=subject,
        from_=(sender or SENDERS[lang],),
        reply_to=(),
        to=(Address("Alex Ærlig", "post@aerlig.example"),),
        cc=(),
        bcc=(),
        resent_to=(),
        date=datetime(2026, 4, 9, 8, 5, tzinfo=UTC),
        in_reply_to=(),
        references=references,
        headers={},
        new_text=text if text is not None else TEXTS[lang],
    )


def make_decision(
    lang: str = "en",
    action: Action = Action.ACCEPT,
    *,
    formal: bool = True,
    tier: Tier = Tier.CLIENT,
) -> Decision:
    """A decision as the policy would return it, with reasons that must never be rendered."""
    return Decision(
        action=action,
        tier=tier,
        reply_language=lang,
        formality=(Formality.FORMAL if formal else Formality.INFORMAL) if lang == "de" else None,
        reasons=("tier=client from contacts.toml", "classifier score 0.93"),
        delegate_to=COLLEAGUE if action is Action.DELEGATE else None,
    )


def make_verdict(
    lang: str = "en", *, on: date | None = TUESDAY, intent: Intent | None = Intent.COFFEE
) -> Verdict:
    """The classifier's reading: an invitation with a proposed day."""
    proposed = ProposedTime("Tuesday 14 April", on) if on is not None or intent else None
    return Verdict(invitation=True, language=lang, intent=intent, proposed=proposed)


def context_for(
    lang: str,
    action: Action,
    *,
    formal: bool = True,
    on: date | None = TUESDAY,
    booking_link: str | None = LINK,
    tier: Tier = Tier.CLIENT,
    intent: Intent | None = Intent.COFFEE,
    signature: str = SIGNATURE,
    message: Message | None = None,
) -> dict[str, Any]:
    """The full template context for one realistic reply."""
    return build_context(
        message or make_message(lang),
        make_decision(lang, action, formal=formal, tier=tier),
        make_verdict(lang, on=on, intent=intent),
        me=ME,
        now=NOW,
        tz=OSLO,
        signature=signature,
        booking_link=booking_link,
    )


@pytest.fixture(scope="module")
def shipped() -> TemplateSet:
    """The templates that ship with responder, nothing overridden."""
    return TemplateSet()


def render(shipped: TemplateSet, lang: str, action: Action, **kw: Any) -> str:
    """Render one shipped template with a realistic context."""
    return render_body(shipped, lang, action, context_for(lang, action, **kw))


def above_signature(text: str) -> str:
    """The part of a draft the template wrote, before the '-- ' line."""
    return text.split("\n-- \n", 1)[0]


class TestDisplayNames:
    """`display_names` turns a decoded From into (full name, first name) without guessing."""

    @pytest.mark.parametrize(
        ("name", "addr", "expected"),
        [
            ("Schmidt, Hans", "h@x.de", ("Hans Schmidt", "Hans")),
            ("Dr. Hans Schmidt | ACME GmbH", "h@x.de", ("Hans Schmidt", "Hans")),
            ("Prof. Dr. med. Anna Berg", "a@x.de", ("Anna Berg", "Anna")),
            ("Mag. Eva Gruber", "e@x.at", ("Eva Gruber", "Eva")),
            ("Hans Schmidt (ACME)", "h@x.de", ("Hans Schmidt", "Hans")),
            ("Hans Schmidt - ACME", "h@x.de", ("Hans Schmidt", "Hans")),
            ("Hans Schmidt, ACME GmbH", "h@x.de", ("Hans Schmidt", "Hans")),
            ("Anna Berg, PhD", "a@x.no", ("Anna Berg", "Anna")),
            ("HANS SCHMIDT", "h@x.de", ("Hans Schmidt", "Hans")),
            ("hans schmidt", "h@x.de", ("Hans Schmidt", "Hans")),
            ("Hans SCHMIDT", "h@x.de", ("Hans Schmidt", "Hans")),
            ("LUDWIG VAN BEETHOVEN", "l@x.de", ("Ludwig van Beethoven", "Ludwig")),
            ("van der Berg, Jan", "j@x.nl", ("Jan van der Berg", "Jan")),
            ("RONALD MCDONALD", "r@x.com", ("Ronald McDonald", "Ronald")),
            ("SEAN O'BRIEN", "s@x.ie", ("Sean O'Brien", "Sean")),
            ("Hans-Peter Müller", "hp@x.de", ("Hans-Peter Müller", "Hans-Peter")),
            ("Bjørn Sæther", "b@x.no", ("Bjørn Sæther", "Bjørn")),
            ("BJØRN SÆTHER", "b@x.no", ("Bjørn Sæther", "Bjørn")),
            ("J. Smith", "j@x.com", ("J. Smith", "")),
            ("", "hans.schmidt@x.de", ("Hans Schmidt", "Hans")),
            ("", "kari.nordmann@x.no", ("Kari Nordmann", "Kari")),
            ("", "hschmidt@x.de", ("", "")),
            ("", "info.sales@x.de", ("", "")),
            ("'kari@x.no'", "kari@x.no", ("", "")),
            ("ACME GmbH", "info@acme.de", ("", "")),
            ("Support", "support@x.com", ("", "")),
        ],
    )
    def test_table(self, name: str, addr: str, expected: tuple[str, str]) -> None:
        """Each display name in the table yields the expected full and first name."""
        assert display_names(Address(name, addr)) == expected

    def test_no_address(self) -> None:
        """No sender at all means no name."""
        assert display_names(None) == ("", "")


class TestSalutation:
    """`salutation` greets by name in each language without guessing gender."""

    @pytest.mark.parametrize(
        ("lang", "formal", "full", "first", "expected"),
        [
            ("en", True, "Kari Nordmann", "Kari", "Hi Kari,"),
            ("de", True, "Hans Schmidt", "Hans", "Guten Tag Hans Schmidt,"),
            ("de", False, "Hans Schmidt", "Hans", "Hallo Hans,"),
            ("nb", False, "Kari Nordmann", "Kari", "Hei Kari,"),
            ("en", True, "", "", "Hi,"),
            ("de", True, "", "", "Guten Tag,"),
            ("de", False, "", "", "Hallo,"),
            ("nb", True, "", "", "Hei,"),
            ("en", True, "J. Smith", "", "Hi J. Smith,"),
        ],
    )
    def test_neutral_greeting(
        self, lang: str, formal: bool, full: str, first: str, expected: str
    ) -> None:
        """Without an override the greeting is neutral and uses the name when there is one."""
        assert salutation(lang, formal=formal, full_name=full, first_name=first) == expected

    def test_override_wins(self) -> None:
        """A salutation from the contacts file is used as written, minus control characters."""
        line = salutation(
            "de",
            formal=True,
            full_name="Hans Schmidt",
            first_name="Hans",
            override="Sehr geehrter Herr Dr. Schmidt,\r\n",
        )
        assert line == "Sehr geehrter Herr Dr. Schmidt,"


class TestBuildContext:
    """`build_context` fills every variable from the message, decision and verdict."""

    def test_future_date_is_localized(self) -> None:
        """A proposed date after today is rendered in each language's own format."""
        texts = {
            lang: context_for(lang, Action.ACCEPT)["proposed_date_text"]
            for lang in ("en", "de", "nb")
        }
        assert texts == {
            "en": "Tuesday 14 April",
            "de": "Dienstag, 14. April",
            "nb": "tirsdag 14. april",
        }

    @pytest.mark.parametrize("on", [date(2026, 4, 7), date(2026, 4, 10)])
    def test_past_or_today_date_is_dropped(self, on: date) -> None:
        """A proposed date that is past (or today) reaches the template as nothing."""
        context = context_for("en", Action.ACCEPT, on=on)
        assert context["proposed_date"] is None
        assert context["proposed_date_text"] == ""
        assert context["proposed_text"] == ""

    def test_intent_phrases(self) -> None:
        """The intent becomes a natural noun phrase per language, with a neutral default."""
        assert intent_phrase("de", Intent.COFFEE) == "einen Kaffee"
        assert intent_phrase("de", Intent.LUNCH) == "ein Mittagessen"
        assert intent_phrase("nb", Intent.LUNCH) == "lunsj"
        assert intent_phrase("nb", Intent.COFFEE) == "en kaffe"
        assert intent_phrase("en", None) == "a meeting"

    def test_signature_delimiter_not_doubled(self) -> None:
        """A configured signature that starts with '-- ' loses that line; the template adds it."""
        context = context_for("en", Action.ACCEPT, signature="-- \nAlex\n")
        assert context["signature"] == "Alex"

    def test_colleague(self) -> None:
        """The delegate's name is cleaned like a sender's."""
        context = context_for("en", Action.DELEGATE)
        assert context["colleague_name"] == "Sam Berg"
        assert context["colleague_email"] == "sam@aerlig.example"

    def test_attribution_in_local_time(self) -> None:
        """The attribution line uses the configured zone and each language's format."""
        when = datetime(2026, 4, 14, 8, 5, tzinfo=UTC)
        en = attribution_line("en", "Kari Nordmann", "kari@x.no", when, OSLO)
        de = attribution_line("de", "Hans Schmidt", "h@x.de", when, OSLO)
        nb = attribution_line("nb", "Kari Nordmann", "kari@x.no", when, OSLO)
        assert en == "On Tue, 14 Apr 2026 at 10:05, Kari Nordmann <kari@x.no> wrote:"
        assert de == "Am 14.04.2026 um 10:05 schrieb Hans Schmidt <h@x.de>:"
        assert nb == "Den 14. april 2026 kl. 10:05 skrev Kari Nordmann <kari@x.no>:"


# What each shipped draft must say, with a future date, a booking link and a client.
EXPECTED: Mapping[tuple[str, Action], tuple[str, ...]] = {
    ("en", Action.ACCEPT): ("a coffee sounds good", "Tuesday 14 April works", "your office"),
    ("en", Action.ACCEPT_TIMEBOXED): ("45 minutes", "Tuesday 14 April works", "cover?"),
    ("en", Action.REDIRECT_CALL): ("20 minutes", LINK, "phone call"),
    ("en", Action.REDIRECT_SHORT): ("30 minutes", "Tuesday 14 April works"),
    ("en", Action.REDIRECT_EMAIL): ("by email", "Send me your questions"),
    ("en", Action.DELEGATE): ("Sam Berg", "copied in"),
    ("en", Action.DECLINE): ("pass this time", LINK, "by email"),
    ("de", Action.ACCEPT): ("einen Kaffee", "Dienstag, 14. April passt", "ins Büro"),
    ("de", Action.ACCEPT_TIMEBOXED): ("45 Minuten", "Dienstag, 14. April passt", "Stichworte"),
    ("de", Action.REDIRECT_CALL): ("Telefonat von 20 Minuten", LINK, "einen Kaffee"),
    ("de", Action.REDIRECT_SHORT): ("30 Minuten", "Dienstag, 14. April passt"),
    ("de", Action.REDIRECT_EMAIL): ("per E-Mail", "Fragen"),
    ("de", Action.DELEGATE): ("Sam Berg", "in Kopie"),
    ("de", Action.DECLINE): ("Einladung auf einen Kaffee", LINK, "E-Mail"),
    ("nb", Action.ACCEPT): ("en kaffe", "Tirsdag 14. april passer", "kontoret"),
    ("nb", Action.ACCEPT_TIMEBOXED): ("45 minutter", "Tirsdag 14. april passer", "stikkord"),
    ("nb", Action.REDIRECT_CALL): ("telefonsamtale på 20 minutter", LINK),
    ("nb", Action.REDIRECT_SHORT): ("30 minutter", "Tirsdag 14. april passer"),
    ("nb", Action.REDIRECT_EMAIL): ("e-post", "spørsmålene dine"),
    ("nb", Action.DELEGATE): ("Sam Berg", "på kopi"),
    ("nb", Action.DECLINE): ("si nei denne gangen", LINK, "e-post"),
}
GREETINGS = {
    ("en", True): "Hi Kari,",
    ("en", False): "Hi Kari,",
    ("de", True): "Guten Tag Hans Schmidt,",
    ("de", False): "Hallo Hans,",
    ("nb", True): "Hei Bjørn,",
    ("nb", False): "Hei Bjørn,",
}
SIGN_OFFS = {
    ("en", True): "Best regards,",
    ("en", False): "Best regards,",
    ("de", True): "Freundliche Grüße",
    ("de", False): "Viele Grüße",
    ("nb", True): "Vennlig hilsen",
    ("nb", False): "Vennlig hilsen",
}
COMBINATIONS = [
    (lang, action, formal)
    for lang in ("en", "de", "nb")
    for action in Action
    for formal in (True, False)
]


class TestShippedTemplates:
    """Every language x action x register renders into a draft a person could have written."""

    @pytest.mark.parametrize(("lang", "action", "formal"), COMBINATIONS)
    def test_says_what_it_should(
        self, shipped: TemplateSet, lang: str, action: Action, formal: bool
    ) -> None:
        """Greeting, the action's key phrases, the sign-off and the signature are all there."""
        text = render(shipped, lang, action, formal=formal)
        assert text.startswith(GREETINGS[lang, formal] + "\n\n")
        for phrase in EXPECTED[lang, action]:
            assert phrase in text, (phrase, text)
        if action is not Action.DECLINE or lang != "en":
            assert SIGN_OFFS[lang, formal] in text
        assert f"\n{ME.name}\n-- \n{SIGNATURE}\n" in text
        assert "\n\n\n" not in text

    @pytest.mark.parametrize(("lang", "action", "formal"), COMBINATIONS)
    def test_never_reveals_the_machinery(
        self, shipped: TemplateSet, lang: str, action: Action, formal: bool
    ) -> None:
        """No reasons, tier names, scores or hints of automation reach the text."""
        text = render(shipped, lang, action, formal=formal).lower()
        for word in ("contacts.toml", "score", "tier", "automat", "template", "prospect"):
            assert word not in text

    @pytest.mark.parametrize(
        ("lang", "action"), [(lg, a) for lg in ("en", "de", "nb") for a in Action]
    )
    def test_quote_follows_signature(self, shipped: TemplateSet, lang: str, action: Action) -> None:
        """The attribution and '> ' quote come after the signature, so replies strip both."""
        text = render(shipped, lang, action)
        sig_at = text.index("\n-- \n")
        quote_at = text.index("\n> ")
        assert sig_at < quote_at
        first_line = TEXTS[lang].splitlines()[0]
        assert f"> {first_line}\n" in text

    @pytest.mark.parametrize(
        ("lang", "action"), [(lg, a) for lg in ("en", "de", "nb") for a in Action]
    )
    def test_bare_context(self, shipped: TemplateSet, lang: str, action: Action) -> None:
        """No name, date, link, signature or intent still gives a tidy draft that asks for times."""
        message = make_message(lang, sender=Address("", "info@x.example"))
        text = render(
            shipped,
            lang,
            action,
            on=None,
            booking_link=None,
            signature="",
            intent=None,
            tier=Tier.UNKNOWN,
            message=message,
        )
        assert text.splitlines()[0] in {"Hi,", "Guten Tag,", "Hei,"}
        assert "\n-- \n" not in text
        assert "None" not in text
        assert "\n\n\n" not in text

    def test_booking_link_absent_asks_for_times(self, shipped: TemplateSet) -> None:
        """redirect_call without a booking link asks for two times and a number instead."""
        text = render(shipped, "en", Action.REDIRECT_CALL, booking_link=None, on=None)
        assert "two times that suit you" in text
        assert "https://" not in text

    @pytest.mark.parametrize("lang", ["en", "de", "nb"])
    def test_past_date_not_repeated(self, shipped: TemplateSet, lang: str) -> None:
        """A date already gone is not confirmed; the draft asks for times instead."""
        text = above_signature(render(shipped, lang, Action.ACCEPT, on=date(2026, 4, 7)))
        for stale in ("7 April", "7. April", "7. april", "Tuesday", "Dienstag", "tirsdag"):
            assert stale not in text
        assert re.search("two or three times|zwei, drei Termine|to\u2013tre tidspunkter", text)

    def test_accept_non_client_does_not_offer_office(self, shipped: TemplateSet) -> None:
        """Only clients get the offer to come to their office."""
        text = render(shipped, "en", Action.ACCEPT, tier=Tier.REFERRER)
        assert "office" not in text
        assert "Tuesday 14 April works" in text

    def test_norwegian_never_uses_de(self, shipped: TemplateSet) -> None:
        """Bokmål drafts address the reader as du, never the old formal De/Dem/Deres."""
        for action in Action:
            text = above_signature(render(shipped, "nb", action))
            assert not re.search(r"\b(De|Dem|Deres)\b", text), (action, text)


FORMAL_FORBIDDEN = re.compile(
    r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|euch|euer|eure|euren|eurem)\b",
    re.IGNORECASE,
)
INFORMAL_FORBIDDEN = re.compile(r"\b(Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b")


class TestGermanRegister:
    """German drafts keep to one register: no du-forms in Sie drafts, no Sie-forms in du drafts."""

    @pytest.mark.parametrize("action", list(Action))
    @pytest.mark.parametrize("formal", [True, False])
    def test_register_is_consistent(
        self, shipped: TemplateSet, action: Action, formal: bool
    ) -> None:
        """Every variant (date, link, intent, client or not) stays in its register."""
        message = make_message("de", text="Kaffee am Dienstag?")
        for on in (TUESDAY, None):
            for link in (LINK, None):
                for intent in (*Intent, None):
                    for tier in (Tier.CLIENT, Tier.UNKNOWN):
                        text = render(
                            shipped,
                            "de",
                            action,
                            formal=formal,
                            on=on,
                            booking_link=link,
                            intent=intent,
                            tier=tier,
                            message=message,
                        )
                        pattern = FORMAL_FORBIDDEN if formal else INFORMAL_FORBIDDEN
                        found = pattern.search(above_signature(text))
                        assert found is None, (action, formal, on, link, intent, tier, text)


class TestMailTextIsData:
    """Text from the mail is only ever a value: template syntax in it comes out literally."""

    def test_template_syntax_in_mail_is_literal(self, shipped: TemplateSet) -> None:
        """A name, subject and body full of Jinja syntax are printed as written."""
        evil = "{{ 7*7 }} {% raw %}x{% endraw %} {# c #}"
        message = make_message(
            "en", sender=Address(evil, "kari@x.no"), subject=evil, text=f"Coffee?\n{evil}"
        )
        context = build_context(
            message, make_decision("en"), make_verdict("en"), me=ME, now=NOW, tz=OSLO
        )
        text = render_body(shipped, "en", Action.ACCEPT, context)
        assert evil in text
        assert "49" not in text
        assert context["subject"] == evil
        draft = build_draft(
            message,
            make_decision("en"),
            make_verdict("en"),
            me=ME,
            from_address="post@aerlig.example",
            body_text=text,
            to=message.from_,
            cc=(),
            message_id="<a@b>",
            date=NOW,
        )
        back = email.message_from_bytes(draft.as_bytes(), policy=email.policy.default)
        assert back["Subject"] == f"Re: {evil}"


SUBJECTS = [
    ("Coffee?", "Re: Coffee?"),
    ("Re: Coffee?", "Re: Coffee?"),
    ("RE: Coffee?", "Re: Coffee?"),
    ("re:Coffee?", "Re: Coffee?"),
    ("Aw: Kaffee?", "Re: Kaffee?"),
    ("AW: Kaffee?", "Re: Kaffee?"),
    ("SV: Kaffe?", "Re: Kaffe?"),
    ("Sv: Kaffe?", "Re: Kaffe?"),
    ("Antw: Kaffee?", "Re: Kaffee?"),
    ("Re[2]: Coffee?", "Re: Coffee?"),
    ("Re(2): Coffee?", "Re: Coffee?"),
    ("Re: AW: SV: Coffee?", "Re: Coffee?"),
    ("  RE : Re: Coffee?", "Re: Coffee?"),
    ("Fwd: Coffee?", "Re: Fwd: Coffee?"),
    ("WG: Kaffee?", "Re: WG: Kaffee?"),
    ("Re: Fwd: Re: Coffee?", "Re: Fwd: Re: Coffee?"),
    ("Resume review", "Re: Resume review"),
    ("", "Re:"),
]


class TestReplySubject:
    """`reply_subject` puts exactly one 'Re: ' in front of the topic."""

    @pytest.mark.parametrize(("subject", "expected"), SUBJECTS)
    def test_prefixes(self, subject: str, expected: str) -> None:
        """Reply prefixes in any language and case collapse; forward prefixes stay."""
        assert reply_subject(subject) == expected


def make_draft(
    *,
    message: Message | None = None,
    me: Identity = ME,
    to: tuple[Address, ...] | None = None,
    cc: tuple[Address, ...] = (),
    body: str = "Hi Kari,\n\nTuesday works.\n\nAlex\n",
) -> tuple[email.message.EmailMessage, bytes]:
    """Build a draft and return it with its wire bytes."""
    message = message or make_message("nb", subject="SV: Kaffe på tirsdag? Æ ø å")
    draft = build_draft(
        message,
        make_decision("nb"),
        make_verdict("nb"),
        me=me,
        from_address="post@aerlig.example",
        body_text=body,
        to=to if to is not None else message.from_,
        cc=cc,
        message_id="<3f2a9c0d1e4b5a6978c0d1e2.9a8b7c6d@aerlig.example>",
        date=NOW,
    )
    return draft, draft.as_bytes()


def parse(raw: bytes) -> email.message.EmailMessage:
    """Parse wire bytes back as a mail client would."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, email.message.EmailMessage)
    return msg


class TestBuildDraft:
    """`build_draft` makes a real reply: threading, addresses, encoding, nothing revealing."""

    def test_threading_headers(self) -> None:
        """In-Reply-To is the parent; References the parent's References plus the parent."""
        _, raw = make_draft()
        back = parse(raw)
        assert back["In-Reply-To"] == "<orig-1@mail.example>"
        assert back["References"].split() == ["<root@mail.example>", "<orig-1@mail.example>"]
        assert back["Message-ID"] == "<3f2a9c0d1e4b5a6978c0d1e2.9a8b7c6d@aerlig.example>"
        assert back["Date"] == "Fri, 10 Apr 2026 07:30:00 +0000"
        assert back["MIME-Version"] == "1.0"
        assert raw.count(b"MIME-Version") == 1

    def test_references_deduped_and_capped(self) -> None:
        """Long reference chains keep the root and the latest ids, each once, parent last."""
        refs = (*(f"<r{i}@x>" for i in range(30)), "<r3@x>", "<orig-1@mail.example>")
        message = make_message(references=refs)
        ids = references_for(message)
        assert len(ids) == 20
        assert ids[0] == "<r0@x>"
        assert ids[-1] == "<orig-1@mail.example>"
        assert len(set(ids)) == len(ids)

    def test_no_parent_id(self) -> None:
        """An original without Message-ID gets no In-Reply-To but keeps its References."""
        _, raw = make_draft(message=make_message(message_id=None))
        back = parse(raw)
        assert back["In-Reply-To"] is None
        assert back["References"] == "<root@mail.example>"

    def test_addresses(self) -> None:
        """From is the user's name at the alias; To and Cc are as given."""
        _, raw = make_draft(cc=(COLLEAGUE,))
        back = parse(raw)
        assert back["From"].addresses[0].display_name == "Alex Ærlig"
        assert back["From"].addresses[0].addr_spec == "post@aerlig.example"
        assert back["To"].addresses[0].addr_spec == "bjorn@saether.example"
        assert back["Cc"].addresses[0].display_name == "Berg, Sam"

    def test_non_ascii_round_trip(self) -> None:
        """Subject, names and body with æøåäöüß survive encoding and parsing unchanged."""
        body = "Hei Bjørn,\n\nÆrlig talt: tirsdag passer. Grüße, Straße, Ålesund.\n\nAlex\n"
        _, raw = make_draft(body=body)
        raw.decode("ascii")  # headers RFC 2047, body quoted-printable: 7-bit on the wire
        back = parse(raw)
        assert back["Subject"] == "Re: Kaffe på tirsdag? Æ ø å"
        assert back["To"].addresses[0].display_name == "Bjørn Sæther"
        assert back.get_content_type() == "text/plain"
        assert back.get_content_charset() == "utf-8"
        assert back.get_param("format") == "flowed"
        assert decode_flowed(back.get_content()) == body

    def test_rendered_draft_round_trip(self, shipped: TemplateSet) -> None:
        """A full rendered draft, signature and quote included, decodes to the same text."""
        body = render(shipped, "de", Action.DECLINE, formal=True)
        _, raw = make_draft(body=body)
        text = parse(raw).get_content().replace("\r\n", "\n")
        assert decode_flowed(text) == body
        assert "\n-- \n" in text
        assert all(len(line) <= 78 for line in text.splitlines())

    def test_header_injection(self) -> None:
        """CR/LF in a display name or subject never creates a header."""
        evil = "Evil\r\nBcc: victim@x.example\r\n"
        message = make_message(sender=Address(evil, "kari@x.example"), subject=f"Coffee?{evil}")
        _, raw = make_draft(message=message, me=Identity(evil, "alex@x.example"))
        back = parse(raw)
        assert back["Bcc"] is None
        assert b"\r\nBcc:" not in raw
        assert back["To"].addresses[0].addr_spec == "kari@x.example"
        assert len(back["To"].addresses) == 1
        assert "\n" not in back["Subject"]

    def test_long_subject_folds_after_content(self) -> None:
        """A long subject is folded, but never leaves the Subject: line itself empty."""
        for subject in (
            "Kaffee und ein ausführliches Gespräch über das Projekt " * 3,
            "x" * 120,
            "ø" * 90,
        ):
            _, raw = make_draft(message=make_message(subject=subject))
            head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
            line = next(h for h in head.split("\r\n") if h.startswith("Subject:"))
            assert line.startswith("Subject: Re: ") or line.startswith("Subject: =?")
            assert all(len(h) <= 78 for h in head.split("\r\n"))
            assert parse(raw)["Subject"] == reply_subject(subject)

    def test_no_header_starts_with_an_empty_line(self) -> None:
        """A subject or Message-ID just too long for one line still starts on the header line."""
        long_id = "<CAisSwBv9j6dAS4vUraHZJ=rzLCH=cL24O2RoUGV+Kz189xDKYhtu@mail.gmail.com>"
        subject = "Family business / German subsidiary - possible workshop in Sheffield"
        _, raw = make_draft(message=make_message(subject=subject, message_id=long_id))
        head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
        for name in ("Subject", "In-Reply-To", "References"):
            line = next(h for h in head.split("\r\n") if h.startswith(f"{name}:"))
            assert len(line) > len(name) + 2, f"{name} folded onto a continuation line"
        parsed = parse(raw)
        assert parsed["In-Reply-To"] == long_id
        assert parsed["Subject"] == f"Re: {subject}"

    def test_nothing_reveals_automation(self) -> None:
        """No Auto-Submitted, X-Mailer, User-Agent or product name in the draft."""
        draft, raw = make_draft()
        for header in ("Auto-Submitted", "X-Mailer", "User-Agent", "X-Auto-Response-Suppress"):
            assert header not in draft
        assert b"responder" not in raw.lower()
        assert not any(k.lower().startswith("x-") for k in draft)

    def test_naive_date_rejected(self) -> None:
        """A draft date without a timezone is a programming error, not a silent UTC guess."""
        with pytest.raises(ValueError, match="timezone"):
            build_draft(
                make_message(),
                make_decision(),
                make_verdict(),
                me=ME,
                from_address="a@b.c",
                body_text="x",
                to=(),
                cc=(),
                message_id="<a@b>",
                date=datetime(2026, 4, 10),
            )


class TestFlowed:
    """`encode_flowed` writes RFC 3676 text that `decode_flowed` (and mail clients) reflow."""

    def test_wraps_at_72_and_round_trips(self) -> None:
        """A long paragraph becomes soft-broken lines of at most 72 columns."""
        para = " ".join(["Vennlig"] * 40)
        encoded = encode_flowed(para + "\nshort")
        lines = encoded.split("\n")
        assert all(len(line) <= 72 for line in lines)
        assert all(line.endswith(" ") for line in lines[:-2])
        assert decode_flowed(encoded) == para + "\nshort"

    def test_space_stuffing(self) -> None:
        """Lines starting with a space or 'From ' are stuffed and unstuffed."""
        text = "From here on\n indented"
        encoded = encode_flowed(text)
        assert encoded == " From here on\n  indented"
        assert decode_flowed(encoded) == text

    def test_signature_is_fixed(self) -> None:
        """The '-- ' line stays and long signature lines are never wrapped."""
        sig_line = "Ærlig Beratung GmbH · " * 6
        encoded = encode_flowed(f"Text\n-- \n{sig_line}\nHRB 123")
        assert f"\n-- \n{sig_line.rstrip()}\nHRB 123" in encoded

    def test_quotes_wrap_at_their_depth(self) -> None:
        """Long quoted lines wrap with the quote prefix on every piece."""
        quoted = "> " + " ".join(["word"] * 40)
        encoded = encode_flowed(f">\n{quoted}\n>> deep")
        lines = encoded.split("\n")
        assert lines[0] == ">"
        assert all(line.startswith("> ") for line in lines[1:-1])
        assert all(len(line) <= 72 for line in lines)
        assert decode_flowed(encoded) == f">\n{quoted}\n>> deep"


class TestDraftMessageId:
    """`draft_message_id` is deterministic, keyed, and looks like any client's id."""

    def test_deterministic(self) -> None:
        """The same original and key always give the same id."""
        one = draft_message_id("<orig@x>", "INBOX/1/7", key=b"k" * 32, domain="aerlig.example")
        two = draft_message_id("<orig@x>", "INBOX/1/7", key=b"k" * 32, domain="aerlig.example")
        assert one == two
        assert re.fullmatch(r"<[0-9a-f]{24}\.[0-9a-f]{8}@aerlig\.example>", one)

    def test_key_dependent(self) -> None:
        """A different secret gives an unrelated id, so nobody else can derive it."""
        one = draft_message_id("<orig@x>", "f", key=b"a" * 32, domain="d.example")
        two = draft_message_id("<orig@x>", "f", key=b"b" * 32, domain="d.example")
        assert one != two
        assert "orig" not in one

    def test_fallback_key(self) -> None:
        """Without an original id the fallback key is hashed instead, distinct from ids."""
        one = draft_message_id(None, "INBOX/1/7", key=b"k", domain="d.example")
        two = draft_message_id(None, "INBOX/1/8", key=b"k", domain="d.example")
        three = draft_message_id("INBOX/1/7", "x", key=b"k", domain="d.example")
        assert len({one, two, three}) == 3

    def test_empty_key_rejected(self) -> None:
        """An empty secret would make ids guessable, so it is refused."""
        with pytest.raises(ValueError, match="key"):
            draft_message_id("<a@b>", "f", key=b"", domain="d.example")
