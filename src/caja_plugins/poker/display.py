"""How planning-poker results are drawn: cards, distribution, figures, and the item table."""

from __future__ import annotations

from typing import Any

from caja_core import Translator
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


def _shown(
    votes: list[dict[str, Any]], title: str, t: Translator
) -> tuple[list[dict[str, Any]], str]:
    if len(votes) <= MAX_CARDS:
        return votes, title
    first = [v for v in votes if v.get("outlier")] + [v for v in votes if not v.get("outlier")]
    shown = t.gettext(
        "{title} ({shown} of {total} cards)", title=title, shown=MAX_CARDS, total=len(votes)
    )
    return first[:MAX_CARDS], shown


def poker_display(results: dict[str, Any], phase: str, t: Translator) -> list[DisplayBlock]:
    """Display blocks for the (already cut) results in ``phase``, with texts from ``t``."""
    blocks: list[DisplayBlock] = []
    current = results["current"]
    items = results["items"]
    if phase != "done" and current["item"] < len(items):
        item = items[current["item"]]
        this_round = item["rounds"][current["round"] - 1]
        title = t.gettext("{item} — round {round}", item=item["title"], round=this_round["round"])
        if this_round["revealed"]:
            blocks.extend(_revealed_blocks(this_round, title, t))
        else:
            voters, cards_title = _shown(this_round["voters"], title, t)
            cards = [Card(label=v["nickname"], face_up=False) for v in voters]
            blocks.append(CardsBlock(title=cards_title, cards=cards))
            voted = len(this_round["voters"])
            waiting = (
                t.gettext("{voted} of {connected}", voted=voted, connected=results["connected"])
                if results["connected"]
                else str(voted)
            )
            blocks.append(StatsBlock(stats=[Stat(label=t.gettext("Voted"), value=waiting)]))
    rows = [
        [item["title"], _final(item, t), str(len(item["rounds"]))]
        for item in items
        if item["estimate"] is not None or item["skipped"] or phase == "done"
    ]
    if rows:
        blocks.append(
            TableBlock(
                title=t.gettext("Estimates"),
                columns=[t.gettext("Item"), t.gettext("Estimate"), t.gettext("Rounds")],
                rows=rows,
            )
        )
    return blocks


def _revealed_blocks(this_round: dict[str, Any], title: str, t: Translator) -> list[DisplayBlock]:
    votes, cards_title = _shown(this_round["votes"], title, t)
    cards = [
        Card(
            label=v["nickname"],
            value=v["card"],
            face_up=True,
            highlight=v["outlier"],
            note=t.gettext("outlier") if v["outlier"] else None,
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
        figures.append(Stat(label=t.gettext("Average"), value=_number(stats["average"])))
        figures.append(Stat(label=t.gettext("Median"), value=_number(stats["median"])))
    if stats["min"] is not None:
        figures.append(Stat(label=t.gettext("Min"), value=stats["min"]))
        figures.append(Stat(label=t.gettext("Max"), value=stats["max"]))
    consensus_label = t.gettext("Consensus")
    if consensus["all_equal"]:
        yes = t.gettext("Yes: {card}", card=consensus["top_card"])
        figures.append(Stat(label=consensus_label, value=yes, highlight=True))
    elif consensus["top_card"] is not None:
        share = t.gettext(
            "{share}% on {card}", share=_number(consensus["top_share"]), card=consensus["top_card"]
        )
        figures.append(Stat(label=consensus_label, value=share))
    summary: list[DisplayBlock] = []
    if bars:
        total = t.ngettext("{n} vote", "{n} votes", stats["votes"])
        summary.append(BarsBlock(bars=bars, show="counts", total_label=total))
    if figures:
        summary.append(StatsBlock(stats=figures))
    cards_block = CardsBlock(title=cards_title, cards=cards)
    if len(this_round["votes"]) > FEW_CARDS:  # the summary first, where the room can see it
        return [*summary, cards_block]
    return [cards_block, *summary]


def _final(item: dict[str, Any], t: Translator) -> str:
    if item["estimate"] is not None:
        return str(item["estimate"])
    return t.gettext("skipped") if item["skipped"] else "—"


def _number(value: float) -> str:
    return f"{value:g}"
