"""Splitting a text into new text, quoted history and signature, in en, de and nb."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from responder import quoting
from responder.quoting import MARKERS, Split, split_text


def lines(*parts: str) -> str:
    return "\n".join(parts) + "\n"


class TestAttribution:
    """Attribution lines and the ``>`` quotes below them are history."""

    @pytest.mark.parametrize(
        "attribution",
        [
            "On Mon, Mar 11, 2024 at 4:02 PM Anna Berg <anna@example.com> wrote:",  # Gmail
            "On 11 Mar 2024, at 16:02, Anna Berg <anna@example.com> wrote:",  # Apple Mail
            "On 3/11/24 4:02 PM, Anna Berg wrote:",  # Thunderbird
            "Am Mo., 11. März 2024 um 16:02 Uhr schrieb Anna Berg <anna@example.com>:",
            "Am 11.03.2024 um 16:02 schrieb Anna Berg <anna@example.com>:",  # Apple Mail de
            "Anna Berg <anna@example.com> schrieb am 11.03.2024 16:02:",
            "Den man. 11. mar. 2024 kl. 16:02 skrev Anna Berg <anna@example.com>:",  # Gmail nb
            "11. mar. 2024 kl. 16:02 skrev Anna Berg <anna@example.com>:",  # Apple Mail nb
            "Den 11.03.2024 16:02, skrev Anna Berg:",  # Thunderbird nb
        ],
    )
    def test_top_posted(self, attribution: str) -> None:
        """A reply above an attribution and its quote keeps only the reply as new text."""
        text = lines("Lunch on Friday works.", "", attribution, "> Lunch this week?", "> Anna")
        assert split_text(text) == Split(
            "Lunch on Friday works.", f"{attribution}\n> Lunch this week?\n> Anna", ""
        )

    def test_wrapped_over_two_lines(self) -> None:
        """Gmail wraps long attributions; both lines are history."""
        text = lines(
            "Sure, Thursday.",
            "",
            "On Mon, Mar 11, 2024 at 4:02 PM Bjørn Sæther <bjorn.saether@example.com>",
            "wrote:",
            "",
            "> Coffee next week?",
        )
        split = split_text(text)
        assert split.new_text == "Sure, Thursday."
        assert split.quoted_text.startswith("On Mon, Mar 11")
        assert "wrote:" in split.quoted_text

    def test_wrapped_german(self) -> None:
        """A German attribution wrapped after the name is recognised too."""
        text = lines("Gern!", "Am 11.03.24 um 16:02 schrieb Hans", "Schmidt:", "> Kaffee?")
        assert split_text(text).new_text == "Gern!"

    def test_history_without_quote_marks(self) -> None:
        """A dated attribution ends the new text even if the history below is not quoted."""
        text = lines("Yes, let's.", "", "On Mon, 11 Mar 2024 Tom wrote:", "", "Lunch Friday?")
        split = split_text(text)
        assert split.new_text == "Yes, let's."
        assert split.quoted_text.endswith("Lunch Friday?")

    def test_undated_wrote_is_text(self) -> None:
        """"On second thought, here is what I wrote:" without a quote below is the sender's."""
        text = lines("On second thought, here is what I wrote:", "Lunch on Friday at 12?")
        assert split_text(text).new_text == text.strip()

    def test_weak_attribution_with_quote(self) -> None:
        """"Tom wrote:" followed by ``>`` lines is history."""
        split = split_text(lines("Agreed.", "", "Tom wrote:", "> Lunch?"))
        assert split == Split("Agreed.", "Tom wrote:\n> Lunch?", "")


class TestInlineAndBottomPosting:
    """Replies below or between quotes keep every line the sender wrote."""

    def test_interleaved(self) -> None:
        """Unquoted lines between ``>`` blocks are all new text."""
        text = lines(
            "Am 11.03.24 um 16:02 schrieb Anna Berg:",
            "> Kaffee am Dienstag?",
            "",
            "Ja, gern.",
            "",
            "> Oder Mittagessen?",
            "",
            "Lieber Kaffee.",
        )
        split = split_text(text)
        assert split.new_text == "Ja, gern.\n\n\nLieber Kaffee."
        assert split.quoted_text == (
            "Am 11.03.24 um 16:02 schrieb Anna Berg:\n> Kaffee am Dienstag?\n> Oder Mittagessen?"
        )

    def test_attribution_at_top_with_odd_markers(self) -> None:
        """An attribution at the very top does not swallow the reply below odd quote marks."""
        text = lines("On Mon, 23 Sep 2002, Russell wrote:", "", "|> Lunch?", "", "Yes, noon.")
        assert split_text(text).new_text == "|> Lunch?\n\nYes, noon."

    def test_outlook_express_bottom_post(self) -> None:
        """An "Original Message" head at the top followed by ``>`` quotes is not the end."""
        text = lines(
            "----- Original Message -----",
            "From: <tom@example.com>",
            "",
            "> Dinner on Friday?",
            "Sounds good, 7pm?",
        )
        split = split_text(text)
        assert split.new_text == "Sounds good, 7pm?"
        assert split.quoted_text.splitlines()[-1] == "> Dinner on Friday?"

    def test_mbox_from_escape(self) -> None:
        """A lone ">From " line is an mbox writer's escape of body text, not a quote."""
        text = lines("Lunch?", ">From what I hear the new place is good.", "Tom")
        assert split_text(text).new_text == text.strip()


class TestHeaderBlocks:
    """Outlook and Lotus Notes quote history under a block of header lines."""

    @pytest.mark.parametrize(
        "block",
        [
            ("From: Anna Berg <anna@example.com>", "Sent: Monday, March 11, 2024 4:02 PM",
             "To: Tom Hughes", "Subject: Lunch"),
            ("Von: Anna Berg <anna@example.com>", "Gesendet: Montag, 11. März 2024 16:02",
             "An: Hans Schmidt", "Betreff: Mittagessen"),
            ("Fra: Anna Berg <anna@example.com>", "Sendt: mandag 11. mars 2024 16:02",
             "Til: Kari Nordmann", "Emne: Lunsj"),
            ("*From:* Anna Berg <anna@example.com>", "*Date:* Monday, March 11, 2024",
             "*To:* Tom", "*Subject:* Lunch"),
        ],
    )  # fmt: skip
    def test_outlook(self, block: tuple[str, ...]) -> None:
        """A From/Von/Fra line followed by Sent/Gesendet/Sendt, To/An/Til ... ends the text."""
        text = lines("Happy to meet.", "", "________________________________", *block, "", "Hi")
        split = split_text(text)
        assert split.new_text == "Happy to meet."
        assert split.quoted_text.startswith("________________________________\n")
        assert split.quoted_text.endswith("\nHi")

    @pytest.mark.parametrize(
        "separator",
        [
            "-----Original Message-----",
            "-----Ursprüngliche Nachricht-----",
            "-----Opprinnelig melding-----",
            "---------- Forwarded message ---------",
            "---------- Weitergeleitete Nachricht ----------",
            "-------- Videresendt melding --------",
            "Begin forwarded message:",
            "Anfang der weitergeleiteten Nachricht:",
            "Start på videresendt melding:",
            "---------------------- Forwarded by Eric Bass/HOU/ECT on 03/08/2001 11:33 AM ---",
        ],
    )
    def test_separators(self, separator: str) -> None:
        """Reply and forward separators in en/de/nb end the new text."""
        text = lines("See below - coffee?", "", separator, "From: x@example.com", "Old text")
        split = split_text(text)
        assert split.new_text == "See below - coffee?"
        assert split.quoted_text.startswith(separator)

    def test_lotus_notes_reply(self) -> None:
        """"Name <addr> on DATE" and "Please respond to" above To/cc/Subject are history."""
        text = lines(
            "Dinner sounds great.",
            "",
            '"K. Bass" <kb@example.com> on 08/11/2000 12:10:07 PM',
            'Please respond to "K. Bass" <kb@example.com>',
            "To: Eric Bass <eric@example.com>",
            "cc:",
            "Subject: Re: News",
            "",
            "Dinner tomorrow?",
        )
        split = split_text(text)
        assert split.new_text == "Dinner sounds great."
        assert split.quoted_text.startswith('"K. Bass"')

    def test_lotus_notes_name_at_domain(self) -> None:
        """"Name@DOMAIN" and a date line above an indented To/cc/Subject block are history."""
        text = lines(
            "Let's get together Monday.",
            "",
            "\tMark Greenberg@ENRON",
            "\t10/13/2000 03:49 PM",
            "\t\t ",
            "\t\t To: Bryan Powell/HOU/ECT@ECT",
            "\t\t cc: Mark E Haedicke/HOU/ECT@ECT",
            "\t\t Subject: Intraweb",
            "",
            "Bryan - ...",
        )
        split = split_text(text)
        assert split.new_text == "Let's get together Monday."
        assert split.quoted_text.startswith("\tMark Greenberg@ENRON")

    def test_lone_header_words_are_text(self) -> None:
        """A single "From:" or "Subject:" line in the text is no header block."""
        text = lines("From: the Oslo office, with love.", "Subject: lunch on Friday?", "Kari")
        assert split_text(text).new_text == text.strip()

    def test_to_line_alone_is_text(self) -> None:
        """A "To:" line without a Subject below is not a Notes block."""
        text = lines("To: everyone who wants lunch", "cc: the team", "Friday at 12!")
        assert split_text(text).new_text == text.strip()


class TestSignature:
    """Signatures: the ``-- `` delimiter, mobile footers and legal disclaimers."""

    def test_delimiter(self) -> None:
        """Everything from the "-- " line on is the signature."""
        split = split_text(lines("Coffee?", "", "-- ", "Tom Hughes", "Northwind"))
        assert split == Split("Coffee?", "", "-- \nTom Hughes\nNorthwind")

    def test_delimiter_first_line_kept(self) -> None:
        """A "-- " line with nothing above it does not turn the whole text into signature."""
        text = lines("-- ", "Lunch tomorrow?")
        assert split_text(text).new_text == text.strip()

    def test_bare_dashes_with_long_tail(self) -> None:
        """"--" without the space counts only above a short tail."""
        tail = [f"line {i}" for i in range(15)]
        assert split_text(lines("Hi", "--", *tail)).signature == ""
        assert split_text(lines("Hi", "--", "Tom")).signature == "--\nTom"

    @pytest.mark.parametrize(
        "footer",
        [
            "Sent from my iPhone",
            "Sent from my BlackBerry Wireless Handheld (www.BlackBerry.net)",
            "Get Outlook for Android",
            "Von meinem iPhone gesendet",
            "Gesendet von meinem Samsung Galaxy Smartphone.",
            "Sendt fra min iPhone",
            "Sendt fra Outlook for iOS",
        ],
    )
    def test_mobile_footer(self, footer: str) -> None:
        """Mobile footers (en/de/nb) near the end are signature."""
        split = split_text(lines("Lunch at 12?", "", footer))
        assert split == Split("Lunch at 12?", "", footer)

    def test_mobile_footer_far_from_end_is_text(self) -> None:
        """A footer phrase followed by a long text is part of what the sender wrote."""
        body = [f"Point {i} about lunch." for i in range(10)]
        text = lines("Sent from my iPhone", *body)
        assert split_text(text).signature == ""

    @pytest.mark.parametrize(
        "disclaimer",
        [
            "This e-mail is confidential and intended only for the addressee. If you received "
            "this in error, please notify the sender.",
            "CONFIDENTIALITY NOTICE: The information in this message is intended solely for "
            "the recipient.",
            "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige "
            "Empfänger sind, informieren Sie bitte den Absender.",
            "Denne e-posten er konfidensiell og kun ment for mottakeren. Har du mottatt den "
            "ved en feil, slett den.",
        ],
    )
    def test_disclaimer(self, disclaimer: str) -> None:
        """A legal disclaimer paragraph at the end (en/de/nb) is signature."""
        split = split_text(lines("Lunch on Friday?", "", "Tom", "", disclaimer))
        assert split.new_text == "Lunch on Friday?\n\nTom"
        assert split.signature == disclaimer

    def test_disclaimer_below_rule(self) -> None:
        """A rule of stars above a disclaimer goes with it."""
        text = lines("Lunch?", "*" * 30, "This e-mail is the property of Enron Corp. and may "
                     "contain confidential material for the sole use of the intended recipient.")
        assert split_text(text).signature.startswith("*" * 30)

    def test_confidential_news_is_text(self) -> None:
        """A first paragraph about something confidential is the sender's own words."""
        text = lines("This email is confidential: I am leaving. Lunch before I go?", "", "Tom")
        assert split_text(text).new_text == text.strip()

    def test_confidential_without_legal_words(self) -> None:
        """A later "this message is confidential" remark without legal wording stays."""
        text = lines("Hi Tom,", "", "This message is confidential, so: lunch on Monday?", "Anna")
        assert split_text(text).signature == ""


class TestMarkers:
    """The lexical markers are data, one table for every language."""

    def test_languages(self) -> None:
        """Every marker kind covers English, German and Norwegian bokmål where it applies."""
        for kind in ("attribution", "separator", "header_from", "mobile_footer", "disclaimer"):
            assert set(MARKERS[kind]) == {"en", "de", "nb"}, kind

    def test_all_compile(self) -> None:
        """Every marker is a valid regular expression."""
        for kinds in MARKERS.values():
            for patterns in kinds.values():
                for pattern in patterns:
                    re.compile(pattern)

    def test_crlf(self) -> None:
        """CRLF line ends split the same as LF."""
        text = "Lunch?\r\n\r\nOn Mon, 11 Mar 2024 Tom wrote:\r\n> Hi\r\n"
        assert split_text(text) == Split("Lunch?", "On Mon, 11 Mar 2024 Tom wrote:\n> Hi", "")

    def test_empty(self) -> None:
        """An empty text splits into three empty parts."""
        assert split_text("") == Split("", "", "")


class TestCandidateScan:
    """The fast line scan (possessive quantifiers) finds exactly the lines its plain
    backtracking form finds."""

    PLAIN = re.compile(
        "\n[ \t]*(?:>|[-_*=~]{2}|[*_]{0,2}[A-Za-z\u0130\u0131\u017f\u212a-]{2,10}[*_]{0,2}[ \t]*:"
        "|(?i:Weitergeleitete|Videresendt)\\b)",
    )

    @settings(max_examples=400, deadline=None)
    @given(
        st.lists(
            st.text(
                alphabet=st.sampled_from(list("aZ-_*=~>: \tWeitrgVdsn\u0130\u017f\u212a")),
                max_size=16,
            ),
            max_size=8,
        )
    )
    def test_same_lines(self, rows: list[str]) -> None:
        """Random lines of the scan's own characters: the same matches either way."""
        padded = "\n" + "\n".join(rows) + "\n"
        fast = [m.span() for m in quoting._CANDIDATE_START.finditer(padded)]
        assert fast == [m.span() for m in self.PLAIN.finditer(padded)]
