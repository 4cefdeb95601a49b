"""Language detection as a specification: Scandinavian standards kept apart, priors for
short texts, ISO 639-1 codes out."""

from __future__ import annotations

import pytest

from responder import language
from responder.language import LanguageHints, detect_language, vote


class TestDetectLanguage:
    """Each language of the mail is reported by its ISO 639-1 code."""

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("Hi John, any chance you're free Thursday for a quick coffee? Would love to "
             "pick your brain.", "en"),
            ("Hallo Frau Müller, hätten Sie nächste Woche 30 Minuten für ein kurzes "
             "Kennenlernen? Viele Grüße", "de"),
            ("Hei Lars, har du tid til en kaffe neste uke? Jeg har en kunde som trenger "
             "hjelp med regnskapet.", "nb"),
            ("Eg lurer på om du har tid til ein kaffi neste veke? Me kan møtast på kafeen, "
             "eg er ikkje så oppteken.", "nn"),
            ("Hej Lars, har du tid til en kop kaffe i næste uge? Jeg vil gerne høre hvad du "
             "laver for tiden.", "da"),
            ("Hej, har du tid för en fika nästa vecka? Jag skulle vilja prata om projektet "
             "och höra vad du tycker.", "sv"),
            ("Bonjour Marie, est-ce que vous avez le temps pour un café la semaine prochaine? "
             "Merci beaucoup.", "fr"),
        ],
    )
    def test_language(self, text: str, code: str) -> None:
        """The mail's language, including nynorsk apart from bokmål."""
        assert detect_language(text).code == code

    @pytest.mark.parametrize(
        "text",
        [
            "Hej Lars, har du tid til en kop kaffe i næste uge? Jeg vil gerne høre hvad du laver.",
            "Hej, har du tid för en fika nästa vecka? Jag skulle vilja prata om projektet.",
        ],
    )
    def test_danish_and_swedish_are_not_bokmal(self, text: str) -> None:
        """Danish and Swedish are never reported as bokmål."""
        assert detect_language(text).code not in ("nb", "no")

    def test_danish_stays_danish_under_a_norwegian_prior(self) -> None:
        """A .no sender writing clear Danish is still Danish."""
        text = "Hej Lars, har du tid til en kop kaffe i næste uge? Jeg vil gerne høre hvad du."
        assert detect_language(text, hints=LanguageHints(domain_tld="no")).code == "da"


class TestPriors:
    """Short texts lean on the thread's language and the sender's domain."""

    def test_short_text_uses_the_tld(self) -> None:
        """"Lunsj?" from a .no sender is bokmål."""
        guess = detect_language("Lunsj?", hints=LanguageHints(domain_tld="no"))
        assert guess.code == "nb"

    def test_short_text_uses_the_previous_language(self) -> None:
        """The thread's last language wins over the TLD for a one-word reply."""
        hints = LanguageHints(previous_language="de", domain_tld="no")
        assert detect_language("Ok!", hints=hints).code == "de"

    def test_no_text_and_no_prior_is_undetermined(self) -> None:
        """Nothing to go on gives "und" with zero confidence."""
        guess = detect_language("")
        assert guess.code == "und"
        assert guess.confidence == 0.0

    def test_subject_helps(self) -> None:
        """The subject is read with the body."""
        assert detect_language("Passer 11.30?", subject="Lunsj i morgen?").code in ("nb", "nn")


class TestVote:
    """The cheap function-word vote that settles most mail without lingua."""

    def test_distinct_nynorsk_words_count_double(self) -> None:
        """"ikkje" belongs to nynorsk only and counts 2; "og" is shared and counts 1 each."""
        counts = vote("ikkje og")
        assert counts["nn"] == 3
        assert counts["nb"] == 1

    def test_reason_names_the_method(self) -> None:
        """A clear English text is settled by words, and the reason says so."""
        guess = detect_language("Would you like to have lunch with me next week? Let me know.")
        assert guess.code == "en"
        assert "words" in guess.reason


class TestScandinavianDecisions:
    """Short Scandinavian texts: lingua's pick must be backed by the words."""

    def test_short_norwegian_without_nynorsk_words_is_bokmal(self) -> None:
        """No word only nynorsk has: bokmål, the far more common standard."""
        guess = detect_language("Vedlagt finner du fakturaen for mars.",
                                hints=LanguageHints(domain_tld="no"))
        assert guess.code == "nb"

    def test_sender_country_breaks_a_scandinavian_tie(self) -> None:
        """A short question from a .no sender with words shared by all three is bokmål."""
        guess = detect_language("Kan vi ta en kort telefon i morgen?",
                                hints=LanguageHints(domain_tld="no"))
        assert guess.code == "nb"

    def test_nynorsk_words_keep_nynorsk(self) -> None:
        """Words only nynorsk has ("eg", "ikkje", "kva") keep it nynorsk under a .no prior."""
        text = "Eg lurer på om du har tid til ein kaffi, eg er ikkje så oppteken i veka."
        assert detect_language(text, hints=LanguageHints(domain_tld="no")).code == "nn"


class TestCheapPath:
    """Most mail is settled without lingua."""

    def test_short_plain_english(self) -> None:
        """A few English function words and no umlauts: English, by words."""
        guess = detect_language("Is Thursday good for you?")
        assert guess.code == "en"
        assert "lingua" not in guess.reason and "words" in guess.reason

    def test_vote_counts_each_word_once(self) -> None:
        """A repeated function word is one vote: "the the the" is no stronger than "the"."""
        assert vote("the the the")["en"] == vote("the")["en"] == 1


class TestScandinavianLead:
    """A Scandinavian vote with a clear lead needs no lingua; a close one still does."""

    TEXT = (
        "Leverandøren har bekreftet leveransen i slutten av måneden. Takk for tallene du "
        "sendte i går. Vedlagt er den reviderte versjonen av rapporten. Gi beskjed hvis noe "
        "i kontrakten er uklart, så tar vi det på møtet neste uke."
    )

    def test_clear_lead_is_settled_by_words(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Bokmål words well ahead of Danish and nynorsk decide without lingua (which reads
        this very text as Danish)."""
        monkeypatch.setattr(language, "lingua_scores", _no_lingua)
        guess = detect_language(self.TEXT)
        assert guess.code == "nb" and "clear lead" in guess.reason

    def test_close_vote_goes_to_lingua(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Words that bokmål and Danish share equally are left to lingua."""
        asked: list[str] = []
        monkeypatch.setattr(language, "lingua_scores", lambda t: asked.append(t) or {"da": 1.0})
        detect_language("Vi ses i morgen, har du tid til en kop kaffe?")
        assert asked

    def test_scandinavian_prior_of_another_standard_keeps_lingua(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A .dk sender writing bokmål words: the prior and lingua still get their say."""
        asked: list[str] = []
        monkeypatch.setattr(language, "lingua_scores", lambda t: asked.append(t) or {"nb": 1.0})
        detect_language(self.TEXT, hints=LanguageHints(domain_tld="dk"))
        assert asked


def _no_lingua(text: str) -> dict[str, float]:
    raise AssertionError("lingua was asked")
