"""Sentence shapes the scorer reads, probed with sentences written for each shape.

Batch 1 of every class was written before the scorer changed (it caught de 12/17, en 12/15,
nb 10/15 of its invitations and kept out de 11/16, en 9/14, nb 11/16 of its look-alikes);
``TestGeneralityBatch`` was written after the changes, as a check that they carry over.
Shapes: a German or Norwegian particle verb split across its clause, an acceptance opened
by an interjection, a slot of the reader's time, time asked for a task or a favour, and
English cue words that are Norwegian words.
"""

from __future__ import annotations

import pytest

from responder.classify import classify
from responder.cues import load_lexicon
from responder.matcher import CLAUSE_GAP_WORDS, PhraseSet, phrase_matches, tokenize
from responder.model import Verdict
from tests.test_classify import make


def _verdict(text: str) -> Verdict:
    return classify(make(text))


def _check(text: str, invitation: bool) -> None:
    verdict = _verdict(text)
    assert verdict.invitation is invitation, verdict.reasons


class TestClauseGap:
    """A ``~`` gap reaches across a clause (no comma or other mark) up to its word limit."""

    def test_reaches_far_within_the_clause(self) -> None:
        """Nine words between verb and particle are one clause's middle field."""
        text = "Kommen Sie doch am Donnerstag einfach mal bei uns im neuen Showroom vorbei."
        assert phrase_matches("kommen ~ vorbei", text)
        assert not phrase_matches("kommen ... vorbei", text)

    def test_stops_at_a_comma(self) -> None:
        """A comma ends the clause: the particle after it belongs to another verb."""
        assert not phrase_matches("kommen ~ vorbei", "Kommen Sie, wenn Sie mögen, vorbei.")

    def test_stops_at_its_limit(self) -> None:
        """More words than the limit is no match."""
        filler = " ".join(["x"] * CLAUSE_GAP_WORDS)
        assert phrase_matches("kommen ~ vorbei", f"kommen {filler} vorbei")
        assert not phrase_matches("kommen ~ vorbei", f"kommen {filler} x vorbei")

    def test_phrase_set_finds_spans_on_demand(self) -> None:
        """A PhraseSet finds its phrases (prefixes and clause starts too) in a token range."""
        phrases = PhraseSet.of(["^ super", "dann", "gegenzu*"])
        tokens = tokenize("super, dann bitte gegenzulesen. nicht super")
        assert phrases.spans(tokens.words, 0, len(tokens.words)) == [(0, 1), (2, 3), (4, 5)]

    @pytest.mark.parametrize(
        ("text", "invitation"),
        [
            ("Kommen Sie doch am Donnerstag einfach mal bei uns im neuen Showroom vorbei.", True),
            ("Schau doch nach deinem Termin beim Zahnarzt noch kurz bei mir im Laden vorbei!",
             True),
            ("Ich komme am Freitag nach der Arbeit gern mit einem Kuchen bei euch vorbei, wenn "
             "ihr da seid.", True),
            ("Ich rufe Sie morgen Vormittag gegen zehn einfach mal kurz an, passt Ihnen das?",
             True),
            ("Kommst du am Wochenende mal mit den Kindern bei uns auf dem Hof vorbei?", True),
            ("Schauen Sie gerne mal unverbindlich an einem Vormittag in unserer Werkstatt "
             "vorbei.", True),
            ("Der Paketbote kommt morgen zwischen acht und zwölf bei Ihnen im Büro vorbei.",
             False),
            ("Ich komme heute auf dem Heimweg noch kurz bei der Apotheke vorbei.", False),
            ("Schauen Sie sich die Unterlagen bitte bis Freitag in Ruhe an.", False),
            ("Rufen Sie bei Fragen jederzeit gerne unsere Hotline unter 0800 123 456 an.", False),
            ("Der Techniker schaut am Mittwoch zwischen 9 und 11 Uhr bei dir vorbei, um den "
             "Router zu tauschen.", False),
            ("Bei Fragen rufen Sie mich gerne an.", False),
        ],
    )
    def test_german_particle_verbs(self, text: str, invitation: bool) -> None:
        """A visit or call verb split from its particle asks when a request goes with it."""
        _check(text, invitation)

    @pytest.mark.parametrize(
        ("text", "invitation"),
        [
            ("Har du lyst til å stikke en tur bortom kontoret vårt i Bjørvika etter jobb?", True),
            ("Kom gjerne en ettermiddag neste uke bort til oss på verkstedet!", True),
            ("Du må ta turen opp til hytta vår i vinterferien!", True),
            ("Kan du kikke en tur bort på kontoret vårt i morgen formiddag?", True),
            pytest.param(
                "Titt gjerne inn på atelieret når du er i nærheten.", True,
                marks=pytest.mark.xfail(
                    strict=True, reason="'titte inn på' is also 'look at' (a web page)"
                ),
            ),
            ("Kan du stikke innom butikken på vei hjem og kjøpe melk?", False),
            ("Elektrikeren kommer innom kontoret på torsdag for å se på sikringsskapet.", False),
            ("Ring gjerne resepsjonen hvis du lurer på noe.", False),
        ],
    )
    def test_norwegian_split_verbs(self, text: str, invitation: bool) -> None:
        """A drop-in verb with adverbials before its particle is still a visit."""
        _check(text, invitation)


class TestAcceptance:
    """An interjection then a consequence word confirms; an interjection alone reacts."""

    @pytest.mark.parametrize(
        "text",
        [
            "Super, dann sehen wir uns am Samstag um zehn am Markt!",
            "Super, dann sehen wir uns am Samstag zum Frühstück!",
            "Prima, dann machen wir das so: Donnerstag, 12 Uhr, beim Italiener zum Mittagessen.",
            "Perfekt! Dann machen wir das so: Donnerstag 12 Uhr beim Italiener zum Mittagessen.",
            "Klasse, freu mich auf unseren Kaffee morgen!",
            "Perfekt, dann bis Dienstag zum Mittagessen.",
            "Toll, ich bin am Freitag beim Frühstück dabei!",
            "Great, see you Thursday at the cafe then!",
            "Great, let's do lunch on Friday then.",
            "Perfect, lunch at noon on Friday it is.",
            "Awesome, I'll meet you by the fountain at 6.",
            "Brilliant, dinner at ours on Saturday then, 7pm.",
            "Cool, so breakfast tomorrow at the usual place.",
            "Lovely, looking forward to our coffee on Monday!",
            "Flott, da ses vi på kafeen klokka ti!",
            "Flott, da tar vi en lunsj på fredag.",
            "Supert, lunsj på torsdag passer meg fint.",
            "Topp, da tar vi kaffen i morgen tidlig som avtalt.",
            "Herlig, jeg gleder meg til middagen på lørdag!",
            "Kjempebra, da møtes vi ved inngangen kvart over tolv.",
        ],
    )
    def test_acceptances(self, text: str) -> None:
        """The statement accepts a meeting already proposed."""
        _check(text, False)

    @pytest.mark.parametrize(
        "text",
        [
            "Super, hast du nächste Woche Lust auf ein Feierabendbier?",
            "Prima Neuigkeiten! Wollen wir das nächste Woche bei einem Mittagessen feiern?",
            "Klasse, dass es geklappt hat \N{EN DASH} wie wäre es mit einem Kaffee am Montag?",
            "Klasse, dass du wieder da bist, dann können wir endlich mal essen gehen!",
            "Ach übrigens: Hättest du Donnerstag Zeit für ein kurzes Telefonat?",
            "Great news! Let's celebrate with drinks on Friday?",
            "Awesome, congrats on the launch, lunch on me next week?",
            "Cool, are you free for a call tomorrow afternoon?",
            "Nice, would you be up for a coffee when you're back?",
            "Flott, har du lyst på en kaffe neste uke?",
            "Supert at det ordnet seg! Skal vi feire med en øl på fredag?",
            "Så bra! Kan vi ta en lunsj snart og snakke om veien videre?",
        ],
    )
    def test_reactions_then_proposals(self, text: str) -> None:
        """Without a consequence word (or as a question) the interjection only reacts."""
        _check(text, True)

    def test_a_kind_of_negative_counts_once(self) -> None:
        """Two confirmations in the proposal's clause subtract once."""
        reasons = _verdict("Sounds good, see you at lunch tomorrow, works for me.").reasons
        assert sum("(confirm)" in r for r in reasons) <= 1, reasons


class TestSlotOfTime:
    """Asking for a slot of the reader's time is a request to meet, even with a weak word."""

    @pytest.mark.parametrize(
        "text",
        [
            "grab 20 minutes together next week to chat",
            "Could we grab 15 minutes next week to talk through your plans?",
            "Do you have half an hour on Tuesday for me?",
            "Can I borrow twenty minutes of your time later this week?",
            "Would you have an hour sometime next week to chat about the role?",
            "Any chance of 10 minutes on the phone tomorrow?",
            "If you have a spare hour next week I'd love to run a few ideas past you.",
            "Hätten Sie in den kommenden Tagen zwanzig Minuten für mich?",
            "Hättest du nächste Woche eine halbe Stunde für mich?",
            "Hast du morgen eine Viertelstunde für mich? Ich würde dir gern was zeigen.",
            "Könnten Sie mir nächste Woche eine Stunde Ihrer Zeit schenken?",
            "Hast du Donnerstag ein halbes Stündchen, um kurz über die Reise zu reden?",
            "Har du en halvtime til overs neste uke?",
            "Har du en halvtime til meg en dag neste uke?",
            "Kan du avse tjue minutter på torsdag?",
            "Har du et kvarter i morgen? Jeg vil gjerne vise deg noe.",
            "Kunne du satt av en time til meg i løpet av neste uke?",
        ],
    )
    def test_asks_for_a_slot(self, text: str) -> None:
        """The slot asked for is the meeting."""
        _check(text, True)

    @pytest.mark.parametrize(
        "text",
        [
            "The train ride takes about twenty minutes.",
            "I need another hour to finish the report.",
            "The recording is 45 minutes long, I've put it in the shared drive.",
            "Ich brauche noch eine halbe Stunde für den Bericht, dann schicke ich ihn dir.",
            "Die Fahrt zu Ihnen dauert etwa zwanzig Minuten.",
            "Det tar en halvtime å kjøre dit fra sentrum.",
            "Jeg trenger en time til på rapporten.",
        ],
    )
    def test_durations_that_ask_nothing(self, text: str) -> None:
        """A duration in a statement about something else asks for no time."""
        _check(text, False)


class TestTimeForATask:
    """Time asked for a favour is no meeting; time to talk or to do something together is."""

    @pytest.mark.parametrize(
        "text",
        [
            "Do you have time to help me move on Saturday?",
            "Do you have time to help me move some furniture on Saturday?",
            "Would you have time to proofread my cover letter this week?",
            "Do you have a few minutes to look over the attached invoice?",
            "Are you free on Sunday to feed the cat while we're away?",
            "Have you got time tomorrow to pick up the kids from school?",
            "Hast du Zeit, mir beim Umzug zu helfen?",
            "Hast du nächste Woche eine halbe Stunde Zeit, um meine Steuererklärung "
            "durchzusehen?",
            "Hättest du Samstag ein paar Stunden Zeit, mir beim Streichen der Wohnung zu helfen?",
            "Haben Sie diese Woche Zeit, den Vertrag noch einmal gegenzulesen?",
            "Hast du morgen kurz Zeit, meine Katze zu füttern?",
            "Har du tid til å hjelpe meg å flytte?",
            "Har du tid til å hjelpe meg å bære sofaen på lørdag?",
            "Har du tid til å lese gjennom søknaden min i kveld?",
            "Har du mulighet til å hente ungene i barnehagen i morgen?",
        ],
    )
    def test_favours(self, text: str) -> None:
        """An infinitive of purpose with no meeting in it names a task."""
        _check(text, False)

    @pytest.mark.parametrize(
        "text",
        [
            "Do you have time to talk next week?",
            "Do you have time to talk on Friday?",
            "Would you have time to meet with me when you're in Denver?",
            "Do you have time to grab a coffee on Thursday?",
            "Are you free on Friday to come by the office and meet the team?",
            "Are you free Monday to Wednesday next week?",
            "Hast du nächste Woche Zeit, mit mir einen Kaffee zu trinken?",
            "Hätten Sie Zeit, sich mit mir über eine mögliche Zusammenarbeit zu unterhalten?",
            "Haben Sie am Dienstag Zeit, uns in Leipzig zu besuchen?",
            "Hast du morgen Zeit um 10?",
            "Har du tid til å ta en kaffe med meg på torsdag?",
            "Har du tid til å møte meg når du er i Trondheim?",
        ],
    )
    def test_meetings(self, text: str) -> None:
        """A meeting word, a talk verb, 'with me' or a time range keeps the request."""
        _check(text, True)


class TestFalseFriends:
    """English cue words that are Norwegian words are read as Norwegian in Norwegian mail."""

    @pytest.mark.parametrize(
        "text",
        [
            "Jeg håper at mine innspill kan være nyttige for dere, gi meg gjerne beskjed.",
            "Kan du sende meg to dine beste forslag innen fredag?",
            "Jeg har fri på fredag, så rapporten kommer på mandag.",
        ],
    )
    def test_norwegian_words(self, text: str) -> None:
        """'at mine' is 'that my', 'to dine' is 'two of your', 'fri' is 'off work'."""
        _check(text, False)

    def test_only_the_mail_language_decides(self) -> None:
        """The English reading of 'at mine' is dropped when bokmål is read first, not else."""
        lexicon = load_lexicon()
        tokens = lexicon.read("come round at mine for dinner on friday?")
        english = {h.language for h in lexicon.scan(tokens, ["en", "nb"]) if h.text == "at mine"}
        norwegian = {h.language for h in lexicon.scan(tokens, ["nb", "en"]) if h.text == "at mine"}
        assert english == {"en"}
        assert norwegian == set()
        _check("Come round at mine for dinner on Friday?", True)

    def test_norwegian_mail_with_an_outing(self) -> None:
        """A Norwegian question about a day off with an outing still invites."""
        _check("Har du fri på lørdag? Da kan vi ta en tur på Ikea.", True)


class TestGeneralityBatch:
    """Written after the changes above; before them it caught de 6/8, en 7/8, nb 7/8 and
    kept out de 5/7, en 4/7, nb 3/7; right after them de 6/8, en 7/8, nb 8/8 and 7/7 in
    every language (the two German misses led to the last change, see the commit log)."""

    @pytest.mark.parametrize(
        "text",
        [
            "Schauen Sie doch, wenn Sie das nächste Mal in Köln sind, einfach kurz bei uns im "
            "Büro vorbei.",
            "Komm doch nächsten Samstag mit deiner Freundin zum Grillen zu uns rüber!",
            "Setzen wir uns nächste Woche mal in Ruhe bei dir im Büro zusammen?",
            "Super Neuigkeiten! Lass uns das am Freitag bei einem Bier feiern.",
            "Hättest du kommenden Dienstag zwanzig Minuten für ein kurzes Gespräch?",
            "Haben Sie diese Woche noch ein Viertelstündchen für mich?",
            "Hast du Zeit, mit mir am Sonntag eine Runde um den See zu drehen?",
            "Ich schaue nächste Woche gerne mal mit ein paar Entwürfen bei Ihnen in der Kanzlei "
            "vorbei, wenn es Ihnen passt.",
            pytest.param(
                "Got half an hour on Friday afternoon for a catch-up?",
                marks=pytest.mark.xfail(strict=True, reason="'got half an hour' is no cue"),
            ),
            "Super, are you around next week for a quick coffee?",
            "Could you spare 20 minutes next Tuesday for a chat about the role?",
            "Do you have time to meet for a drink after work on Thursday?",
            "Fancy popping round to ours for a barbecue on Sunday?",
            "Brilliant news! We should celebrate \N{EN DASH} dinner next week?",
            "Do you have an hour next week to talk through the partnership idea?",
            "Would you have a few minutes tomorrow to hop on a call?",
            "Har du lyst til å stikke bortom oss en kveld neste uke?",
            "Kom gjerne innom kontoret vårt i Bergen en dag du er i nærheten!",
            "Flott! Har du tid til en lunsj på onsdag?",
            "Har du en halvtime ledig neste uke til en prat om prosjektet?",
            "Kan du sette av et kvarter i morgen til en kort samtale?",
            "Har du tid til å ta en tur på byen med oss på fredag?",
            "Supert at du er tilbake! Skal vi ta en øl snart?",
            "Stikk gjerne en tur innom verkstedet når du er i byen.",
        ],
    )
    def test_invitations(self, text: str) -> None:
        """Invitations in the probed shapes."""
        _check(text, True)

    @pytest.mark.parametrize(
        "text",
        [
            "Alles klar, dann treffen wir uns um halb eins vor der Kantine.",
            "Gut, dann gehen wir Mittwoch zum Thailänder essen.",
            "Hast du am Wochenende Zeit, mir beim Aufbau des Regals zu helfen?",
            "Hätten Sie bis Freitag kurz Zeit, die Rechnung freizugeben?",
            "Der Schornsteinfeger kommt am Montag zwischen acht und zehn bei uns im Haus vorbei.",
            "Schauen Sie sich bitte bis Montag den Entwurf in Ruhe an.",
            "Kannst du morgen früh auf dem Weg ins Büro bei der Bäckerei vorbeigehen?",
            "Perfect, coffee at 9 on Monday then.",
            "Great, dinner at Luigi's at 7 then, I'll book the table.",
            "Sure, see you at the pub around six.",
            "Do you have time to water the plants while I'm in Lisbon?",
            "Would you have a minute to sign the attached form today?",
            "Are you free tomorrow morning to drive me to the airport?",
            "Have you got an hour this week to fix the printer on the second floor?",
            "Supert, da tar vi lunsjen på torsdag klokka tolv.",
            "Greit, da møtes vi utenfor kinoen halv åtte.",
            "Har du tid til å se over fakturaen før fredag?",
            "Har du mulighet til å kjøre meg til flyplassen i morgen tidlig?",
            "Jeg tok fri på fredag, så jeg svarer deg på mandag.",
            "Kan du be to dine kolleger sende meg timelistene?",
            "Rørleggeren stikker innom kontoret på tirsdag for å fikse vasken.",
        ],
    )
    def test_look_alikes(self, text: str) -> None:
        """Acceptances, favours, errands and false friends in the same shapes."""
        _check(text, False)
