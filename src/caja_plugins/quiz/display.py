"""How a quiz is drawn in each phase: progress, answer distribution, leaderboard, podium."""

from __future__ import annotations

from typing import Any

from caja_core import Translator, ViewContext
from caja_core.display import (
    Bar,
    BarsBlock,
    DisplayBlock,
    LeaderboardBlock,
    LeaderboardRow,
    PodiumBlock,
    Stat,
    StatsBlock,
)
from caja_plugins.quiz.questions import QuizConfig

LEADERBOARD_SIZE = 10


def quiz_display(
    config: QuizConfig,
    state: dict[str, Any],
    results: dict[str, Any],
    ctx: ViewContext,
    own: dict[str, Any],
) -> list[DisplayBlock]:
    """Display blocks for ``state['phase']`` from the (already cut) results."""
    phase = state["phase"]
    index = state["question"]
    questions = results["questions"]
    me = str(ctx.participant_id) if ctx.participant_id else None
    t = ctx.translator
    if phase == "lobby":
        return [
            StatsBlock(
                stats=[
                    Stat(label=t.gettext("Questions"), value=str(len(config.questions))),
                    Stat(label=t.gettext("Players"), value=str(results["players"])),
                ]
            )
        ]
    if phase == "question":
        answered = questions[index]["answers"] if index < len(questions) else 0
        of_players = t.gettext("{n} of {total}", n=answered, total=results["players"])
        return [
            StatsBlock(
                title=t.gettext(
                    "Question {n} of {total}", n=index + 1, total=len(config.questions)
                ),
                stats=[Stat(label=t.gettext("Answers"), value=of_players)],
            )
        ]
    if phase == "revealed":
        return _reveal_blocks(questions[index], own, t)
    rows = _rows(results["leaderboard"][:LEADERBOARD_SIZE], me, t)
    if phase == "leaderboard":
        return [LeaderboardBlock(title=t.gettext("Leaderboard"), rows=rows)]
    podium = _rows(results["podium"], me, t)
    return [
        PodiumBlock(title=t.gettext("Podium"), places=podium),
        LeaderboardBlock(title=t.gettext("Final scores"), rows=rows),
    ]


def _reveal_blocks(
    question: dict[str, Any], own: dict[str, Any], t: Translator
) -> list[DisplayBlock]:
    bars = [
        Bar(label=d["label"], count=d["count"], percent=d["percent"], highlight=d["correct"])
        for d in question["distribution"]
    ]
    correct = t.gettext("{n} of {total}", n=question["correct_count"], total=question["answers"])
    stats = [Stat(label=t.gettext("Correct"), value=correct)]
    if "points" in own:
        stats.append(
            Stat(
                label=t.gettext("You"),
                value=t.gettext("Correct") if own["correct"] else t.gettext("Wrong"),
                highlight=own["correct"],
            )
        )
        stats.append(Stat(label=t.gettext("Points"), value=f"+{own['points']}"))
        stats.append(Stat(label=t.gettext("Rank"), value=str(own["rank"])))
    return [
        BarsBlock(
            title=question["text"],
            bars=bars,
            show="counts",
            total_label=t.ngettext("{n} answer", "{n} answers", question["answers"]),
        ),
        StatsBlock(stats=stats),
    ]


def _rows(rows: list[dict[str, Any]], me: str | None, t: Translator) -> list[LeaderboardRow]:
    return [
        LeaderboardRow(
            rank=r["rank"],
            name=r["nickname"],
            score=r["score"],
            detail=t.ngettext("{n} correct", "{n} correct", r["correct"]),
            highlight=r["participant_id"] == me,
        )
        for r in rows
    ]
