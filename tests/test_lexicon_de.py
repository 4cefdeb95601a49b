"""German cue families, enumerated by grammar rather than collected from one set's errors.

Each family gets sentences written for it (Germany, Austria, Switzerland; Sie, du and ihr)
and near misses that share its words but are no new invitation. Most positives were missed
by the lexicon before these families were extended.
"""

from __future__ import annotations

import pytest

from responder.classify import classify
from responder.model import Intent
from responder.parse import parse_message
from tests.test_classify import make


def _invites(text: str) -> bool:
    verdict = classify(make(text))
    assert verdict.language == "de", verdict.reasons
    return verdict.invitation


class TestRequestForms:
    """Modal and conditional questions, let's forms, suggestions, wishes, indirect questions,
    offers and imperatives ask for the reader's time when a meeting word stands with them."""

    @pytest.mark.parametrize(
        "text",
        [
            # modal and conditional questions: Sie, du, ihr
            "Hätten Sie nächste Woche Gelegenheit zu einem kurzen Austausch?",
            "Wären Sie offen für ein unverbindliches Kennenlernen per Video?",
            "Habt ihr am Samstag Zeit für ein gemeinsames Frühstück?",
            "Dürfte ich Sie zu einem Mittagessen einladen, wenn Sie in Zürich sind?",
            "Wäre es für Sie in Ordnung, wenn ich Sie morgen kurz anrufe?",
            "Sehr geehrte Frau Yilmaz, wäre ein kurzer Austausch per Teams in den nächsten "
            "Tagen möglich?",
            # let's forms and suggestions
            "Komm, wir gehen nächste Woche mal zusammen Mittag essen!",
            "Man könnte sich ja mal auf ein Glas Wein zusammensetzen.",
            "Was hältst du von einem Spaziergang am Sonntag, dann können wir in Ruhe reden?",
            "Lass uns doch nächste Woche mal zusammen Mittagspause machen.",
            # wishes with the verb split from its joy
            "Ich würde mich sehr über ein persönliches Gespräch mit Ihnen freuen.",
            # indirect questions
            "Ich wollte fragen, ob wir nächste Woche mal kurz skypen können.",
            "Ich wollte mal fragen, ob du Lust auf einen Spieleabend hast.",
            # offers to come, to treat
            "Ich komme auch gerne bei Ihnen im Büro vorbei, falls Ihnen das lieber ist.",
            "Falls Sie mal in Hamburg sind, melden Sie sich gern \N{EN DASH} ich lade Sie auf ein "
            "Fischbrötchen ein.",
            # imperatives
            "Ruf mich doch einfach mal an, dann können wir das klären.",
            "Melden Sie sich gern, wann Ihnen ein kurzes Telefonat passen würde.",
        ],
    )
    def test_asks(self, text: str) -> None:
        assert _invites(text)

    @pytest.mark.parametrize(
        "text",
        [
            # 'call me' closing a business mail is an offer of help, not an invitation
            "Bei Fragen rufen Sie mich gerne an.",
            "Rufen Sie mich gerne an, falls Sie Fragen haben.",
            "Ruf mich einfach an, wenn was ist.",
            # the same modal forms without a meeting
            "Wären Sie offen für eine Anpassung des Angebots?",
            "Ich wollte nachfragen, ob Sie die Rechnung erhalten haben.",
            "Dürfte ich Sie bitten, das Formular bis Freitag zurückzuschicken?",
        ],
    )
    def test_near_misses(self, text: str) -> None:
        assert not _invites(text)


class TestAvailability:
    """Asking when the reader has time, with the pronoun between the verb and its object."""

    @pytest.mark.parametrize(
        "text",
        [
            "Welcher Tag würde Ihnen für ein Treffen am besten passen?",
            "Wann hätten Sie denn mal Zeit für ein Gespräch?",
            "Hast du nächste Woche ein halbes Stündchen für mich? Ich bräuchte mal deinen Rat.",
            "Passt es Ihnen am Montag um 9 Uhr für ein kurzes Telefonat?",
            "Wir würden Sie gerne persönlich kennenlernen \N{EN DASH} wann passt es Ihnen?",
        ],
    )
    def test_asks_for_time(self, text: str) -> None:
        assert _invites(text)

    def test_asking_when_a_delivery_suits_is_not_a_meeting(self) -> None:
        assert not _invites("Wann würde Ihnen die Lieferung der Ersatzteile passen?")


class TestMeetingWords:
    """Calls and video, visits, food and drink in every region, outings, advice, catching up."""

    @pytest.mark.parametrize(
        ("text", "intent"),
        [
            # calls and video: verbs, separable and inflected forms
            ("Könnten wir uns in den kommenden Tagen einmal zusammentelefonieren?", Intent.CALL),
            ("Kannst du mich heute Abend kurz zurückrufen?", Intent.CALL),
            ("Sollen wir uns morgen kurz per Zoom kurzschließen?", Intent.CALL),
            # visits
            ("Kommt doch am Freitag auf ein Glas Wein bei uns vorbei!", Intent.DRINKS),
            ("Hättest du Zeit, am Donnerstag auf einen Kaffee vorbeizukommen?", Intent.COFFEE),
            # food and drink, regional and colloquial
            ("Sollen wir mal wieder zusammen brunchen gehen?", Intent.LUNCH),
            ("Lust auf ein Znüni am Freitag?", Intent.LUNCH),
            ("Wollen wir uns nächste Woche auf ein Achtel treffen?", Intent.DRINKS),
            ("Servus Toni, gemma nächste Woche auf ein Bier? Ich zahl.", Intent.DRINKS),
            ("Moin Jan, hast du Bock, nach Feierabend noch eins trinken zu gehen?",
             Intent.DRINKS),
            ("Hallo Sabine, magst du am Samstag zu uns zum Grillen kommen?", Intent.MEETING),
            ("Hätten Sie Lust, nächste Woche mit mir zum Italiener zu gehen?", Intent.LUNCH),
            # outings
            ("Was meinst du, Kino am Sonntag?", Intent.MEETING),
            ("Hättest du Lust, mit mir am Samstag wandern zu gehen?", Intent.MEETING),
        ],
    )
    def test_meeting_word(self, text: str, intent: Intent) -> None:
        verdict = classify(make(text))
        assert verdict.invitation, verdict.reasons
        assert verdict.intent is intent

    @pytest.mark.parametrize(
        "text",
        [
            "Ich würde gern mal Ihren Erfahrungsschatz anzapfen \N{EN DASH} hätten Sie Zeit "
            "für ein Telefonat?",
            "Hätten Sie Lust auf einen Erfahrungsaustausch bei einem Kaffee?",
            "Wie wäre es mal wieder mit einem Plausch bei mir? Ist schon ewig her.",
        ],
    )
    def test_advice_and_catching_up(self, text: str) -> None:
        assert _invites(text)

    @pytest.mark.parametrize(
        "text",
        [
            "Der Kaffee in der neuen Kantine schmeckt übrigens hervorragend.",
            "Ich habe heute Mittag mit Thomas Kaffee getrunken, er lässt grüßen.",
            "Wir waren am Wochenende wandern, das Wetter war herrlich.",
            "Die Telefonkonferenz mit dem Vorstand ist auf Montag gelegt.",
        ],
    )
    def test_words_without_a_request(self, text: str) -> None:
        assert not _invites(text)


class TestColloquialForms:
    """Southern questions without a pronoun, contracted articles, inverted wishes and
    invitations home or to a party, as friends write them."""

    @pytest.mark.parametrize(
        "text",
        [
            "Servus Michi, magst am Wochenende auf a Radler vorbeischauen?",
            "Hallo Chris, ich bin morgen zufällig in deiner Ecke. Kurz auf nen Espresso?",
            "Hallo Stefan, ich hab gehört, du bist jetzt auch in der Gastro. Lass uns mal "
            "austauschen, ich geb einen aus!",
            "Lieber Herr Novak, falls Sie Ende April in Salzburg sind, würde ich mich über ein "
            "Treffen sehr freuen.",
            "Liebe Frau Dr. Hahn, es wäre mir eine große Freude, Sie bei Ihrem nächsten Besuch "
            "in Wien auf ein Abendessen einzuladen.",
            "Lieber Tobias, ich würde dich gern zu meinem 40. Geburtstag am Samstag zu uns nach "
            "Hause einladen.",
        ],
    )
    def test_asks(self, text: str) -> None:
        assert _invites(text)

    @pytest.mark.parametrize(
        "text",
        [
            "Magst du mir die Datei nochmal schicken?",
            "Hallo Peter, kannst du bitte für das Teammeeting morgen früh Brötchen und Kaffee "
            "besorgen?",
            "Alles Gute zu deinem Geburtstag, lass dich feiern!",
        ],
    )
    def test_near_misses(self, text: str) -> None:
        assert not _invites(text)


class TestNegatives:
    """Thanks for a past meeting, an agreed meeting, its move or cancellation, a decline,
    third parties and event registration look like invitations and are none."""

    @pytest.mark.parametrize(
        "text",
        [
            # past
            "Danke nochmal für den tollen Abend gestern, das Essen war super!",
            "Vielen Dank für das angenehme Telefonat heute Vormittag.",
            # agreed: acceptance, link, booking
            "Gerne, Donnerstag um 12 Uhr passt mir gut. Bis dann!",
            "Hier der Link zum Teams-Meeting morgen: bitte pünktlich einwählen.",
            "Der Tisch ist für 19 Uhr auf meinen Namen reserviert.",
            # moved or cancelled
            "Können wir den Call von 14 auf 15 Uhr verlegen?",
            "Können wir das Meeting morgen online statt vor Ort machen? Der Zug fällt aus.",
            "Unser Treffen am Freitag muss leider ausfallen.",
            # declined
            "Ich muss unser Mittagessen am Freitag leider absagen, mir ist etwas "
            "dazwischengekommen.",
            "Ich schaffe es heute nicht mehr zum Kaffee, sorry!",
            # third parties
            "Anna und Peter treffen sich nächste Woche zum Mittagessen.",
            "Herr Schmidt trifft sich am Montag mit dem Kunden in Frankfurt.",
            # event registration
            "Melden Sie sich jetzt zu unserem Frühjahrsforum an \N{EN DASH} Kaffee und Kuchen "
            "inklusive.",
            "Wir laden Sie herzlich zu unserem Sommerfest am 5. Juli ein. Anmeldung bis 20. Juni.",
            # errands
            "Bitte kauf auf dem Heimweg noch Kaffee und Milch.",
        ],
    )
    def test_not_an_invitation(self, text: str) -> None:
        assert not _invites(text)

    def test_fair_named_in_a_personal_invitation(self) -> None:
        """Venue words are not event markers: people name the fair where they met."""
        assert _invites(
            "Wir haben uns auf der Messe in Köln kurz gesprochen. Hätten Sie Lust, das bei "
            "einem Kaffee zu vertiefen?"
        )


_SWISS_MAIL = (
    b"From: Reto Baumann <reto@treuhand-baumann.ch>\r\n"
    b"To: Jonas Weber <jonas@weber.example>\r\n"
    b"Subject: =?iso-8859-1?q?Kurzer_Austausch_zu_Ihrem_Vortrag?=\r\n"
    b"Date: Tue, 10 Mar 2026 09:12:00 +0100\r\n"
    b"Message-ID: <r1@treuhand-baumann.ch>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=iso-8859-1\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Gr=FCezi Herr Weber\r\n"
    b"\r\n"
    b"Ihr Referat in Luzern hat mich sehr angesprochen. Ich bin Ende M=E4rz in Basel -\r\n"
    b"w=E4re ein kurzer Kaffee oder ein Ap=E9ro drin? Es w=E4re grossartig, Sie\r\n"
    b"pers=F6nlich kennenzulernen.\r\n"
    b"\r\n"
    b"Freundliche Gr=FCsse\r\n"
    b"Reto Baumann\r\n"
)


def test_swiss_mail_through_the_parser() -> None:
    """A Latin-1, quoted-printable Swiss mail (ss for ß, 'Apéro') is read and detected."""
    verdict = classify(parse_message(_SWISS_MAIL))
    assert verdict.invitation, verdict.reasons
    assert verdict.language == "de"
    assert verdict.intent in (Intent.COFFEE, Intent.DRINKS)
