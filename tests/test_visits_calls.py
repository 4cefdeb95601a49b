"""Three shapes of a client's meeting request, probed in English, German and bokmål.

- Asking the reader to come to the sender's place ("Could you come to our office?", "zu uns
  in die Werkstatt kommen", "komme til oss"): a visit, as "come by" already was.
- A wish followed by a question about a concrete slot ("I'd love to set up a call. Would
  Thursday 10am work?"): the slot asked for makes the wish a request.
- A call named but not proposed ("as discussed on the phone", "sonst kurz vorher anrufen"):
  it must not turn the proposal into a call, its intent "call" or its reply into the one for
  a call (the policy answers a proposed call differently).
"""

from __future__ import annotations

import pytest

from responder.classify import classify
from responder.model import Intent, Signal, Verdict
from tests.test_classify import make


def _verdict(text: str) -> Verdict:
    return classify(make(text))


VISITS = [
    "Hi Niamh,\n\nCould you come to our office on Tuesday at 10?\n\nBest,\nSam",
    "Hi Niamh,\n\nWould it suit you to come to us on one of these days?\n\nBest,\nSam",
    "Hi Niamh,\n\nCould you come out to the farm one day this spring so we can walk the "
    "boundary together?\n\nRegards,\nAlf",
    "Sehr geehrte Frau Okafor,\n\npasst es Ihnen, nächste Woche zu uns ins Büro zu kommen?"
    "\n\nMit freundlichen Grüßen\nK. Berger",
    "Sehr geehrte Frau Okafor,\n\nkönnten Sie am Dienstag zu uns in die Schule kommen?"
    "\n\nMit freundlichen Grüßen\nK. Berger",
    "Hei Idunn,\n\nkan du komme til oss på tirsdag?\n\nHilsen Trond",
    "Hei Idunn,\n\nPasser det for deg å komme til oss i Storgata 8 en av disse dagene?"
    "\n\nHilsen Trond",
    "Hei Idunn,\n\nkunne du komme hit en dag neste uke og se på tomta?\n\nHilsen Trond",
]

NOT_VISITS = [
    # statements about others, thanks for a past visit, an agreed visit's logistics
    "Hi Niamh,\n\nThe engineers will come to our office on Tuesday to fit the panels.\n\nSam",
    "Hi Niamh,\n\nIt has come to our attention that invoice 118 is still open. Could you "
    "check?\n\nBest,\nSam",
    "Hallo Jonas,\n\ndie Handwerker kommen am Dienstag zu uns ins Büro.\n\nGruß\nPaul",
    "Hallo Jonas,\n\ndanke, dass du gestern zu uns gekommen bist!\n\nGruß\nPaul",
    "Hei Idunn,\n\nrørleggeren kommer til oss på tirsdag, så kontoret er stengt.\n\nTrond",
    "Hei Idunn,\n\ntakk for at du kom hit i går!\n\nHilsen Trond",
]


@pytest.mark.parametrize("text", VISITS)
def test_coming_to_the_sender_is_a_meeting(text: str) -> None:
    verdict = _verdict(text)
    assert verdict.invitation, verdict.reasons
    assert verdict.intent is Intent.MEETING


@pytest.mark.parametrize("text", NOT_VISITS)
def test_a_visit_nobody_asks_for_is_none(text: str) -> None:
    verdict = _verdict(text)
    assert not verdict.invitation, verdict.reasons


SLOTS = [
    "Hi Niamh,\n\nI'd love to set up a 20-minute video call to walk you through the samples. "
    "Would Thursday 10am or Friday 2pm work?\n\nBest,\nMarcus",
    "Hi Niamh,\n\nI'd like to meet the person who will be on site. Could you do Monday 9am "
    "at the school?\n\nRegards,\nGraham",
    "Sehr geehrter Herr Wiedemann,\n\nich würde Ihnen unsere neuen Rohre gerne in einem "
    "Videocall zeigen. Passt Ihnen der 14. März um 10 Uhr?\n\nFreundliche Grüße\nM. Keller",
    "Hei Idunn,\n\nvi vil gjerne vise deg den nye dronen på et kort møte. Passer tirsdag "
    "12. mai kl. 10?\n\nHilsen Per",
]


@pytest.mark.parametrize("text", SLOTS)
def test_a_wish_and_a_slot_asked_next_is_a_request(text: str) -> None:
    verdict = _verdict(text)
    assert verdict.invitation, verdict.reasons


def test_a_vague_question_next_does_not_make_a_request() -> None:
    """Only a concrete slot completes a wish: "this evening" in another question does not."""
    text = (
        "Hi Bob,\n\nI would love to go to dinner with the crew but I don't think the times work "
        "out. Anything in the hopper for this evening?\n\nJim"
    )
    assert not _verdict(text).invitation


CALLS = [
    "Hi Tom,\n\nCould we jump on a quick call next week about the acoustic survey?\n\nSam",
    "Hallo Jonas,\n\nhättest du in den nächsten Wochen 20 Minuten für uns? Egal ob Telefon, "
    "Zoom oder wir kommen kurz bei dir vorbei.\n\nDanke dir!\nAylin",
    "Hei Idunn,\n\nhar du tid til en prat neste uke? Gjerne på telefon, om det passer best."
    "\n\nHilsen Per",
]

CALL_ASIDES = [
    "Hi Niamh,\n\nAs discussed on the phone, could you come to our office next week to look "
    "at the hall? Would Tuesday work?\n\nBest,\nSam",
    "Sehr geehrter Herr Wiedemann,\n\nwie am Telefon kurz angesprochen, würde ich Sie gerne in "
    "Ihrer Werkstatt besuchen. Hätten Sie nächste Woche Zeit?\n\nFreundliche Grüße\nReto",
    "Hallo Jonas,\n\nwir sind umgezogen. Wenn du mal in der Gegend bist, komm doch einfach "
    "vorbei, dann zeig ich dir alles. Meistens bin ich da, sonst kurz vorher anrufen.\n\nPaul",
    "Hei Idunn,\n\nsom nevnt på telefonen i går vil jeg gjerne komme innom kontoret ditt og "
    "møtes. Passer det på tirsdag?\n\nHilsen Per",
    "Hi Niamh,\n\nDo come by the workshop for a coffee whenever you're in town - just give me "
    "a ring before you set off.\n\nCheers,\nDan",
]


@pytest.mark.parametrize("text", CALLS)
def test_a_proposed_call_sets_the_signal(text: str) -> None:
    verdict = _verdict(text)
    assert verdict.invitation, verdict.reasons
    assert Signal.CALL_PROPOSED in verdict.signals


@pytest.mark.parametrize("text", CALL_ASIDES)
def test_a_call_named_in_passing_is_no_proposal_of_one(text: str) -> None:
    verdict = _verdict(text)
    assert verdict.invitation, verdict.reasons
    assert Signal.CALL_PROPOSED not in verdict.signals, verdict.reasons
    assert verdict.intent is not Intent.CALL


CALENDAR = [
    ("Hi Niamh,\n\nShall we get something in the calendar for early March? Keen to hear how "
     "the hall project went.\n\nTom", True),
    ("Hi Niamh,\n\nI've put our meeting on Tuesday in the calendar for 10am. See you then."
     "\n\nTom", False),
    ("Hallo Jonas,\n\nsollen wir was in den Kalender eintragen? Würde mich freuen, dich mal "
     "wiederzusehen.\n\nLG Marlene", True),
    ("Hallo Jonas,\n\nich habe unseren Termin am Dienstag in den Kalender eingetragen. Bis "
     "dann!\n\nLG Marlene", False),
    ("Hei Idunn,\n\nskal vi sette opp noe i kalenderen til høsten? Det hadde vært fint å ta "
     "en prat.\n\nHilsen Sigve", True),
    ("Hei Idunn,\n\njeg har lagt inn møtet på tirsdag i kalenderen. Vi ses!\n\nHilsen Sigve",
     False),
]  # fmt: skip


@pytest.mark.parametrize(("text", "invitation"), CALENDAR)
def test_something_in_the_calendar(text: str, invitation: bool) -> None:
    """Asking to put something in the calendar asks for time; an entry made is logistics."""
    verdict = _verdict(text)
    assert verdict.invitation is invitation, verdict.reasons
