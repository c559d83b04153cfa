"""Planning poker: estimate a list of items round by round; cards stay face down until reveal.

Runtime state::

    {"item": 0,                  # the item being estimated (== len(items) when done)
     "round": 1,                 # its current round
     "phase": "voting" | "revealed" | "done",
     "round_started_at": iso | None,
     "rounds": [1, ...],         # how many rounds each item has had
     "revealed": ["item0-r1"],   # the slots whose cards were turned over
     "estimates": {"0": "5"},    # final estimate per item index
     "skipped": [2]}

Every vote goes into the slot ``item<i>-r<n>``, so earlier rounds stay in the database when
the team votes again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from caja_core import (
    ActionContext,
    ActionOutcome,
    ActionRejected,
    ActivityType,
    ActivityView,
    AggregateContext,
    AnswerContext,
    AnswerRejected,
    EmptyBody,
    PersonalContext,
    PersonalView,
    StoredAnswer,
    StrictModel,
    ViewContext,
)
from caja_plugins.poker.deck import PokerConfig, round_summary
from caja_plugins.poker.display import poker_display

JSON = dict[str, Any]


class PokerAnswer(StrictModel):
    """A participant's card for the current round."""

    card: str = Field(min_length=1, max_length=12)


class AcceptBody(StrictModel):
    """Body of the ``accept`` action: the item's final estimate."""

    estimate: str = Field(min_length=1, max_length=20)


def slot_name(item: int, round_no: int) -> str:
    """The answer slot of one round of one item."""
    return f"item{item}-r{round_no}"


def parse_slot(slot: str) -> tuple[int, int] | None:
    """``"item3-r2"`` -> ``(3, 2)``; None for anything else."""
    head, _, tail = slot.partition("-r")
    if not head.startswith("item") or not head[4:].isdigit() or not tail.isdigit():
        return None
    return int(head[4:]), int(tail)


class PokerType(ActivityType[PokerConfig, PokerAnswer]):
    """Planning poker with the usual decks, rounds, timer, auto-reveal and consensus."""

    name = "poker"
    title = "Planning poker"
    description = "Estimate stories together: everyone picks a card, then all cards flip at once."
    config_model = PokerConfig
    answer_model = PokerAnswer
    actions = {"reveal": EmptyBody, "revote": EmptyBody, "accept": AcceptBody, "skip": EmptyBody}
    action_titles = {
        "reveal": "Reveal cards",
        "revote": "Vote again",
        "accept": "Accept estimate",
        "skip": "Skip item",
    }
    messages = Path(__file__).parent / "locales"

    # -- lifecycle ----------------------------------------------------------------------------

    def initial_state(self, config: PokerConfig) -> JSON:
        return {
            "item": 0,
            "round": 1,
            "phase": "voting",
            "round_started_at": None,
            "rounds": [1] * len(config.items),
            "revealed": [],
            "estimates": {},
            "skipped": [],
        }

    def on_activate(self, config: PokerConfig, state: JSON, now: dt.datetime) -> JSON:
        if state.get("round_started_at") is None and state.get("phase") == "voting":
            return {**state, "round_started_at": now.isoformat()}
        return state

    def deadline(self, config: PokerConfig, state: JSON) -> dt.datetime | None:
        started = state.get("round_started_at")
        if config.round_seconds is None or state.get("phase") != "voting" or started is None:
            return None
        return dt.datetime.fromisoformat(started) + dt.timedelta(seconds=config.round_seconds)

    # -- answers ------------------------------------------------------------------------------

    def answer_slot(
        self, config: PokerConfig, state: JSON, answer: PokerAnswer, ctx: AnswerContext
    ) -> str:
        if state.get("phase") == "done":
            raise AnswerRejected(self.message("Every item has been estimated"))
        return slot_name(state["item"], state["round"])

    def validate_answer(
        self, config: PokerConfig, state: JSON, answer: PokerAnswer, ctx: AnswerContext
    ) -> tuple[JSON, JSON]:
        if state.get("phase") == "done":
            raise AnswerRejected(self.message("Every item has been estimated"))
        if state.get("phase") != "voting":
            raise AnswerRejected(
                self.message("The cards are already on the table; wait for the next round")
            )
        deadline = self.deadline(config, state)
        if deadline is not None and ctx.now > deadline:
            raise AnswerRejected(self.message("Time is up for this round"))
        card = answer.card.strip()
        if card not in config.cards():
            raise AnswerRejected(
                self.message(
                    "'{card}' is not a card of this deck (cards: {cards})",
                    card=card,
                    cards=", ".join(config.cards()),
                )
            )
        return {"card": card}, {}

    def allows_change(self, config: PokerConfig, state: JSON) -> bool:
        """A participant may change their card until the round is revealed."""
        return state.get("phase") == "voting"

    def after_answer(
        self,
        config: PokerConfig,
        state: JSON,
        answers: Sequence[StoredAnswer],
        ctx: AggregateContext,
    ) -> JSON | None:
        if not config.auto_reveal or state.get("phase") != "voting":
            return None
        slot = slot_name(state["item"], state["round"])
        voters = {a.participant_id for a in answers if a.slot == slot}
        if voters and ctx.connected <= voters:
            return _revealed(state)
        return None

    # -- results ------------------------------------------------------------------------------

    def aggregate(
        self,
        config: PokerConfig,
        state: JSON,
        answers: Sequence[StoredAnswer[PokerAnswer]],
        ctx: AggregateContext,
    ) -> JSON:
        by_slot: dict[str, list[JSON]] = {}
        for a in answers:
            by_slot.setdefault(a.slot, []).append(
                {
                    "participant_id": str(a.participant_id),
                    "nickname": a.nickname,
                    "card": a.answer.card,
                }
            )
        revealed = set(state.get("revealed", []))
        rounds_per_item = state.get("rounds", [])
        items = []
        for i, item in enumerate(config.items):
            rounds = []
            count = rounds_per_item[i] if i < len(rounds_per_item) else 1
            for n in range(1, count + 1):
                slot = slot_name(i, n)
                votes = by_slot.get(slot, [])
                summary = round_summary(config, votes)
                rounds.append(
                    {
                        "round": n,
                        "slot": slot,
                        "revealed": slot in revealed,
                        "voters": [
                            {"participant_id": v["participant_id"], "nickname": v["nickname"]}
                            for v in summary["votes"]
                        ],
                        **summary,
                    }
                )
            items.append(
                {
                    "index": i,
                    "title": item.title,
                    "estimate": state.get("estimates", {}).get(str(i)),
                    "skipped": i in state.get("skipped", []),
                    "rounds": rounds,
                }
            )
        return {
            "cards": config.cards(),
            "numeric": config.numeric(),
            "current": {
                "item": state["item"],
                "round": state["round"],
                "slot": slot_name(state["item"], state["round"]),
            },
            "connected": len(ctx.connected),
            "items": items,
        }

    def view(
        self, config: PokerConfig, state: JSON, results: JSON, ctx: ViewContext
    ) -> ActivityView:
        phase = state.get("phase", "voting")
        deadline = self.deadline(config, state)
        current_slot = slot_name(state["item"], state["round"])
        if phase == "voting" and deadline is not None and ctx.now > deadline:
            phase = "revealed"  # the timer ran out: the cards flip
        visible_slots = set(state.get("revealed", []))
        if phase == "revealed":
            visible_slots.add(current_slot)
        cut = {**results, "items": [_cut_item(item, visible_slots) for item in results["items"]]}
        current_item = config.items[state["item"]] if state["item"] < len(config.items) else None
        view_config = {
            **config.model_dump(mode="json"),
            "cards": config.cards(),
            "current_item": current_item.model_dump(mode="json") if current_item else None,
        }
        return ActivityView(
            config=view_config,
            phase=phase,
            results=cut,
            display=poker_display(cut, phase, ctx.translator),
            deadline=deadline if phase == "voting" else None,
            accepting_answers=ctx.activity_status == "active" and phase == "voting",
        )

    def personal(
        self, config: PokerConfig, state: JSON, results: JSON, ctx: PersonalContext
    ) -> PersonalView:
        """The participant's card in the current round (everyone else sees it face down)."""
        current_slot = slot_name(state["item"], state["round"])
        own = next((a.answer.card for a in ctx.own_answers if a.slot == current_slot), None)
        return PersonalView(extra={"your_card": own})

    # -- admin actions ------------------------------------------------------------------------

    def apply_action(
        self, action: str, body: BaseModel, config: PokerConfig, state: JSON, ctx: ActionContext
    ) -> ActionOutcome:
        phase = state.get("phase")
        if phase == "done":
            raise ActionRejected(self.message("Every item has been estimated"))
        slot = slot_name(state["item"], state["round"])
        votes = sum(1 for a in ctx.answers if a.slot == slot)
        if action == "reveal":
            if phase != "voting":
                raise ActionRejected(self.message("The cards of this round are already revealed"))
            return ActionOutcome(state=_revealed(state), message=f"Revealed {votes} votes")
        if action == "revote":
            deadline = self.deadline(config, state)
            timed_out = deadline is not None and ctx.now > deadline
            if phase == "voting" and not timed_out:
                raise ActionRejected(self.message("Reveal this round before voting again"))
            new = _revealed(state)
            rounds = list(new["rounds"])
            rounds[state["item"]] = state["round"] + 1
            new.update(
                round=state["round"] + 1,
                rounds=rounds,
                phase="voting",
                round_started_at=ctx.now.isoformat(),
            )
            return ActionOutcome(state=new, message=f"Round {state['round'] + 1}")
        if action == "accept":
            assert isinstance(body, AcceptBody)
            estimates = {**state.get("estimates", {}), str(state["item"]): body.estimate.strip()}
            title = config.items[state["item"]].title
            return ActionOutcome(
                state=_next_item({**state, "estimates": estimates}, config, ctx.now),
                message=f"'{title}' estimated at {body.estimate.strip()}",
            )
        if action == "skip":
            skipped = sorted({*state.get("skipped", []), state["item"]})
            return ActionOutcome(
                state=_next_item({**state, "skipped": skipped}, config, ctx.now),
                message=f"Skipped '{config.items[state['item']].title}'",
            )
        raise ActionRejected(self.message("Planning poker has no action '{action}'", action=action))

    # -- export -------------------------------------------------------------------------------

    def export_columns(self, config: PokerConfig) -> list[str]:
        return ["item", "round", "card", "final_estimate"]

    def export_row(
        self, config: PokerConfig, state: JSON, answer: StoredAnswer[PokerAnswer]
    ) -> dict[str, str]:
        parsed = parse_slot(answer.slot)
        item, round_no = parsed if parsed else (-1, 0)
        title = config.items[item].title if 0 <= item < len(config.items) else answer.slot
        if item in state.get("skipped", []):
            final = "(skipped)"
        else:
            final = state.get("estimates", {}).get(str(item), "")
        return {
            "item": title,
            "round": str(round_no),
            "card": answer.answer.card,
            "final_estimate": final,
        }


def _revealed(state: JSON) -> JSON:
    slot = slot_name(state["item"], state["round"])
    revealed = list(state.get("revealed", []))
    if slot not in revealed:
        revealed.append(slot)
    return {**state, "phase": "revealed", "revealed": revealed}


def _next_item(state: JSON, config: PokerConfig, now: dt.datetime) -> JSON:
    item = state["item"] + 1
    if item >= len(config.items):
        return {**state, "item": len(config.items), "round": 1, "phase": "done"}
    rounds = list(state.get("rounds", [1] * len(config.items)))
    return {
        **state,
        "item": item,
        "round": rounds[item] if item < len(rounds) else 1,
        "phase": "voting",
        "round_started_at": now.isoformat(),
    }


def _cut_item(item: JSON, visible_slots: set[str]) -> JSON:
    """Hide what was voted in rounds that are not revealed; keep who voted."""
    rounds = []
    for r in item["rounds"]:
        if r["slot"] in visible_slots:
            rounds.append({**r, "revealed": True})
        else:
            rounds.append(
                {
                    k: v
                    for k, v in r.items()
                    if k not in ("votes", "distribution", "stats", "consensus")
                }
                | {"revealed": False}
            )
    return {**item, "rounds": rounds}
