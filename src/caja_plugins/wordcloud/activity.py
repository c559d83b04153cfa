"""Word cloud: participants send a few words; the same word counts once per person.

Runtime state: ``{"hidden": [keys]}``, the entries the presenter hid (moderation). Each entry
is its own answer in the slot ``e0``, ``e1``, ...: a refused entry never costs the participant
the entries they already sent.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

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
    PersonalContext,
    PersonalView,
    StoredAnswer,
    StrictModel,
    ViewContext,
)
from caja_core.display import CloudBlock, CloudWord, DisplayBlock
from caja_core.text import text_problem
from caja_plugins.wordcloud.text import clean, entry_key, warm_up

JSON = dict[str, Any]


class WordCloudConfig(StrictModel):
    """What the presenter sets up for a word cloud."""

    prompt: str = Field(min_length=1, max_length=300)
    entries_per_participant: int = Field(default=3, ge=1, le=10)
    max_length: int = Field(default=25, ge=1, le=200, description="Characters per entry")
    single_word: bool = Field(default=False, description="One word per entry (no phrases)")
    profanity_filter: bool = Field(default=True, description="Refuse profanity (English)")
    blocked_words: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=500, description="Your own words to refuse"
    )
    fold_accents: bool = Field(default=False, description="Count 'café' and 'cafe' as one")
    top_n: int = Field(default=50, ge=1, le=200, description="How many entries the cloud shows")


class WordCloudAnswer(StrictModel):
    """One entry."""

    text: str = Field(min_length=1, max_length=200)


class EntryBody(StrictModel):
    """Body of ``hide`` and ``unhide``: the entry, in any spelling."""

    entry: str = Field(min_length=1, max_length=200)


def _cloud(config: WordCloudConfig, results: JSON) -> tuple[list[JSON], CloudBlock]:
    visible = [e for e in results["entries"] if not e["hidden"]][: config.top_n]
    words = [CloudWord(text=e["text"], weight=e["count"]) for e in visible]
    return visible, CloudBlock(title=config.prompt, words=words)


class WordCloudType(ActivityType[WordCloudConfig, WordCloudAnswer]):
    """A live word cloud with normalisation, a profanity filter and moderation."""

    name = "wordcloud"
    title = "Word cloud"
    description = "Everyone sends a few words; the most frequent grow biggest."
    config_model = WordCloudConfig
    answer_model = WordCloudAnswer
    actions = {"hide": EntryBody, "unhide": EntryBody}
    action_titles = {"hide": "Hide entry", "unhide": "Show entry again"}
    messages = Path(__file__).parent / "locales"

    def initial_state(self, config: WordCloudConfig) -> JSON:
        return {"hidden": []}

    def warm_up(self) -> None:
        """Read the profanity word list (once per process)."""
        warm_up()

    def on_activate(self, config: WordCloudConfig, state: JSON, now: dt.datetime) -> JSON:
        if config.profanity_filter:
            warm_up()  # in case the server's warm-up has not got there yet
        return state

    # -- answers ------------------------------------------------------------------------------

    def answer_slot(
        self, config: WordCloudConfig, state: JSON, answer: WordCloudAnswer, ctx: AnswerContext
    ) -> str:
        key = entry_key(answer.text, config.fold_accents)
        used = set()
        for previous in ctx.previous:
            if entry_key(previous.answer.text, config.fold_accents) == key:
                return previous.slot  # the same entry again: a retry, or refused as a repeat
            used.add(previous.slot)
        for n in range(config.entries_per_participant):
            if f"e{n}" not in used:
                return f"e{n}"
        count = config.entries_per_participant
        if count == 1:
            raise AnswerRejected(self.message("You have already sent {n} entry", n=count))
        raise AnswerRejected(self.message("You have already sent {n} entries", n=count))

    def validate_answer(
        self, config: WordCloudConfig, state: JSON, answer: WordCloudAnswer, ctx: AnswerContext
    ) -> tuple[WordCloudAnswer, JSON]:
        text = clean(answer.text)
        key = entry_key(text, config.fold_accents)
        problem = text_problem(
            text,
            max_length=config.max_length,
            blocked_words=config.blocked_words,
            profanity_filter=config.profanity_filter,
        )
        if not key or problem == "blank":
            raise AnswerRejected(self.message("Type a word"))
        if problem == "too_long":
            raise AnswerRejected(
                self.message("Keep it to {n} characters or fewer", n=config.max_length)
            )
        if config.single_word and " " in key:
            raise AnswerRejected(self.message("One word only, please"))
        if problem == "blocked":
            raise AnswerRejected(
                self.message(
                    "'{text}' can't go on the screen: it contains a blocked word. "
                    "Your other entries are kept; try another word.",
                    text=text,
                )
            )
        for previous in ctx.previous:
            earlier = previous.answer.text
            if entry_key(earlier, config.fold_accents) == key and earlier != text:
                raise AnswerRejected(self.message("You already sent '{text}'", text=earlier))
        return WordCloudAnswer(text=text), {}

    # -- results ------------------------------------------------------------------------------

    def aggregate(
        self,
        config: WordCloudConfig,
        state: JSON,
        answers: Sequence[StoredAnswer[WordCloudAnswer]],
        ctx: AggregateContext,
    ) -> JSON:
        spellings: dict[str, Counter[str]] = {}
        for a in answers:
            text = a.answer.text
            spellings.setdefault(entry_key(text, config.fold_accents), Counter())[text] += 1
        hidden = set(state.get("hidden", []))
        entries: list[JSON] = [
            {
                "key": key,
                "text": _most_common_spelling(counter),
                "count": sum(counter.values()),
                "hidden": key in hidden,
            }
            for key, counter in spellings.items()
        ]
        entries.sort(key=lambda e: (-e["count"], e["key"]))
        return {
            "entries": entries,
            "total_entries": len(answers),
            "participants": len({a.participant_id for a in answers}),
        }

    def view(
        self, config: WordCloudConfig, state: JSON, results: JSON, ctx: ViewContext
    ) -> ActivityView:
        visible, cloud = _cloud(config, results)
        display: list[DisplayBlock] = [cloud]
        open_now = ctx.activity_status == "active"
        if ctx.role == "presenter":
            return ActivityView(
                config=config.model_dump(mode="json"),
                phase="collecting" if open_now else _phase(ctx.activity_status),
                results=results,  # hidden entries stay listed (flagged) so they can be unhidden
                display=display,
                accepting_answers=open_now,
            )
        public = {k: v for k, v in config.model_dump(mode="json").items() if k != "blocked_words"}
        return ActivityView(
            config=public,
            phase="collecting" if open_now else _phase(ctx.activity_status),
            results={**results, "entries": visible},
            display=display,
            accepting_answers=open_now,
        )

    def personal(
        self, config: WordCloudConfig, state: JSON, results: JSON, ctx: PersonalContext
    ) -> PersonalView:
        """The participant's own entries and how many they may still send."""
        mine = [a.answer.text for a in sorted(ctx.own_answers, key=lambda a: a.slot)]
        left = max(config.entries_per_participant - len(mine), 0)
        return PersonalView(
            accepting_answers=False if left == 0 else None,
            extra={"your_entries": mine, "entries_left": left},
        )

    # -- moderation ---------------------------------------------------------------------------

    def apply_action(
        self,
        action: str,
        body: BaseModel,
        config: WordCloudConfig,
        state: JSON,
        ctx: ActionContext,
    ) -> ActionOutcome:
        assert isinstance(body, EntryBody)
        key = entry_key(body.entry, config.fold_accents)
        if not key:
            raise ActionRejected(self.message("Name the entry to hide or unhide"))
        hidden = set(state.get("hidden", []))
        if action == "hide":
            hidden.add(key)
            message = f"Hid '{clean(body.entry)}'"
        elif action == "unhide":
            if key not in hidden:
                raise ActionRejected(
                    self.message("'{entry}' is not hidden", entry=clean(body.entry))
                )
            hidden.discard(key)
            message = f"Showing '{clean(body.entry)}' again"
        else:
            raise ActionRejected(
                self.message("The word cloud has no action '{action}'", action=action)
            )
        return ActionOutcome(state={**state, "hidden": sorted(hidden)}, message=message)

    # -- export -------------------------------------------------------------------------------

    def export_columns(self, config: WordCloudConfig) -> list[str]:
        return ["entry", "counted_as"]

    def export_row(
        self, config: WordCloudConfig, state: JSON, answer: StoredAnswer[WordCloudAnswer]
    ) -> dict[str, str]:
        text = answer.answer.text
        return {"entry": text, "counted_as": entry_key(text, config.fold_accents)}


def _most_common_spelling(counter: Counter[str]) -> str:
    """The most used spelling; on a tie, one that is not all capitals, then alphabetical."""
    return min(counter, key=lambda s: (-counter[s], s.isupper(), s))


def _phase(status: str) -> str:
    return "closed" if status == "expired" else "draft"
