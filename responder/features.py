"""The classifier's evidence as language-independent features, for fitting a model; pure.

The cue scorer (``responder.sentences``) finds the best proposal sentence and the mail-wide
penalties and compares the score with a hand-set threshold. ``bench/train.py`` asks whether
a logistic model over the same evidence decides better: which request form, which meeting
word, which negative families stand near the proposal or anywhere in the mail, reply state
and the quoted thread, position, audience, bulk, joke and family markers. Nothing here
reads a word of any language. Measured with cross-validation (see the README), the fitted
model did not beat the hand-set threshold out of sample, so the runtime does not use it;
these features stay so the question can be asked again when the cues change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from responder.model import Message
from responder.sentences import Best, Sentence

Features = dict[str, float]
"""Feature name -> value; absent names are 0."""

_HOWS = frozenset({"strong", "weak", "weak+", "time", "elliptical", "borrowed", "borrowed+",
                   "question"})
_SCORE_CAP = 10.0


def _log_scale(n: float, top: float) -> float:
    """0 for 0, 1 for ``top``, logarithmic between (and beyond)."""
    return math.log1p(max(n, 0.0)) / math.log1p(top)


def evidence_features(
    *,
    sentences: Mapping[int, Sentence],
    best: Best,
    hand_score: float,
    penalty: float,
    label: int,
) -> Features:
    """Features of the best proposal sentence and of the scored sentences around it."""
    f: Features = {"score": max(min(hand_score, _SCORE_CAP), -_SCORE_CAP) / 5.0,
                   "penalty": min(penalty, _SCORE_CAP) / 5.0}
    s = sentences.get(best.index)
    if s is None:
        f["no_proposal"] = 1.0
        return f
    f["proposal"] = max(min(best.score, _SCORE_CAP), -_SCORE_CAP) / 5.0
    if best.intent is not None:
        f[f"intent.{best.intent.value}"] = 1.0
    if best.how in _HOWS:
        f[f"how.{best.how}"] = 1.0
    if s.activity:
        f["anchor"] = max(a[0] for a in s.activity) / 3.0
    for name, on in (
        ("time", s.time is not None), ("duration", s.duration is not None),
        ("social_time", s.social_time), ("social", s.social), ("you", s.you),
        ("question", s.question), ("work", s.work is not None),
    ):
        if on:
            f[f"best.{name}"] = 1.0
    for _, neg, _, _ in s.negatives:
        f[f"best.neg.{neg}"] = 1.0
    if best.index < label:
        f["in_subject"] = 1.0
    else:
        f["position"] = _log_scale(best.index - label, 10.0)
    f["best.words"] = _log_scale(s.words, 30.0)
    scoring = 0
    for i, other in sentences.items():
        for _, neg, _, _ in other.negatives:
            f[f"mail.neg.{neg}"] = 1.0
        if i != best.index and (other.activity or other.availability):
            scoring += 1
    f["other_cues"] = _log_scale(scoring, 5.0)
    return f


def mail_features(
    msg: Message, *, reply: bool, internal: bool, quoted_meeting: bool,
    families: Mapping[str, int], free_mail: frozenset[str],
) -> Features:
    """Features of the whole mail: reply state, audience, size, bulk and event markers.

    ``families`` counts the distinct cues of the mail-wide families (``message.bulk`` ...);
    ``quoted_meeting`` says the quoted history names a meeting: a reply inside a thread that
    is already about meeting ("Thursday works, same place?") more often settles than asks.
    """
    f: Features = {}
    if reply:
        f["reply"] = 1.0
        if quoted_meeting:
            f["reply.about_meeting"] = 1.0
    if msg.quoted_text:
        f["has_quote"] = 1.0
    recipients = len(msg.to) + len(msg.cc)
    f["recipients"] = _log_scale(recipients, 10.0)
    if recipients == 1:
        f["one_recipient"] = 1.0
    if internal:
        f["internal"] = 1.0
    domain = msg.sender.domain if msg.sender is not None else ""
    if domain in free_mail:
        f["free_mail"] = 1.0
    f["length"] = _log_scale(len(msg.new_text), 1500.0)
    urls = msg.new_text.count("://")
    if urls:
        f["links"] = _log_scale(urls, 3.0)
    if "list-id" in msg.headers or "list-unsubscribe" in msg.headers:
        f["list"] = 1.0
    for family, n in families.items():
        if n:
            f[family] = _log_scale(n, 3.0)
    return f
