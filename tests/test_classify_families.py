"""Request, meeting and negative cues as grammar families, one family per test, per language."""

from __future__ import annotations

from pathlib import Path

import pytest

from responder.classify import classify, features
from responder.cues import load_lexicon
from responder.errors import ConfigError
from responder.model import Formality, Intent
from tests.test_classify import make


class TestRequestFamilies:
    """Modal questions, first-person offers and hedged requests ask, in every language."""

    @pytest.mark.parametrize(
        ("text", "intent", "language"),
        [
            # en: 'can I give you a ring', 'would value', 'I wonder whether', 'a cup of'
            ("Can I give you a ring tomorrow afternoon? Easier than writing.", Intent.CALL, "en"),
            ("I would really value 20 minutes of your perspective on the trade.",
             Intent.PICK_BRAIN, "en"),
            ("I wonder whether you might be willing to come and have a look at the space?",
             Intent.MEETING, "en"),
            ("I'd love to hear how you approached it, ideally over a cup of something, "
             "whenever suits you.", Intent.COFFEE, "en"),
            ("Would a 15-minute chat work for you?", Intent.CALL, "en"),
            # de: inflected 'kurz* Telefonat', 'lass mich dir ... ausgeben', compounds, 'wollt ihr'
            ("Gerne würde ich das mit Ihnen in einem kurzen Telefonat besprechen.",
             Intent.CALL, "de"),
            ("Lass mich dir nächste Woche ein Mittagessen ausgeben!", Intent.LUNCH, "de"),
            ("Darf ich Sie auf ein Arbeitsfrühstück einladen?", Intent.BREAKFAST, "de"),
            ("Wollt ihr am Freitag zum Grillen vorbeikommen?", Intent.MEETING, "de"),
            ("Bist du im Mai in Berlin? Wenn ja, lass uns doch mal sehen.", Intent.MEETING, "de"),
            # nb: 'lurer på om', an interview
            ("Hei, jeg lurer på om en kaffe neste uke kunne passe deg.", Intent.COFFEE, "nb"),
            ("Kunne jeg fått intervjue deg i 30 minutter i løpet av mars?", Intent.MEETING, "nb"),
        ],
    )
    def test_request(self, text: str, intent: Intent, language: str) -> None:
        """Each request form, with a meeting word, makes an invitation of that intent."""
        verdict = classify(make(text))
        assert verdict.invitation, verdict.reasons
        assert verdict.intent is intent
        assert verdict.language == language


class TestTimeAskedNext:
    """A request to meet followed by "which time suits?" is a proposal with a time."""

    @pytest.mark.parametrize(
        "text",
        [
            "Vi ønsker å invitere deg til et innledende møte hos oss i Lillestrøm. "
            "Gi beskjed om hvilket tidspunkt som passer best.",
            "We would like to invite you to a first meeting at our office. "
            "Let me know what suits.",
        ],
    )
    def test_time_asked_next(self, text: str) -> None:
        """The sentence after the proposal asks for a time: it counts for the proposal."""
        verdict = classify(make(text))
        assert verdict.invitation, verdict.reasons
        assert "asks for a time next" in verdict.reasons


class TestNarrowNegatives:
    """Negative cues that are common words in an invitation do not cancel it."""

    @pytest.mark.parametrize(
        "text",
        [
            "Takk for et grundig tilbud. Før vi bestemmer oss vil vi gjerne møte deg. "
            "Passer det tirsdag kl. 14 hos oss?",
            "Det kan være på Zoom, eller jeg kommer gjerne til kontoret deres. "
            "Kunne jeg fått intervjue deg i 30 minutter?",
            "Hast du nächste Woche 20 Minuten für eine kurze Demo?\n\n"
            "Du möchtest keine weiteren Nachrichten? Kurze Antwort genügt.",
        ],
    )
    def test_still_an_invitation(self, text: str) -> None:
        """'tilbud' (a quote), 'til kontoret', 'kurze Antwort' are no veto."""
        verdict = classify(make(text))
        assert verdict.invitation, verdict.reasons


class TestBorrowedRequest:
    """A request borrowed from the next sentence brings that sentence's negatives along."""

    @pytest.mark.parametrize(
        "text",
        [
            "Der Kaffee ist alle, und morgen um 10 kommen die Kunden. "
            "Kannst du zwei Kilo bestellen?",
            "Kaffen er tom, og i morgen kommer kundene. Kan du bestille to kilo?",
        ],
    )
    def test_office_order(self, text: str) -> None:
        """'Coffee is out, clients come tomorrow. Can you order two kilos?' asks for an
        order, not for a coffee together."""
        verdict = classify(make(text, sender="lea@studio.example", to=("jana@studio.example",)))
        assert not verdict.invitation, verdict.reasons
        assert any("in the asking sentence" in r for r in verdict.reasons), verdict.reasons

    def test_plain_borrowed_request(self) -> None:
        """Without a negative the borrowed request still proposes the coffee."""
        verdict = classify(make("Coffee next week? Let me know when you are free."))
        assert verdict.invitation, verdict.reasons


class TestRegisterCues:
    """German register from plural du and from a greeting with a first name."""

    def test_plural_du(self) -> None:
        """'Habt ihr Lust' is the plural of du: informal."""
        verdict = classify(make("Habt ihr Lust, am Freitag auf ein Bier zu kommen?"))
        assert verdict.formality is Formality.INFORMAL, verdict.reasons

    def test_first_name_then_comma(self) -> None:
        """'Hi Jana, sorry, ...' greets by first name even when the line goes on."""
        verdict = classify(make("Hi Jana, sorry, ich muss uns eine halbe Stunde schieben."))
        assert verdict.formality is Formality.INFORMAL, verdict.reasons


class TestFeatures:
    """The evidence bench/train.py fits a model on."""

    def test_no_cue(self) -> None:
        """A mail without any meeting cue has no features: nothing to weigh."""
        assert features(make("Please find the invoice for March attached.")) is None

    def test_invitation(self) -> None:
        """A clear proposal carries the hand rule's verdict and its request form."""
        found = features(make("Would you like to grab coffee next week?"))
        assert found is not None
        assert found["hand"] == 1.0
        assert found["how.strong"] == 1.0
        assert found["intent.coffee"] == 1.0

    def test_thread_and_markers(self) -> None:
        """A reply in a thread about lunch, with a joke marker, says so."""
        found = features(make(
            "Haha, how about lunch at noon then?", subject="Re: lunch",
            quoted="Would you like to have lunch on Friday?",
        ))
        assert found is not None
        assert found["reply.subject_meeting"] == 1.0
        assert found["thread.invitation"] == 1.0
        assert found["message.joke"] > 0


class TestRemoteScope:
    """'By e-mail' argues against a meeting only near the proposal."""

    def test_far_from_the_proposal(self) -> None:
        """A footer's 'by e-mail' three sentences later does not cancel a call request."""
        text = ("Could we have a quick call next week about the renovation? "
                "The builders start in May. The budget is agreed. The drawings are nearly done. "
                "Invoices can be sent by e-mail to accounts@example.com.")
        verdict = classify(make(text))
        assert verdict.invitation, verdict.reasons

    def test_next_to_the_proposal(self) -> None:
        """Right after the proposal it does: the sender is happy without a call."""
        text = ("I'd love to pick your brain about the renovation. "
                "No need for a call, just send me your thoughts by e-mail.")
        verdict = classify(make(text))
        assert not verdict.invitation, verdict.reasons


class TestCompounds:
    """German and Norwegian compound meeting words count by their head."""

    @pytest.mark.parametrize(
        ("text", "intent"),
        [
            ("Hast du Lust auf einen Kennenlernkaffee am Montag?", Intent.COFFEE),
            ("Lust auf ein Sommerbier am Freitag?", Intent.DRINKS),
            ("Blir du med på fredagspils etter jobb?", Intent.DRINKS),
            ("Har du tid til en arbeidslunsj på torsdag?", Intent.LUNCH),
        ],
    )
    def test_compound_is_the_meeting_word(self, text: str, intent: Intent) -> None:
        """'Kennenlernkaffee' is a coffee, 'fredagspils' drinks: no list holds them all."""
        verdict = classify(make(text))
        assert verdict.invitation, verdict.reasons
        assert verdict.intent is intent

    @pytest.mark.parametrize("word", ["interessen", "bier", "frühstück", "recall"])
    def test_not_a_compound(self, word: str) -> None:
        """A head alone, or a word merely ending in letters of one, is no compound."""
        assert all(c.head_of(word) is None for c in load_lexicon().compounds.values())

    def test_user_heads(self, tmp_path: Path) -> None:
        """A user's de.toml may add heads; they are added to the packaged ones."""
        (tmp_path / "de.toml").write_text('[compounds]\n"activity.coffee" = ["espresso"]\n')
        lexicon = load_lexicon(tmp_path)
        assert lexicon.compounds["de"].head_of("doppelespresso") == "espresso"
        assert lexicon.compounds["de"].head_of("kennenlernkaffee") == "kaffee"

    def test_user_heads_must_name_a_meeting(self, tmp_path: Path) -> None:
        """Only activity families may have compound heads."""
        (tmp_path / "de.toml").write_text('[compounds]\n"negative.past" = ["dank"]\n')
        with pytest.raises(ConfigError, match="compounds"):
            load_lexicon(tmp_path)


class TestQuestionAfterADash:
    """A short meeting-word question after a dash is a proposal, however long the news before
    it; after a colon, or with a list after the dash, it is not."""

    @pytest.mark.parametrize(
        ("text", "invitation"),
        [
            ("Bin ab Montag wieder im Lande \u2013 Feierabendbier am Mittwoch?", True),
            ("I am back in London from next week - drinks on Thursday?", True),
            ("Er i Oslo hele neste uke \u2014 lunsj på torsdag?", True),
            ("The menu for the offsite is attached: lunch, coffee and cake?", False),
            ("The menu for the offsite is attached - lunch, coffee and cake?", False),
            ("The menu for the offsite is attached, lunch, coffee and cake?", False),
        ],
    )
    def test_dash(self, text: str, invitation: bool) -> None:
        verdict = classify(make(text))
        assert verdict.invitation is invitation, verdict.reasons
