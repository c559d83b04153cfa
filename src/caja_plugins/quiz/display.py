"""How a quiz is drawn in each phase: progress, answer distribution, leaderboard, podium."""

from __future__ import annotations

from typing import Any

from caja_core import ViewContext
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
    if phase == "lobby":
        return [
            StatsBlock(
                stats=[
                    Stat(label="Questions", value=str(len(config.questions))),
                    Stat(label="Players", value=str(results["players"])),
                ]
            )
        ]
    if phase == "question":
        answered = questions[index]["answers"] if index < len(questions) else 0
        return [
            StatsBlock(
                title=f"Question {index + 1} of {len(config.questions)}",
                stats=[Stat(label="Answers", value=f"{answered} of {results['players']}")],
            )
        ]
    if phase == "revealed":
        return _reveal_blocks(questions[index], own)
    rows = _rows(results["leaderboard"][:LEADERBOARD_SIZE], me)
    if phase == "leaderboard":
        return [LeaderboardBlock(title="Leaderboard", rows=rows)]
    podium = _rows(results["podium"], me)
    return [
        PodiumBlock(title="Podium", places=podium),
        LeaderboardBlock(title="Final scores", rows=rows),
    ]


def _reveal_blocks(question: dict[str, Any], own: dict[str, Any]) -> list[DisplayBlock]:
    bars = [
        Bar(label=d["label"], count=d["count"], percent=d["percent"], highlight=d["correct"])
        for d in question["distribution"]
    ]
    stats = [Stat(label="Correct", value=f"{question['correct_count']} of {question['answers']}")]
    if "points" in own:
        stats.append(
            Stat(
                label="You",
                value="Correct" if own["correct"] else "Wrong",
                highlight=own["correct"],
            )
        )
        stats.append(Stat(label="Points", value=f"+{own['points']}"))
        stats.append(Stat(label="Rank", value=str(own["rank"])))
    return [
        BarsBlock(
            title=question["text"],
            bars=bars,
            show="counts",
            total_label=f"{question['answers']} answers",
        ),
        StatsBlock(stats=stats),
    ]


def _rows(rows: list[dict[str, Any]], me: str | None) -> list[LeaderboardRow]:
    return [
        LeaderboardRow(
            rank=r["rank"],
            name=r["nickname"],
            score=r["score"],
            detail=f"{r['correct']} correct",
            highlight=r["participant_id"] == me,
        )
        for r in rows
    ]
