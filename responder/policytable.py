"""The policy table: which action each tier gets, and the signals that bend it.

Defaults follow the seeds (shared/seeds/README.md); `[policy.<tier>]` in the TOML changes
any cell, and `build_policy` checks every name so a typo fails at start, not mid-pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from responder.errors import ConfigError
from responder.model import Action
from responder.options import did_you_mean

POLICY_TIERS = ("client", "prospect", "referrer", "creditor", "unknown")
POLICY_KEYS = ("default", "bona_fide", "long_meeting", "busy", "known_correspondent")


@dataclass(frozen=True)
class TierPolicy:
    """Actions for one tier: the default and the ones that replace it when a signal holds."""

    default: Action
    bona_fide: Action | None = None
    long_meeting: Action | None = None
    busy: Action | None = None
    known_correspondent: Action | None = None


def _a(name: str) -> Action:
    return Action(name)


DEFAULT_POLICY: Mapping[str, TierPolicy] = {
    # From the seeds: clients are met (at their office), a long meeting is cut short, and in a
    # heavy week it becomes a shorter meeting; referrers and creditors are met; prospects get a
    # qualifying call unless the mail shows a real buyer; everyone else a warm no.
    "client": TierPolicy(
        _a("accept"), long_meeting=_a("redirect_short"), busy=_a("redirect_short")
    ),
    "prospect": TierPolicy(_a("redirect_call"), bona_fide=_a("accept"), busy=_a("redirect_call")),
    "referrer": TierPolicy(
        _a("accept"), long_meeting=_a("accept_timeboxed"), busy=_a("redirect_call")
    ),
    "creditor": TierPolicy(
        _a("accept"), long_meeting=_a("accept_timeboxed"), busy=_a("redirect_call")
    ),
    "unknown": TierPolicy(_a("decline"), known_correspondent=_a("redirect_call")),
}


@dataclass(frozen=True)
class PolicySettings:
    """The policy table plus the switches that bend it."""

    tiers: Mapping[str, TierPolicy] = field(default_factory=lambda: dict(DEFAULT_POLICY))
    busy: bool = False
    call_proposed: Action = Action.ACCEPT


def build_policy(raw: Any, busy: bool, source: str) -> PolicySettings:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [policy] must be a table")
    tiers = dict(DEFAULT_POLICY)
    call_proposed = Action.ACCEPT
    actions = [a.value for a in Action]

    def action(value: Any, where: str) -> Action:
        if value not in actions:
            raise ConfigError(
                f"{source}: {where} = {value!r} is not an action; use one of {', '.join(actions)}"
                f"{did_you_mean(str(value), actions)}"
            )
        return Action(value)

    for key, value in raw.items():
        if key == "busy":
            continue
        if key == "call_proposed":
            call_proposed = action(value, "policy.call_proposed")
            continue
        if key not in POLICY_TIERS or not isinstance(value, dict):
            raise ConfigError(
                f"{source}: unknown policy key policy.{key}"
                f"{did_you_mean(key, [*POLICY_TIERS, 'busy', 'call_proposed'])}"
            )
        base = tiers[key]
        fields: dict[str, Action | None] = {k: getattr(base, k) for k in POLICY_KEYS}
        for sub, act in value.items():
            if sub not in POLICY_KEYS:
                hint = did_you_mean(sub, list(POLICY_KEYS))
                raise ConfigError(f"{source}: unknown key policy.{key}.{sub}{hint}")
            fields[sub] = action(act, f"policy.{key}.{sub}")
        default = fields.pop("default")
        assert default is not None
        tiers[key] = TierPolicy(default, **fields)
    return PolicySettings(tiers=tiers, busy=busy, call_proposed=call_proposed)
