"""The classifier as a specification: one cue or behaviour per test, per language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from responder.classify import classify
from responder.cues import load_lexicon
from responder.errors import ConfigError
from responder.matcher import phrase_to_regex
from responder.model import Address, Formality, Intent, Message, Signal
from responder.register import german_register
from responder.when import find_time

# Wednesday, 15 April 2026
SENT = datetime(2026, 4, 15, 9, 30, tzinfo=UTC)


def make(
    text: str,
    *,
    subject: str = "",
    quoted: str = "",
    calendar: str | None = None,
    sender: str = "anna@kunde.example",
    to: tuple[str, ...] = ("jonas@weber.example",),
    signature: str = "",
) -> Message:
    """A Message as parse would build it, with only the fields the classifier reads."""
    return Message(
        message_id="<t@example>",
        subject=subject,
        from_=(Address("", sender),),
        reply_to=(),
        to=tuple(Address("", a) for a in to),
        cc=(),
        bcc=(),
        resent_to=(),
        date=SENT,
        in_reply_to=(),
        references=(),
        headers={},
        new_text=text,
        quoted_text=quoted,
        signature=signature,
        calendar_method=calendar,
    )


class TestEnglishInvitations:
    """English proposals to meet are invitations, with the most specific intent."""

    @pytest.mark.parametrize(
        ("text", "intent"),
        [
            ("Hi Jonas,\n\nWould you like to grab coffee next week?\n\nAnna", Intent.COFFEE),
            ("Let's have lunch on Thursday, my treat.", Intent.LUNCH),
            ("Any chance you're free for drinks after work on Friday?", Intent.DRINKS),
            ("Could I pick your brain over a coffee sometime soon?", Intent.COFFEE),
            ("I'd love to pick your brain for half an hour. Are you free next Tuesday?",
             Intent.PICK_BRAIN),
            ("We should get together soon and catch up properly.", Intent.CATCH_UP),
            ("Any chance you're free Thursday afternoon?", Intent.MEETING),
            ("Free for a quick call at 4? Need your take on the offer.", Intent.CALL),
            ("How about breakfast before the conference on 14 April?", Intent.BREAKFAST),
        ],
    )
    def test_proposal_is_an_invitation(self, text: str, intent: Intent) -> None:
        """A request form near a meeting word (or a request for time) makes an invitation."""
        verdict = classify(make(text))
        assert verdict.invitation, verdict.reasons
        assert verdict.intent is intent
        assert verdict.language == "en"

    def test_subject_alone_carries_the_invitation(self) -> None:
        """A new mail whose subject is the whole question ("Lunch tomorrow?") is an invitation."""
        assert classify(make("Anna\nAcme Ltd", subject="Lunch tomorrow?")).invitation

    def test_reasons_name_the_cue(self) -> None:
        """Reasons name the matched cue and its language."""
        verdict = classify(make("Would you like to grab coffee next week?"))
        assert 'cue "coffee" (en)' in verdict.reasons


class TestEnglishHardNegatives:
    """Meeting words without a new request are not invitations."""

    @pytest.mark.parametrize(
        "text",
        [
            "Thanks for lunch yesterday, it was great to see you.",
            "Perfect, see you at 10 at the café then.",
            "Sorry, I can't make lunch on Friday after all.",
            "Happy to help - let's catch up by email, send me your questions.",
            "There is no such thing as a free lunch.",
            "Could you order coffee for the office? The coffee machine is empty too.",
            "Can we move lunch to Wednesday?",
            "Hi all,\n\nlet's grab lunch on Friday to celebrate the launch!",
        ],
    )
    def test_not_an_invitation(self, text: str) -> None:
        """Thanks, confirmations, declines, e-mail-only, idioms, office orders, mass mail."""
        assert not classify(make(text)).invitation

    def test_out_of_office_is_never_an_invitation(self) -> None:
        """An auto-reply quoting a lunch proposal stays a non-invitation."""
        text = "I am out of the office until Monday. Let's have lunch when I'm back?"
        assert not classify(make(text, subject="Automatic reply: lunch")).invitation

    def test_newsletter_markers_outweigh_the_invitation_words(self) -> None:
        """RSVP, registration and unsubscribe markers sink a "join us for dinner"."""
        text = ("Join us for dinner at our annual gala! RSVP by Friday. Register now.\n"
                "To unsubscribe click here.")
        assert not classify(make(text)).invitation

    def test_colleagues_work_meeting_is_not_an_invitation(self) -> None:
        """A same-domain "let's get together to discuss" is work coordination."""
        msg = make("Let's get together tomorrow to discuss the contract.",
                   sender="bob@acme.example", to=("jonas@acme.example",))
        assert not classify(msg).invitation


class TestQuotedHistory:
    """Only the sender's new text counts."""

    def test_quoted_only_invitation_is_ignored(self) -> None:
        """An invitation that exists only in the quote is not read, and the reason says so."""
        msg = make("Thursday works!", subject="Re: Coffee?",
                   quoted="> Would you like to grab a coffee on Thursday?")
        verdict = classify(msg)
        assert not verdict.invitation
        assert "quoted-only invitation ignored" in verdict.reasons

    def test_reply_subject_is_not_read(self) -> None:
        """In a reply the old subject ("Re: Lunch?") does not make a new invitation."""
        assert not classify(make("Sounds good.", subject="Re: Lunch?")).invitation


class TestGermanInvitations:
    """German proposals, direct and indirect."""

    @pytest.mark.parametrize(
        ("text", "intent"),
        [
            ("Hallo Jonas,\n\nhast du Lust auf einen Kaffee nächste Woche?\n\nLG Anna",
             Intent.COFFEE),
            ("Sehr geehrter Herr Weber,\n\nhätten Sie nächste Woche 30 Minuten für mich?",
             Intent.MEETING),
            ("Wollen wir am Freitag zusammen Mittagessen gehen?", Intent.LUNCH),
            ("Ich würde Sie gern zu einem kurzen Kennenlernen treffen. Wann passt es Ihnen?",
             Intent.MEETING),
            ("Wie wäre es mit einem Feierabendbier am Donnerstag?", Intent.DRINKS),
        ],
    )
    def test_proposal_is_an_invitation(self, text: str, intent: Intent) -> None:
        """"Hast du Lust", "hätten Sie ... Zeit/Minuten", "wollen wir" are requests."""
        verdict = classify(make(text))
        assert verdict.invitation, verdict.reasons
        assert verdict.intent is intent
        assert verdict.language == "de"

    @pytest.mark.parametrize(
        "text",
        [
            "Vielen Dank für das nette Mittagessen gestern, es war sehr schön.",
            "Bis morgen um 10 Uhr, ich freue mich auf unser Treffen!",
            "Können wir unseren Termin am Mittwoch auf 15 Uhr schieben?",
            "Liebe Kolleginnen und Kollegen, am Freitag gibt es Mittagessen für alle.",
            "Guten Morgen Herr Weber, anbei die Rechnung für März.",
        ],
    )
    def test_not_an_invitation(self, text: str) -> None:
        """Thanks, confirmations, reschedules, mass mail and invoices are not invitations."""
        assert not classify(make(text)).invitation


class TestNorwegianInvitations:
    """Norwegian bokmål proposals, direct and indirect."""

    @pytest.mark.parametrize(
        ("text", "intent"),
        [
            ("Hei Ingrid!\n\nSkal vi ta en kaffe på torsdag?\n\nHilsen Lars", Intent.COFFEE),
            ("Har du mulighet til å møtes neste uke? Jeg har en kunde som trenger hjelp.",
             Intent.MEETING),
            ("Hva med en prat over lunsj i morgen?", Intent.LUNCH),
            ("Har du lyst på en øl etter jobb på fredag?", Intent.DRINKS),
        ],
    )
    def test_proposal_is_an_invitation(self, text: str, intent: Intent) -> None:
        """"Skal vi", "har du mulighet/lyst", "hva med" are requests."""
        verdict = classify(make(text, sender="lars@firma.no"))
        assert verdict.invitation, verdict.reasons
        assert verdict.intent is intent
        assert verdict.language == "nb"

    @pytest.mark.parametrize(
        "text",
        [
            "Takk for hyggelig lunsj i går!",
            "Vi ses i morgen klokka 10, jeg har bestilt bord.",
            "Beklager, jeg må dessverre avlyse lunsjen på fredag.",
        ],
    )
    def test_not_an_invitation(self, text: str) -> None:
        """Thanks, confirmations and cancellations are not invitations."""
        assert not classify(make(text, sender="lars@firma.no")).invitation

    def test_pick_brain_by_email_only(self) -> None:
        """Asking to pick one's brain by e-mail, explicitly without a meeting, is no invitation."""
        text = ("Jeg skal ikke be om et møte. Men kan jeg få plukke hjernen din på to korte "
                "spørsmål? Svar gjerne på e-post.")
        assert not classify(make(text, sender="elin@firma.no")).invitation


class TestIntroductions:
    """A third party introducing two people who should meet is an invitation."""

    def test_english_introduction(self) -> None:
        """"You two should grab coffee" makes an invitation with INTRODUCTION."""
        text = "Anna, meet Lars. I think you two should grab coffee sometime."
        verdict = classify(make(text))
        assert verdict.invitation
        assert Signal.INTRODUCTION in verdict.signals

    def test_german_introduction_without_request_form(self) -> None:
        """An introduction proposing coffee counts even in the imperative ("trinken Sie")."""
        text = ("Lieber Herr Weber, liebe Frau Lindner,\n\nhiermit bringe ich Sie beide zusammen. "
                "Am besten trinken Sie einmal einen Kaffee zusammen.")
        verdict = classify(make(text))
        assert verdict.invitation
        assert verdict.intent is Intent.COFFEE


class TestCalendar:
    """A calendar REQUEST from a person is an invitation; replies and updates are not."""

    def test_request_is_an_invitation(self) -> None:
        """METHOD:REQUEST makes an invitation whose calendar answer is still open."""
        verdict = classify(make("Please find the invite attached.", calendar="REQUEST",
                                subject="Workshop succession"))
        assert verdict.invitation
        assert Signal.CALENDAR_REQUEST in verdict.signals
        assert any("calendar answer is still open" in r for r in verdict.reasons)

    @pytest.mark.parametrize("method", ["REPLY", "CANCEL", "COUNTER"])
    def test_other_methods_are_not(self, method: str) -> None:
        """REPLY, CANCEL and the like answer an invitation; they are not one."""
        verdict = classify(make("Accepted.", calendar=method, subject="Accepted: Lunch"))
        assert not verdict.invitation

    def test_request_that_updates_an_agreed_meeting(self) -> None:
        """A REQUEST that moves an agreed meeting ("Oppdatert invitasjon") is read as text."""
        msg = make("Som avtalt flytter vi møtet til fredag.", calendar="REQUEST",
                   subject="Oppdatert invitasjon: Prosjektmøte", sender="a@firma.no")
        assert not classify(msg).invitation


class TestSignals:
    """Facts the mail states become signals."""

    def test_referral(self) -> None:
        """"A client of mine needs..." is a referral."""
        text = "A client of mine needs help with pricing. Could we have a quick call on Friday?"
        assert Signal.REFERRAL in classify(make(text)).signals

    def test_german_referral_and_long_meeting(self) -> None:
        """"Ich habe einen Kunden, der..." and "halben Tag" are referral and long meeting."""
        text = ("Ich habe einen Kunden, der Unterstützung braucht. Hätten Sie nächste Woche "
                "einen halben Tag für einen Workshop?")
        signals = classify(make(text)).signals
        assert {Signal.REFERRAL, Signal.LONG_MEETING} <= signals

    def test_bona_fide_needs_two_facts(self) -> None:
        """Budget and timeline together make BONA_FIDE; budget alone does not."""
        both = "We have a budget of 20k and a deadline in June. Could we meet next week?"
        one = "We have a budget for this. Could we meet next week?"
        assert Signal.BONA_FIDE in classify(make(both)).signals
        assert Signal.BONA_FIDE not in classify(make(one)).signals

    def test_call_proposed_in_norwegian(self) -> None:
        """"Kunne vi tatt en kort telefon" proposes a call."""
        text = "Kunne vi tatt en kort telefon på fredag?"
        verdict = classify(make(text, sender="e@firma.no"))
        assert verdict.invitation
        assert Signal.CALL_PROPOSED in verdict.signals


class TestProposedTime:
    """The proposed time is found and resolved against the mail's date."""

    @pytest.mark.parametrize(
        ("text", "language", "expected"),
        [
            ("next tuesday", "en", date(2026, 4, 21)),
            ("tomorrow", "en", date(2026, 4, 16)),
            ("on 14 May", "en", date(2026, 5, 14)),
            ("nächsten dienstag", "de", date(2026, 4, 21)),
            ("morgen", "de", date(2026, 4, 16)),
            ("am 14. april", "de", date(2027, 4, 14)),
            ("på tirsdag", "nb", date(2026, 4, 21)),
            ("14. april", "nb", date(2027, 4, 14)),
        ],
    )
    def test_resolves(self, text: str, language: str, expected: date) -> None:
        """Weekdays, relative days and day-month dates resolve to a date."""
        found = find_time(text, load_lexicon().calendars[language], SENT.date())
        assert found is not None
        assert found.on == expected

    @pytest.mark.parametrize(
        ("text", "language"),
        [("next week", "en"), ("nächste Woche", "de"), ("neste uke", "nb")],
    )
    def test_a_week_is_not_a_day(self, text: str, language: str) -> None:
        """ "Next week" is kept as written but names no date, so no draft invents one."""
        found = find_time(text, load_lexicon().calendars[language], SENT.date())
        assert found is not None
        assert found.text.lower() == text.lower()
        assert found.on is None

    def test_unresolvable_without_a_date(self) -> None:
        """Without the mail's date the text is kept and ``on`` stays None."""
        found = find_time("next tuesday", load_lexicon().calendars["en"], None)
        assert found is not None
        assert found.on is None

    def test_verdict_carries_the_time(self) -> None:
        """The invitation's Verdict carries the proposed time of its sentence."""
        verdict = classify(make("Hast du Lust auf einen Kaffee am nächsten Dienstag?"))
        assert verdict.proposed is not None
        assert verdict.proposed.on == date(2026, 4, 21)


class TestGermanRegister:
    """Sie versus du, weighed from pronouns, greetings and sign-offs."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Sehr geehrter Herr Weber,\nich würde Sie gern treffen.\nMit freundlichen Grüßen",
             Formality.FORMAL),
            ("Hallo Herr Weber,\nhätten Sie Zeit?", Formality.FORMAL),
            ("Hi Jonas,\nhast du Lust auf einen Kaffee?\nLG Anna", Formality.INFORMAL),
            ("Lieber Jonas,\nwie geht es dir?\nLiebe Grüße", Formality.INFORMAL),
            ("Hallo Jonas,\nSie haben mir gesagt, dass du Zeit hast.\nViele Grüße",
             Formality.INFORMAL),
            ("Hallo Jonas,\nIhr wart ja gestern auf der Messe. Hast du morgen Zeit?",
             Formality.INFORMAL),
        ],
    )
    def test_register(self, text: str, expected: Formality) -> None:
        """Sentence-initial "Sie" (they) and "Ihr" (you all) weigh little against "du"."""
        assert german_register(text).formality is expected

    def test_no_cue_defaults_to_formal(self) -> None:
        """German text without any cue reads as formal."""
        assert german_register("Termin am Montag.").formality is Formality.FORMAL

    def test_only_german_has_a_register(self) -> None:
        """English and Norwegian verdicts carry no formality."""
        assert classify(make("Would you like to grab coffee?")).formality is None
        assert classify(make("Skal vi ta en kaffe?", sender="a@b.no")).formality is None

    def test_german_verdict_has_a_register(self) -> None:
        """A German verdict carries the register, read from the text and the sign-off."""
        msg = make("Hallo Herr Weber,\nhätten Sie nächste Woche Zeit für einen Kaffee?",
                   signature="Mit freundlichen Grüßen\nAnna Schmidt")
        assert classify(msg).formality is Formality.FORMAL


class TestLexicon:
    """Lexicons are data: documented syntax, user extensions, clear errors."""

    def test_phrase_syntax(self) -> None:
        """Spaces, prefixes, gaps and apostrophes behave as documented."""
        import re  # noqa: PLC0415 (local to this check)

        assert re.search(phrase_to_regex("get together"), "get\n together")
        assert re.search(phrase_to_regex("meet*"), "meeting")
        assert re.search(phrase_to_regex("would ... like"), "would you really like")
        assert re.search(phrase_to_regex("let's"), "let\u2019s")
        assert not re.search(phrase_to_regex("tea"), "team")

    def test_user_folder_extends_the_packaged_lexicon(self, tmp_path: Path) -> None:
        """A user en.toml adds phrases to a packaged family."""
        (tmp_path / "en.toml").write_text('[activity.coffee]\nphrases = ["flat white"]\n')
        lex = load_lexicon(tmp_path)
        assert "flat white" in lex.family("en", "activity.coffee").phrases
        assert "coffee" in lex.family("en", "activity.coffee").phrases
        verdict = classify(make("How about a flat white tomorrow?"), lexicon=lex)
        assert verdict.intent is Intent.COFFEE

    def test_unknown_family_is_a_config_error(self, tmp_path: Path) -> None:
        """A misspelt family name is named in the error."""
        (tmp_path / "de.toml").write_text('[activty.coffee]\nphrases = ["x"]\n')
        with pytest.raises(ConfigError, match=r"activty\.coffee"):
            load_lexicon(tmp_path)

    def test_bad_regex_is_a_config_error(self, tmp_path: Path) -> None:
        """A broken raw pattern is reported with its phrase."""
        (tmp_path / "nb.toml").write_text('[time]\nphrases = ["re:(unclosed"]\n')
        with pytest.raises(ConfigError, match="unclosed"):
            load_lexicon(tmp_path)


class TestRealMail:
    """Fixtures parsed by responder.parse go through the classifier unchanged."""

    FIXTURES = Path(__file__).parent / "fixtures" / "classify"

    @pytest.mark.parametrize(
        ("name", "invitation"),
        [("invite_de.eml", True), ("reply_quoted_nb.eml", False), ("ics_reply.eml", False)],
    )
    def test_fixture(self, name: str, invitation: bool) -> None:
        """Each fixture's verdict matches its name."""
        parse = pytest.importorskip("responder.parse")
        msg = parse.parse_message((self.FIXTURES / name).read_bytes())
        assert classify(msg).invitation is invitation
