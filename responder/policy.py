"""(verdict, tier, contact, policy table) → Decision. Pure: same inputs, same decision.

The order of the rules is the policy: a per-contact choice beats everything; a client whose
account a colleague owns is handed to that colleague; a sender who already offers a phone
call gets a yes to the call (the seeds' first exception); then the tier's row of the table,
bent by what the mail says (bona-fide buyer, long meeting) and by a busy week.
"""

from __future__ import annotations

from responder.config import PolicySettings
from responder.model import Action, Decision, Formality, Signal, Tier, Verdict
from responder.tiers import Person

ACCEPTS = (Action.ACCEPT, Action.ACCEPT_TIMEBOXED)
REPLY_LANGUAGES = ("en", "de", "nb")


def reply_language(verdict: Verdict, person: Person, default: str) -> tuple[str, str]:
    """The language to answer in and why: the contact's, the mail's, or the default."""
    if person.language:
        return person.language, f"reply in {person.language}: set for this contact"
    if verdict.language in REPLY_LANGUAGES:
        return verdict.language, f"reply in {verdict.language}: the mail's language"
    if verdict.language == "nn":
        return "nb", "reply in nb: the mail is Nynorsk"
    return default, f"reply in {default}: mail language {verdict.language} has no templates"


def reply_formality(
    verdict: Verdict, person: Person, language: str
) -> tuple[Formality | None, str]:
    """German only: the contact's register, else the sender's own, else Sie (the safe side)."""
    if language != "de":
        return None, ""
    if person.formality is not None:
        return person.formality, f"register {person.formality.value}: set for this contact"
    if verdict.language == "de" and verdict.formality is not None:
        return verdict.formality, f"register {verdict.formality.value}: as the sender writes"
    return Formality.FORMAL, "register formal: Sie unless the sender says du"


def choose_action(
    verdict: Verdict,
    tier: Tier,
    person: Person,
    policy: PolicySettings,
    *,
    known_correspondent: bool = False,
) -> tuple[Action, list[str]]:
    """Pick the action and say which rule picked it."""
    delegate_nobody = person.action is Action.DELEGATE and person.account_manager is None
    if person.action is not None and not delegate_nobody:
        return person.action, [f"action {person.action.value}: set for this contact"]
    if person.account_manager is not None and tier is Tier.CLIENT:
        return Action.DELEGATE, [
            f"action delegate: {person.account_manager.name or person.account_manager.email} "
            "owns this account"
        ]
    if Signal.CALL_PROPOSED in verdict.signals:
        return policy.call_proposed, [
            f"action {policy.call_proposed.value}: the sender already proposes a call"
        ]
    row = policy.tiers.get(tier.value) or policy.tiers["unknown"]
    action = row.default
    why = [f"action {action.value}: policy for {tier.value}"]
    if delegate_nobody:
        why.insert(0, "contact's action delegate ignored: no account_manager set")
    if action is Action.DELEGATE and person.account_manager is None:
        action = Action.REDIRECT_CALL  # a policy row cannot name a colleague: never hand to nobody
        why.append("-> redirect_call: delegate needs a contact's account_manager")
    if tier is Tier.PROSPECT and Signal.BONA_FIDE in verdict.signals and row.bona_fide:
        action = row.bona_fide
        why = [f"action {action.value}: bona-fide prospect (budget, timeline, need)"]
    if tier is Tier.UNKNOWN and known_correspondent and row.known_correspondent:
        action = row.known_correspondent
        why = [f"action {action.value}: you have written to this sender before"]
    if Signal.LONG_MEETING in verdict.signals and action is Action.ACCEPT and row.long_meeting:
        action = row.long_meeting
        why.append(f"-> {action.value}: a long meeting was asked for")
    if policy.busy and action in ACCEPTS and row.busy:
        action = row.busy
        why.append(f"-> {action.value}: busy week")
    return action, why


def decide(
    verdict: Verdict,
    tier: Tier,
    tier_reason: str,
    person: Person,
    policy: PolicySettings,
    *,
    default_language: str,
    known_correspondent: bool = False,
) -> Decision:
    """The decision for an invitation that passed the guard (the caller handles skips)."""
    language, lang_why = reply_language(verdict, person, default_language)
    formality, form_why = reply_formality(verdict, person, language)
    action, action_why = choose_action(
        verdict, tier, person, policy, known_correspondent=known_correspondent
    )
    reasons = [*verdict.reasons, tier_reason, *action_why, lang_why]
    if form_why:
        reasons.append(form_why)
    if Signal.CALENDAR_REQUEST in verdict.signals:
        reasons.append("calendar invitation: answer the calendar request yourself too")
    return Decision(
        action=action,
        tier=tier,
        reply_language=language,
        formality=formality,
        reasons=tuple(reasons),
        delegate_to=person.account_manager if action is Action.DELEGATE else None,
    )
