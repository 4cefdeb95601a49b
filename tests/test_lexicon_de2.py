"""German cue families, round 4: phrasings the earlier German tests leave out.

Written from the grammar of asking for time (Germany, Austria, Switzerland; Sie, du, ihr;
trades, family, learners of German, phone shorthand, an ask in a P.S. or the subject), not
from any labelled set's errors. Four probe batches (150 asks, 85 look-alikes) were written
before their families were extended: the lexicon before this round found 118 of the asks and
82 of the look-alikes. Near misses that share the new words (the canteen closed, 'Bist du
heute zuhause?' before a parcel, 'Wenn du magst' before photos) keep each entry honest.
"""

from __future__ import annotations

import pytest

from responder.classify import classify
from tests.test_classify import make


def _invites(text: str, subject: str = "") -> bool:
    verdict = classify(make(text, subject=subject))
    assert verdict.language == "de", verdict.reasons
    return verdict.invitation


class TestRequestForms:
    """Modal wishes with words between, formal asks for a possibility, indirect questions
    with an adverb, offers with the verb first, learners' word order."""

    @pytest.mark.parametrize(
        "text",
        [
            "Ich würde Sie sehr gerne einmal persönlich kennenlernen und von Ihrer Arbeit hören.",
            "Ich wollte mal vorsichtig anfragen, ob Sie für ein kurzes Gespräch über eine "
            "mögliche Zusammenarbeit offen wären.",
            "Wenn Sie möchten, komme ich am Dienstag gern mit den Mustern bei Ihnen in der "
            "Werkstatt vorbei.",
            "Bist du am Dienstagabend zuhause? Dann würde ich kurz vorbeischauen.",
            "Ruf mich gern heute Nachmittag an, dann besprechen wir das kurz.",
            "Ich möchte mit Ihnen treffen für eine Gespräch über Kooperation, wann ist gut für "
            "Sie?",
            "Gäbe es die Möglichkeit, dass wir uns im März auf einen Kaffee in Ihrer Nähe "
            "treffen?",
            "Schön wär's, wenn wir uns vor Weihnachten noch auf einen Glühwein am Markt sehen.",
            "Wir haben uns kurz auf der Messe gesprochen. Ich würde den Faden gern bei einem "
            "Mittagessen wieder aufnehmen.",
            "Hey, hab gehört du bist wieder in Berlin \N{EN DASH} lass mal treffen!",
            "Sehr verehrte Frau Professor Albrecht, ich erlaube mir anzufragen, ob Sie mich in "
            "Ihrer Sprechstunde empfangen könnten.",
            "Guten Tag, ich bitte um einen Beratungstermin zu unserer Altersvorsorge.",
            "bin in 10 min in der nähe, kaffee?",
            "Würde es Ihnen etwas ausmachen, wenn wir das Thema bei einem kurzen Anruf klären?",
            "Ich fände es schön, wenn wir uns mal persönlich sehen würden.",
            "Ich könnte auch zu Ihnen nach Innsbruck kommen, wenn Ihnen das lieber ist. Welche "
            "Woche passt?",
            "Ich habe nächste Woche zwischen zwei Terminen in Ihrer Gegend etwas Luft \N{EN DASH} "
            "darf ich auf einen Sprung vorbeikommen?",
            "Würde mich sehr freuen, wenn wir uns im Frühjahr mal in Wien sehen.",
        ],
    )
    def test_asks(self, text: str) -> None:
        assert _invites(text)

    @pytest.mark.parametrize(
        "text",
        [
            # the same forms with no meeting, or with no time the reader is asked for
            "Soll ich die Präsentation noch einmal überarbeiten?",
            "Ich hätte gern die Rechnung als PDF.",
            "Gibt es die Möglichkeit, die Rechnung in Raten zu zahlen?",
            "Besteht die Möglichkeit, die Frist um eine Woche zu verlängern?",
            "Ich würde Sie bitten, den Vertrag bis Montag zu unterschreiben.",
            "Wenn du magst, schick ich dir die Fotos vom Ausflug.",
            "Kommen Sie mit dem Auto oder mit der Bahn zu unserem Termin am Dienstag?",
            "Bei Fragen rufen Sie mich gerne an.",
            "Hast du am Samstag schon was vor? Ich bräuchte Hilfe beim Umzug.",
            "Ich würde das Angebot gern noch einmal mit meinem Steuerberater durchgehen.",
            "Ich bin gerade in der Nähe vom Baumarkt, brauchst du noch Schrauben?",
            "Ich bin gerade in der Nähe, bringe dir die Schlüssel gleich vorbei.",
            "Wenn Sie möchten, können Sie die Rechnung auch per Lastschrift zahlen.",
            "Ich würde den Vertrag gern noch einmal prüfen lassen.",
            "Schön wär's, wenn der Zug mal pünktlich wäre.",
            "Lass mal gut sein, ich mach das schon.",
            "Gibt es eine Möglichkeit, das Meeting aufzuzeichnen?",
            "Ich bitte um Verständnis, dass sich die Lieferung verzögert.",
            "Bitte rufen Sie uns unter der 0800-123456 an, um einen Termin beim Kundendienst zu "
            "vereinbaren.",
        ],
    )
    def test_near_misses(self, text: str) -> None:
        assert not _invites(text)


class TestMeetingWords:
    """Festive glasses, the canteen, sport and outings, coming along, regional chat words."""

    @pytest.mark.parametrize(
        "text",
        [
            "Hey Lena, hast du Zeit und Lust, am Samstag mit auf den Flohmarkt zu kommen? "
            "Danach noch nen Kaffee?",
            "Hi Tobi, hast du am Wochenende Bock auf ne Runde Bouldern und danach was essen?",
            "Vielleicht können wir uns ja nächste Woche auf einen Sprung in der Mensa sehen?",
            "Was hältst du von einem Ausflug an den Bodensee am Sonntag?",
            "Servus Franz, gehen wir im November zusammen zum Ganslessen?",
            "Hast du Lust, am Freitag nach der Arbeit ein bisserl zu fachsimpeln, bei einem "
            "Gespritzten?",
            "Kommt ihr mit ins Theater? Wir haben noch zwei Karten für Samstag.",
            "Hallo Herr Schulze, wann könnten Sie bei uns die Küche ausmessen kommen und das "
            "Angebot mit uns durchgehen?",
            "Wir würden uns riesig freuen, wenn ihr zu unserer Gartenparty kommt.",
            "Gerne würden wir Sie zu einem Werksbesuch in Ulm einladen.",
            "Liebe Frau Hagen, wir planen eine kleine Runde mit Gründerinnen aus der Region und "
            "würden Sie gern dabeihaben. Passt Ihnen der 8. Mai abends?",
            "Hey Leute, Lust auf Doppelkopf bei mir am Freitag?",
            "Heast Gerhard, pack ma's am Wochenende auf an Spritzer?",
        ],
    )
    def test_asks(self, text: str) -> None:
        assert _invites(text)

    @pytest.mark.parametrize(
        "text",
        [
            "Die Kantine bleibt am Freitag geschlossen.",
            "Ich war gestern mit Paul joggen, war super.",
            "Danke für den schönen Abend beim Stammtisch!",
            "Der Weihnachtsmarkt öffnet am 25. November, Eintritt frei.",
            "Ich gehe am Samstag mit den Kindern auf den Flohmarkt.",
            "Zum Glühwein am Freitag sind alle Mitarbeitenden herzlich eingeladen.",
            "Unser Team geht am Freitag zum Bowling, Anmeldung bitte bis Mittwoch bei Frau "
            "Kunz.",
            "Die Mensa ist wegen Umbau bis Ende März geschlossen.",
            "Der Kundenbesuch bei der Firma Huber ist auf Mittwoch verschoben.",
            "Danke, dass Sie mich in Ihrer Sprechstunde empfangen haben.",
            "Glühwein und Punsch gibt es am Stand der Feuerwehr, der Erlös geht an die "
            "Jugendarbeit.",
            "Das Ganslessen im Gasthaus Krone ist ausgebucht.",
            "Der Werksbesuch der Schulklasse findet am Dienstag statt.",
            "Wir haben uns gestern zum Spieleabend getroffen, war lustig.",
            "Zur Gartenparty am Samstag: Bitte bringt Salate mit, Getränke sind da.",
        ],
    )
    def test_near_misses(self, text: str) -> None:
        assert not _invites(text)


class TestAvailability:
    """The reader's disposal and whether they have plans ask for time; being at home or in
    the office does not by itself."""

    @pytest.mark.parametrize(
        "text",
        [
            "Stehen Sie in der zweiten Märzhälfte für ein Erstgespräch zur Verfügung?",
            "Vielleicht findet sich ja ein Termin für ein gemeinsames Abendessen im Januar.",
            "Hast du am Samstag schon was vor? Lust auf Kino?",
        ],
    )
    def test_asks(self, text: str) -> None:
        assert _invites(text)

    @pytest.mark.parametrize(
        "text",
        [
            "Bist du heute zuhause? Das Paket kommt gegen Mittag.",
            "Sind Sie morgen im Büro? Dann lege ich Ihnen die Unterlagen ins Fach.",
            # the sender's own availability, the closing of most business mail
            "Für Rückfragen stehe ich Ihnen gern zur Verfügung, ab Montag auch telefonisch.",
        ],
    )
    def test_near_misses(self, text: str) -> None:
        assert not _invites(text)


class TestAgreedAndDeclined:
    """Accepting, signing off and declining in the new words stay no invitation."""

    @pytest.mark.parametrize(
        "text",
        [
            "Wir hören uns dann morgen um 10.",
            "Samstag beim Heurigen? Bin gern dabei, bis dann!",
            "Das Ganslessen am Freitag geht sich leider nicht aus, nächstes Mal gerne.",
            "Ich ruf dich morgen an, wenn ich die Zahlen habe.",
            "Mein Mann und ich gehen heute ins Theater, deshalb bin ich ab 17 Uhr weg.",
            # 'how are you' is no question about a slot; supplies running out are errands
            "Wir haben uns ja schon ewig nicht gesehen \N{EN DASH} wie geht es dir? Schreib mal, "
            "wie es euch geht!",
            "Kaffee ist alle, kann jemand neuen kaufen?",
            # the sender's own other appointment is no slot offered
            "Können wir das Telefonat auf 15 Uhr verschieben? Um 14 Uhr habe ich noch einen "
            "Termin.",
        ],
    )
    def test_not_invitations(self, text: str) -> None:
        assert not _invites(text)


class TestWhereTheAskHides:
    """An ask in a P.S., only in the subject, or in phone shorthand."""

    def test_postscript(self) -> None:
        assert _invites(
            "Anbei die Rechnung für Oktober.\n\nPS: Hast du Lust, nächste Woche mal wieder "
            "zusammen Mittag zu essen?"
        )

    def test_subject_named_in_the_body(self) -> None:
        assert _invites(
            "Hallo Frau Weber, wie in der Betreffzeile \N{EN DASH} hätten Sie Zeit? Viele Grüße",
            subject="Kurzes Telefonat diese Woche?",
        )

    @pytest.mark.parametrize(
        "text", ["kaffee morgen? 10 uhr bei mir im büro", "hast du heut abend zeit? auf n bier"]
    )
    def test_shorthand(self, text: str) -> None:
        assert _invites(text)
