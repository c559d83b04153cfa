"""Planning-poker decks, the config, and the statistics of one round of votes."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from caja_core import StrictModel

UNSURE = "?"
COFFEE = "☕"
SPECIAL_CARDS = (UNSURE, COFFEE)

DECKS: dict[str, tuple[str, ...]] = {
    "fibonacci": ("0", "1", "2", "3", "5", "8", "13", "21", "34", "55", "89"),
    "modified_fibonacci": ("0", "½", "1", "2", "3", "5", "8", "13", "20", "40", "100"),
    "tshirt": ("XS", "S", "M", "L", "XL", "XXL"),
    "powers_of_two": ("0", "1", "2", "4", "8", "16", "32", "64"),
}

DeckName = Literal["fibonacci", "modified_fibonacci", "tshirt", "powers_of_two", "custom"]


def card_value(card: str) -> float | None:
    """The number on a card ("½" is 0.5), or None for a card that is not a number."""
    text = card.strip().replace("½", ".5").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


class PokerItem(StrictModel):
    """One story (item) to estimate."""

    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class PokerConfig(StrictModel):
    """What the presenter sets up for a planning-poker table."""

    deck: DeckName = Field(
        default="modified_fibonacci",
        description="fibonacci, modified_fibonacci (0, ½, 1, 2, 3, 5, 8, 13, 20, 40, 100), "
        "tshirt, powers_of_two, or custom (your own cards)",
    )
    custom_cards: list[str] = Field(
        default_factory=list,
        max_length=30,
        description="The cards of a custom deck, in order (2 to 30)",
    )
    unsure_card: bool = Field(default=True, description="Add a '?' card")
    coffee_card: bool = Field(default=False, description="Add a coffee-break card")
    items: list[PokerItem] = Field(min_length=1, max_length=200, description="Stories to estimate")
    round_seconds: int | None = Field(
        default=None, ge=10, le=3600, description="Optional timer per round; cards flip at zero"
    )
    auto_reveal: bool = Field(
        default=True, description="Reveal as soon as every connected participant has voted"
    )

    @model_validator(mode="after")
    def _check_deck(self) -> Self:
        if self.deck != "custom":
            if self.custom_cards:
                raise ValueError("custom_cards is only for the custom deck")
            return self
        cards = [c.strip() for c in self.custom_cards]
        if len(cards) < 2:
            raise ValueError("A custom deck needs at least 2 cards")
        if any(not c or len(c) > 12 for c in cards):
            raise ValueError("Each custom card needs 1 to 12 characters")
        if len(set(cards)) != len(cards):
            raise ValueError("Custom cards must be different from each other")
        if any(c in SPECIAL_CARDS for c in cards):
            raise ValueError("Use unsure_card and coffee_card for the '?' and coffee cards")
        self.custom_cards = cards
        return self

    def real_cards(self) -> tuple[str, ...]:
        """The deck's estimate cards, in order (without '?' and coffee)."""
        return tuple(self.custom_cards) if self.deck == "custom" else DECKS[self.deck]

    def cards(self) -> list[str]:
        """Every card a participant can play, in order."""
        extra = [UNSURE] if self.unsure_card else []
        extra += [COFFEE] if self.coffee_card else []
        return [*self.real_cards(), *extra]

    def numeric(self) -> bool:
        """Whether every estimate card is a number (so averages and medians make sense)."""
        return all(card_value(c) is not None for c in self.real_cards())


def round_summary(config: PokerConfig, votes: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Distribution, statistics, consensus and outliers of one round's votes.

    ``votes`` are ``{"participant_id", "nickname", "card"}`` dicts; the result does not
    depend on their order. '?' and coffee votes are counted in the distribution but not in
    the statistics or the consensus.
    """
    deck = config.cards()
    position = {card: i for i, card in enumerate(config.real_cards())}
    counts = Counter(v["card"] for v in votes)
    total = len(votes)
    distribution = [
        {"card": c, "count": counts[c], "percent": round(100.0 * counts[c] / total, 1)}
        for c in deck
        if counts[c]
    ]
    real = sorted((v["card"] for v in votes if v["card"] in position), key=position.__getitem__)
    stats: dict[str, Any] = {
        "votes": total,
        "estimates": len(real),
        "min": real[0] if real else None,
        "max": real[-1] if real else None,
        "average": None,
        "median": None,
    }
    if real and config.numeric():
        values = [card_value(c) or 0.0 for c in real]
        stats["average"] = round(statistics.fmean(values), 2)
        stats["median"] = round(float(statistics.median(values)), 2)
    consensus: dict[str, Any] = {"all_equal": False, "top_card": None, "top_share": 0.0}
    if real:
        real_counts = Counter(real)
        top = min(real_counts, key=lambda c: (-real_counts[c], position[c]))
        consensus = {
            "all_equal": len(real_counts) == 1,
            "top_card": top,
            "top_share": round(100.0 * real_counts[top] / len(real), 1),
        }
    outliers: set[str] = set()
    if len(real) >= 3:
        middle = statistics.median_low([position[c] for c in real])
        outliers = {c for c in real if abs(position[c] - middle) >= 2}
    shown = sorted(
        ({**v, "outlier": v["card"] in outliers} for v in votes),
        key=lambda v: (v["nickname"].casefold(), v["participant_id"]),
    )
    return {
        "votes": shown,
        "distribution": distribution,
        "stats": stats,
        "consensus": consensus,
    }
