"""How a quiz is drawn in each phase: progress, answer distribution, leaderboard, podium."""

from __future__ import annotations

from typing import Any

from caja_core import Translator
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
    t: Translator,
) -> list[DisplayBlock]:
    """Display blocks for ``state['phase']`` from the (already cut) results: the same for
    every viewer of one role (a participant's own verdict is :func:`own_display`)."""
    phase = state["phase"]
    index = state["question"]
    questions = results["questions"]
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
        return _reveal_blocks(questions[index], t)
    rows = _rows(results["leaderboard"][:LEADERBOARD_SIZE], t)
    if phase == "leaderboard":
        return [LeaderboardBlock(title=t.gettext("Leaderboard"), rows=rows)]
    podium = _rows(results["podium"], t)
    return [
        PodiumBlock(title=t.gettext("Podium"), places=podium),
        LeaderboardBlock(title=t.gettext("Final scores"), rows=rows),
    ]


def own_display(state: dict[str, Any], own: dict[str, Any], t: Translator) -> list[DisplayBlock]:
    """A participant's own verdict on the revealed question: right or wrong, points, rank."""
    if state["phase"] != "revealed" or "points" not in own:
        return []
    verdict = t.gettext("Correct") if own["correct"] else t.gettext("Wrong")
    return [
        StatsBlock(
            stats=[
                Stat(label=t.gettext("You"), value=verdict, highlight=own["correct"]),
                Stat(label=t.gettext("Points"), value=f"+{own['points']}"),
                Stat(label=t.gettext("Rank"), value=str(own["rank"])),
            ]
        )
    ]


def _reveal_blocks(question: dict[str, Any], t: Translator) -> list[DisplayBlock]:
    bars = [
        Bar(label=d["label"], count=d["count"], percent=d["percent"], highlight=d["correct"])
        for d in question["distribution"]
    ]
    correct = t.gettext("{n} of {total}", n=question["correct_count"], total=question["answers"])
    stats = [Stat(label=t.gettext("Correct"), value=correct)]
    return [
        BarsBlock(
            title=question["text"],
            bars=bars,
            show="counts",
            total_label=t.ngettext("{n} answer", "{n} answers", question["answers"]),
        ),
        StatsBlock(stats=stats),
    ]


def _rows(rows: list[dict[str, Any]], t: Translator) -> list[LeaderboardRow]:
    return [
        LeaderboardRow(
            rank=r["rank"],
            name=r["nickname"],
            score=r["score"],
            detail=t.ngettext("{n} correct", "{n} correct", r["correct"]),
        )
        for r in rows
    ]
