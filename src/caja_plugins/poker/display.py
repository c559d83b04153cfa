"""How planning-poker results are drawn: cards, distribution, figures, and the item table."""

from __future__ import annotations

from typing import Any

from caja_core.display import (
    Bar,
    BarsBlock,
    Card,
    CardsBlock,
    DisplayBlock,
    Stat,
    StatsBlock,
    TableBlock,
)

FEW_CARDS = 16
"""Up to this many votes the cards come first (a team reads its cards); beyond, the
distribution and the figures do, above the fold of the big screen."""
MAX_CARDS = 120
"""Cards drawn at most (outliers first): a big screen shows a team's cards; in a room of
thousands the distribution and the figures say what the cards can't."""


def _shown(votes: list[dict[str, Any]], title: str) -> tuple[list[dict[str, Any]], str]:
    if len(votes) <= MAX_CARDS:
        return votes, title
    first = [v for v in votes if v.get("outlier")] + [v for v in votes if not v.get("outlier")]
    return first[:MAX_CARDS], f"{title} ({MAX_CARDS} of {len(votes):,} cards)"


def poker_display(results: dict[str, Any], phase: str) -> list[DisplayBlock]:
    """Display blocks for the (already cut) results in ``phase``."""
    blocks: list[DisplayBlock] = []
    current = results["current"]
    items = results["items"]
    if phase != "done" and current["item"] < len(items):
        item = items[current["item"]]
        this_round = item["rounds"][current["round"] - 1]
        title = f"{item['title']} — round {this_round['round']}"
        if this_round["revealed"]:
            blocks.extend(_revealed_blocks(this_round, title))
        else:
            voters, cards_title = _shown(this_round["voters"], title)
            cards = [Card(label=v["nickname"], face_up=False) for v in voters]
            blocks.append(CardsBlock(title=cards_title, cards=cards))
            voted = len(this_round["voters"])
            waiting = f"{voted} of {results['connected']}" if results["connected"] else str(voted)
            blocks.append(StatsBlock(stats=[Stat(label="Voted", value=waiting)]))
    rows = [
        [item["title"], _final(item), str(len(item["rounds"]))]
        for item in items
        if item["estimate"] is not None or item["skipped"] or phase == "done"
    ]
    if rows:
        blocks.append(
            TableBlock(title="Estimates", columns=["Item", "Estimate", "Rounds"], rows=rows)
        )
    return blocks


def _revealed_blocks(this_round: dict[str, Any], title: str) -> list[DisplayBlock]:
    votes, cards_title = _shown(this_round["votes"], title)
    cards = [
        Card(
            label=v["nickname"],
            value=v["card"],
            face_up=True,
            highlight=v["outlier"],
            note="outlier" if v["outlier"] else None,
        )
        for v in votes
    ]
    bars = [
        Bar(label=d["card"], count=d["count"], percent=d["percent"])
        for d in this_round["distribution"]
    ]
    stats = this_round["stats"]
    consensus = this_round["consensus"]
    figures = []
    if stats["average"] is not None:
        figures.append(Stat(label="Average", value=_number(stats["average"])))
        figures.append(Stat(label="Median", value=_number(stats["median"])))
    if stats["min"] is not None:
        figures.append(Stat(label="Min", value=stats["min"]))
        figures.append(Stat(label="Max", value=stats["max"]))
    if consensus["all_equal"]:
        figures.append(
            Stat(label="Consensus", value=f"Yes: {consensus['top_card']}", highlight=True)
        )
    elif consensus["top_card"] is not None:
        share = _number(consensus["top_share"])
        figures.append(Stat(label="Consensus", value=f"{share}% on {consensus['top_card']}"))
    summary: list[DisplayBlock] = []
    if bars:
        votes = stats["votes"]
        summary.append(BarsBlock(bars=bars, show="counts", total_label=f"{votes} votes"))
    if figures:
        summary.append(StatsBlock(stats=figures))
    cards_block = CardsBlock(title=cards_title, cards=cards)
    if len(this_round["votes"]) > FEW_CARDS:  # the summary first, where the room can see it
        return [*summary, cards_block]
    return [cards_block, *summary]


def _final(item: dict[str, Any]) -> str:
    if item["estimate"] is not None:
        return str(item["estimate"])
    return "skipped" if item["skipped"] else "—"


def _number(value: float) -> str:
    return f"{value:g}"
