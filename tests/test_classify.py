"""The classifier as a specification: one cue or behaviour per test, per language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from responder.classify import classify
from responder.cues import load_lexicon
from responder.errors import ConfigError
from responder.matcher import phrase_matches
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
            (
                "I'd love to pick your brain for half an hour. Are you free next Tuesday?",
                Intent.PICK_BRAIN,
            ),
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
        text = (
            "Join us for dinner at our annual gala! RSVP by Friday. Register now.\n"
            "To unsubscribe click here."
        )
        assert not classify(make(text)).invitation

    def test_colleagues_work_meeting_is_not_an_invitation(self) -> None:
        """A same-domain "let's get together to discuss" is work coordination."""
        msg = make(
            "Let's get together tomorrow to discuss the contract.",
            sender="bob@acme.example",
            to=("jonas@acme.example",),
        )
        assert not classify(msg).invitation


class TestQuotedHistory:
    """Only the sender's new text counts."""

    def test_quoted_only_invitation_is_ignored(self) -> None:
        """An invitation that exists only in the quote is not read, and the reason says so."""
        msg = make(
            "Thursday works!",
            subject="Re: Coffee?",
            quoted="> Would you like to grab a coffee on Thursday?",
        )
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
            (
                "Hallo Jonas,\n\nhast du Lust auf einen Kaffee nächste Woche?\n\nLG Anna",
                Intent.COFFEE,
            ),
            (
                "Sehr geehrter Herr Weber,\n\nhätten Sie nächste Woche 30 Minuten für mich?",
                Intent.MEETING,
            ),
            ("Wollen wir am Freitag zusammen Mittagessen gehen?", Intent.LUNCH),
            (
                "Ich würde Sie gern zu einem kurzen Kennenlernen treffen. Wann passt es Ihnen?",
                Intent.MEETING,
            ),
            ("Wie wäre es mit einem Feierabendbier am Donnerstag?", Intent.DRINKS),
        ],
    )
    def test_proposal_is_an_invitation(self, text: str, intent: Intent) -> None:
        """ "Hast du Lust", "hätten Sie ... Zeit/Minuten", "wollen wir" are requests."""
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
            (
                "Har du mulighet til å møtes neste uke? Jeg har en kunde som trenger hjelp.",
                Intent.MEETING,
            ),
            ("Hva med en prat over lunsj i morgen?", Intent.LUNCH),
            ("Har du lyst på en øl etter jobb på fredag?", Intent.DRINKS),
        ],
    )
    def test_proposal_is_an_invitation(self, text: str, intent: Intent) -> None:
        """ "Skal vi", "har du mulighet/lyst", "hva med" are requests."""
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
        text = (
            "Jeg skal ikke be om et møte. Men kan jeg få plukke hjernen din på to korte "
            "spørsmål? Svar gjerne på e-post."
        )
        assert not classify(make(text, sender="elin@firma.no")).invitation


class TestIntroductions:
    """A third party introducing two people who should meet is an invitation."""

    def test_english_introduction(self) -> None:
        """ "You two should grab coffee" makes an invitation with INTRODUCTION."""
        text = "Anna, meet Lars. I think you two should grab coffee sometime."
        verdict = classify(make(text))
        assert verdict.invitation
        assert Signal.INTRODUCTION in verdict.signals

    def test_german_introduction_without_request_form(self) -> None:
        """An introduction proposing coffee counts even in the imperative ("trinken Sie")."""
        text = (
            "Lieber Herr Weber, liebe Frau Lindner,\n\nhiermit bringe ich Sie beide zusammen. "
            "Am besten trinken Sie einmal einen Kaffee zusammen."
        )
        verdict = classify(make(text))
        assert verdict.invitation
        assert verdict.intent is Intent.COFFEE


class TestCalendar:
    """A calendar REQUEST from a person is an invitation; replies and updates are not."""

    def test_request_is_an_invitation(self) -> None:
        """METHOD:REQUEST makes an invitation whose calendar answer is still open."""
        verdict = classify(
            make(
                "Please find the invite attached.",
                calendar="REQUEST",
                subject="Workshop succession",
            )
        )
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
        msg = make(
            "Som avtalt flytter vi møtet til fredag.",
            calendar="REQUEST",
            subject="Oppdatert invitasjon: Prosjektmøte",
            sender="a@firma.no",
        )
        assert not classify(msg).invitation


class TestSignals:
    """Facts the mail states become signals."""

    def test_referral(self) -> None:
        """ "A client of mine needs..." is a referral."""
        text = "A client of mine needs help with pricing. Could we have a quick call on Friday?"
        assert Signal.REFERRAL in classify(make(text)).signals

    def test_german_referral_and_long_meeting(self) -> None:
        """ "Ich habe einen Kunden, der..." and "halben Tag" are referral and long meeting."""
        text = (
            "Ich habe einen Kunden, der Unterstützung braucht. Hätten Sie nächste Woche "
            "einen halben Tag für einen Workshop?"
        )
        signals = classify(make(text)).signals
        assert {Signal.REFERRAL, Signal.LONG_MEETING} <= signals

    def test_bona_fide_needs_two_facts(self) -> None:
        """Budget and timeline together make BONA_FIDE; budget alone does not."""
        both = "We have a budget of 20k and a deadline in June. Could we meet next week?"
        one = "We have a budget for this. Could we meet next week?"
        assert Signal.BONA_FIDE in classify(make(both)).signals
        assert Signal.BONA_FIDE not in classify(make(one)).signals

    def test_call_proposed_in_norwegian(self) -> None:
        """ "Kunne vi tatt en kort telefon" proposes a call."""
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
            (
                "Sehr geehrter Herr Weber,\nich würde Sie gern treffen.\nMit freundlichen Grüßen",
                Formality.FORMAL,
            ),
            ("Hallo Herr Weber,\nhätten Sie Zeit?", Formality.FORMAL),
            ("Hi Jonas,\nhast du Lust auf einen Kaffee?\nLG Anna", Formality.INFORMAL),
            ("Lieber Jonas,\nwie geht es dir?\nLiebe Grüße", Formality.INFORMAL),
            (
                "Hallo Jonas,\nSie haben mir gesagt, dass du Zeit hast.\nViele Grüße",
                Formality.INFORMAL,
            ),
            (
                "Hallo Jonas,\nIhr wart ja gestern auf der Messe. Hast du morgen Zeit?",
                Formality.INFORMAL,
            ),
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
        msg = make(
            "Hallo Herr Weber,\nhätten Sie nächste Woche Zeit für einen Kaffee?",
            signature="Mit freundlichen Grüßen\nAnna Schmidt",
        )
        assert classify(msg).formality is Formality.FORMAL


class TestLexicon:
    """Lexicons are data: documented syntax, user extensions, clear errors."""

    def test_phrase_syntax(self) -> None:
        """Spaces, prefixes, gaps and apostrophes behave as documented."""
        assert phrase_matches("get together", "get\n together")
        assert phrase_matches("get together", "a get-together")
        assert phrase_matches("meet*", "meeting")
        assert phrase_matches("would ... like", "would you really like")
        assert not phrase_matches("would ... like", "would you really, truly, very much like")
        assert phrase_matches("let's", "let\u2019s")
        assert not phrase_matches("tea", "team")
        assert phrase_matches("lunch?", "Lunch ?")
        assert not phrase_matches("how about", "How. About that")

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
        [
            ("invite_de.eml", True),
            ("reply_quoted_nb.eml", False),
            ("ics_reply.eml", False),
            ("newsletter_en.eml", False),
            ("counter_proposal_de.eml", True),
            ("ooo_nb.eml", False),
        ],
    )
    def test_fixture(self, name: str, invitation: bool) -> None:
        """Each fixture's verdict matches its name."""
        parse = pytest.importorskip("responder.parse")
        msg = parse.parse_message((self.FIXTURES / name).read_bytes())
        assert classify(msg).invitation is invitation


# Sentences written for these tests (not taken from the corpus or the multilingual set): the
# natural variety of how people ask to meet, and of mail that only looks like it.
SENDER = {"en": "a@example.com", "de": "a@kunde.de", "nb": "a@firma.no"}

INVITATIONS = {
    "en": [
        "Hi Tom, would you be up for a coffee sometime next week?",
        "Are you around on Thursday? Would be great to grab lunch.",
        "Fancy a pint after work on Friday?",
        "Could we hop on a call tomorrow afternoon to talk through your proposal?",
        "We should catch up properly - how does Tuesday evening look for dinner?",
        "Any chance I could pick your brain over coffee? I'm in town on the 12th.",
        "Let me buy you lunch next time you're in Chicago.",
        "Do you have 30 minutes next week for a quick call?",
        "Shall we get together for a drink one evening this week?",
        "Up for lunch tomorrow?",
        "Long time no see! Coffee sometime next week?",
        "If you're free Thursday, I'd like to take you to lunch to say thanks for the referral.",
        "Would it be possible to set up a short meeting with you and your partner next month?",
        "It would be great to get together before the holidays. Let me know what works for you.",
        "I was wondering if you might have time for a coffee while you're in town.",
    ],
    "de": [
        "Hallo Jonas, hast du nächste Woche Zeit für einen Kaffee?",
        "Sehr geehrter Herr Weber, hätten Sie Interesse an einem kurzen Kennenlerngespräch?",
        "Wollen wir uns mal wieder auf ein Bier treffen? Vielleicht Freitag nach Feierabend?",
        "Lass uns doch nächste Woche zusammen Mittagessen gehen.",
        "Ich würde mich freuen, wenn wir uns bei Gelegenheit auf einen Kaffee treffen könnten.",
        "Wie wäre es mit einem Telefonat am Dienstag um 10 Uhr?",
        "Passt es Ihnen, wenn wir uns am 12. Mai in Ihrem Büro zusammensetzen?",
        "Darf ich Sie zu einem Mittagessen einladen, um Ihr Projekt kennenzulernen?",
        "Lust auf einen Kaffee am Montag?",
        "Moin Jonas, wie sieht's bei dir nächste Woche aus \u2013 Lust auf ein Feierabendbier?",
        "Wir sollten uns unbedingt mal wieder sehen! Hast du am Wochenende Zeit?",
        "Ich bin am 14. in Frankfurt. Wäre ein kurzes Treffen bei Ihnen möglich?",
        "Sollen wir uns nächste Woche zum Mittagessen treffen?",
    ],
    "nb": [
        "Hei Ingrid! Har du lyst til å ta en kaffe neste uke?",
        "Har du tid til et kort møte på tirsdag? Jeg trenger råd om regnskapet.",
        "Hva med en øl etter jobb på torsdag?",
        "Det hadde vært hyggelig å treffes når du er i Bergen neste måned.",
        "Jeg vil gjerne invitere deg på middag for å takke for hjelpen.",
        "Passer det for deg å møtes på kontoret vårt onsdag klokka 14?",
        "Blir du med på en kaffe etter møtet?",
        "Lyst på lunsj i morgen?",
        "Hei! Lenge siden sist \u2013 skal vi ta en kaffe snart?",
        "Kunne du tenke deg å ta en prat om et mulig samarbeid? En halvtime holder.",
        "Hva sier du til middag på lørdag?",
        "Kan vi ta en kort telefon i morgen?",
    ],
}

NOT_INVITATIONS = {
    "en": [
        "Thanks again for lunch yesterday, it was great to catch up.",
        "Sounds good, see you at 12:30 at the usual place.",
        "Sorry, I can't make coffee on Friday after all - something came up.",
        "Our office coffee machine is broken, could you order a new one?",
        "Join us for our annual customer breakfast! Register now, seats are limited. "
        "Unsubscribe here.",
        "Can we move our lunch from Tuesday to Wednesday?",
        "Happy to help - just send me your questions by email, no need to meet.",
        "Unfortunately I won't be able to make our lunch on Thursday. Can we reschedule?",
        "Perfect, Wednesday at 1pm works for me. I've booked a table.",
        "Here are the directions and parking info for our meeting on Friday.",
    ],
    "de": [
        "Vielen Dank für das nette Mittagessen gestern!",
        "Leider muss ich unseren Kaffee am Freitag absagen.",
        "Jetzt anmelden: Business Lunch Seminar am 5. Mai, Teilnahmegebühr 49 Euro. "
        "Newsletter abbestellen",
        "Könntest du bitte Kaffee fürs Büro bestellen?",
        "Gerne, Donnerstag um 12 Uhr passt mir gut. Bis dann!",
        "Hier die Wegbeschreibung und Infos zum Parken für unseren Termin am Montag.",
    ],
    "nb": [
        "Takk for hyggelig lunsj i går!",
        "Det passer fint, vi ses på torsdag klokka 10.",
        "Beklager, jeg må dessverre avlyse kaffen på fredag.",
        "Kan vi flytte møtet vårt fra tirsdag til onsdag?",
        "Hei alle sammen! Velkommen til frokostseminar fredag, påmelding her.",
        "Høres bra ut, vi ses på onsdag klokka 12.",
        "Kaffemaskinen er tom, kan noen bestille mer kaffe til kontoret?",
    ],
}


class TestNaturalVariety:
    """Many ways of asking to meet, and of only looking like it, in each language."""

    @pytest.mark.parametrize(
        ("language", "text"),
        [(lang, t) for lang, texts in INVITATIONS.items() for t in texts],
    )
    def test_invitation(self, language: str, text: str) -> None:
        """A proposal is an invitation, and its language is recognised."""
        verdict = classify(make(text, sender=SENDER[language]))
        assert verdict.invitation, verdict.reasons
        assert verdict.language == language

    @pytest.mark.parametrize(
        ("language", "text"),
        [(lang, t) for lang, texts in NOT_INVITATIONS.items() for t in texts],
    )
    def test_not_an_invitation(self, language: str, text: str) -> None:
        """Thanks, acceptances, declines, moves, logistics, bulk and office orders are not."""
        verdict = classify(make(text, sender=SENDER[language]))
        assert not verdict.invitation, verdict.reasons
        assert verdict.language == language


class TestScope:
    """Negative cues count where they bear on the proposal, not anywhere in the sentence."""

    def test_thanks_in_another_clause_keeps_the_proposal(self) -> None:
        """ "Thanks for the call, let's ..." still proposes lunch."""
        assert classify(make("Thanks for the call, let's have lunch next week.")).invitation

    def test_thanks_for_the_meal_itself(self) -> None:
        """ "Thanks for lunch and the drinks" names the meals only to thank for them."""
        assert not classify(make("Thanks for lunch and the drinks, let me know.")).invitation

    def test_decline_after_a_contrast(self) -> None:
        """ "I'd love to meet for a beer, but I'm in Boston" is a regret."""
        text = "I'd love to meet you for a beer, but I'm in Boston until May."
        assert not classify(make(text)).invitation

    def test_decline_before_a_counter_proposal(self) -> None:
        """ "Can't make Friday, but how about lunch Monday?" proposes anew."""
        text = "I can't make Friday, but how about lunch on Monday?"
        assert classify(make(text)).invitation

    def test_third_party(self) -> None:
        """Asking the reader to take someone else to lunch is no invitation to the reader."""
        assert not classify(make("Could you take him to lunch on Friday?")).invitation

    def test_reported_speech(self) -> None:
        """A proposal inside quotation marks is reported, not made."""
        text = 'Then she said, "let\'s go to lunch tomorrow, just you and me."'
        assert not classify(make(text)).invitation

    def test_logistics_question(self) -> None:
        """Where to go for an agreed lunch is logistics."""
        assert not classify(make("Have you decided where we're going for lunch?")).invitation


class TestEllipticalQuestions:
    """A question led by the meeting word proposes it without any verb."""

    @pytest.mark.parametrize(
        "text",
        ["Lunch tomorrow?", "Drinks after work on Friday?", "A quick coffee on Monday?",
         "Hey Bob, dinner on Saturday?", "Kaffee am Montag?", "Lunsj i morgen?"],
    )
    def test_elliptical(self, text: str) -> None:
        """The meeting word opens the question (after a greeting, a time or "a"); a short
        German or Norwegian question needs the sender's country to be read as such."""
        sender = "a@x.de" if "Kaffee" in text else "a@x.no" if "Lunsj" in text else "a@x.com"
        assert classify(make(text, sender=sender)).invitation

    def test_a_list_is_not_a_proposal(self) -> None:
        """A meeting word in the middle of a list ("wine, beer and soft drinks?") asks nothing."""
        text = "Also, will the caterer provide the wine, beer and soft drinks?"
        assert not classify(make(text)).invitation


class TestSubjectAndNotices:
    """The subject line is read, but the body decides when it names the meeting too."""

    def test_subject_is_a_label_when_the_body_talks_about_the_meeting(self) -> None:
        """ "Dinner?" above "Are we still on for dinner tonight?" asks nothing new."""
        msg = make("Are we still on for dinner tonight?", subject="Dinner?")
        assert not classify(msg).invitation

    def test_subject_alone(self) -> None:
        """A subject that is the whole proposal counts when the body is silent."""
        assert classify(make("Cheers, Anna", subject="Coffee on Friday?")).invitation

    @pytest.mark.parametrize("prefix", ["Accepted", "Declined", "Angenommen", "Avlyst"])
    def test_calendar_notice_subject(self, prefix: str) -> None:
        """A calendar answer forwarded as text ("Accepted: Lunch") is never an invitation."""
        msg = make("Lunch on Friday?", subject=f"{prefix}: Lunch on Friday?")
        assert not classify(msg).invitation


class TestColleagues:
    """A work meeting among colleagues is coordination; from a client it is an invitation."""

    def test_colleague_work_meeting(self) -> None:
        """Same organisation, a bare meeting about work: not an invitation."""
        msg = make("Can we meet tomorrow to review the contract?",
                   sender="bob@acme.example", to=("jonas@acme.example",))
        assert not classify(msg).invitation

    def test_client_work_meeting(self) -> None:
        """From another organisation the same request is an invitation."""
        msg = make("Can we meet tomorrow to review the contract?",
                   sender="bob@client.example", to=("jonas@acme.example",))
        assert classify(msg).invitation

    def test_colleague_lunch(self) -> None:
        """A colleague asking to lunch is social, not work."""
        msg = make("Want to grab lunch on Friday?",
                   sender="bob@acme.example", to=("jonas@acme.example",))
        assert classify(msg).invitation


class TestPhraseSyntax:
    """The documented phrase syntax of the lexicons."""

    def test_clause_start(self) -> None:
        """ "^" matches at the start of a sentence or after a comma, nowhere else."""
        assert phrase_matches("^ want to", "Want to grab lunch?")
        assert phrase_matches("^ want to", "Hi Anna, want to grab lunch?")
        assert not phrase_matches("^ want to", "I want to grab lunch")

    def test_phrase_stays_in_its_sentence(self) -> None:
        """A phrase never spans two sentences."""
        assert not phrase_matches("lunch tomorrow", "We had lunch. Tomorrow is busy.")

    def test_dates_do_not_end_sentences(self) -> None:
        """ "9." in "Montag, 9. Februar" is a date, not a full stop."""
        assert phrase_matches("montag ... februar", "am Montag, 9. Februar, um 11 Uhr")

    def test_two_gaps_in_a_row_are_an_error(self, tmp_path: Path) -> None:
        """ "... ..." is rejected when the lexicon loads."""
        (tmp_path / "en.toml").write_text('[request.weak]\nphrases = ["a ... ... b"]\n')
        with pytest.raises(ConfigError, match="gaps"):
            load_lexicon(tmp_path)

    def test_word_families_are_sets(self, tmp_path: Path) -> None:
        """A user word added to ``you`` addresses the reader."""
        (tmp_path / "en.toml").write_text('[you]\nphrases = ["thee"]\n')
        lex = load_lexicon(tmp_path)
        assert "thee" in lex.word_set(("en",), "you")


class TestRobustness:
    """Any text at all gets a verdict."""

    @given(st.text(max_size=300), st.text(max_size=40), st.sampled_from(["de", "no", "com"]))
    @settings(max_examples=300, deadline=None)
    def test_never_raises(self, text: str, subject: str, tld: str) -> None:
        """Random text, subject and sender country: a Verdict, never an exception."""
        verdict = classify(make(text, subject=subject, sender=f"a@x.{tld}"))
        assert verdict.language
