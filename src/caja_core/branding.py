"""A session's look: accent colour, logo and theme, with text contrast kept at WCAG AA.

The web app draws the accent as text and links on the page (``--accent`` on ``--bg`` and
``--surface``) and as a background with text on it (buttons, the countdown: ``--accent-text``
on ``--accent``). For each theme :func:`accent_for` finds the colour to draw: the
presenter's own when it reaches 4.5:1 (WCAG 2.2 AA for normal text) against both page
colours, else the nearest shade that does (mixed towards black on light pages, white on
dark ones), saying why; and black or white text on it, whichever contrasts more (always at
least 4.58:1). Nothing is refused for its contrast: a colour is adjusted, and a malformed
one is a field error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

Theme = Literal["light", "dark"]
THEMES: tuple[Theme, ...] = ("light", "dark")

AA_TEXT = 4.5
"""WCAG 2.2 AA minimum contrast for normal text (1.4.3)."""

PAGE_COLOURS: dict[Theme, tuple[str, str]] = {
    "light": ("#f6f7fb", "#ffffff"),
    "dark": ("#0b0d17", "#161a2b"),
}
"""The web app's page and surface colours per theme (``--bg``, ``--surface`` in styles.css)."""

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def is_colour(value: str) -> bool:
    """Whether ``value`` is a ``#rrggbb`` colour."""
    return bool(_HEX.match(value))


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(colour: str, towards: str, share: float) -> str:
    a, b = _rgb(colour), _rgb(towards)
    return _hex(tuple(x + (y - x) * share for x, y in zip(a, b, strict=True)))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Accent:
    """The accent drawn on one theme."""

    accent: str
    """The colour drawn (the presenter's, or the nearest shade with AA contrast)."""
    accent_text: str
    """Text drawn on the accent: ``#000000`` or ``#ffffff``."""
    adjusted: bool
    note: str | None
    """Why the colour was adjusted (English; ``params`` for other languages)."""
    params: dict[str, Any] | None = None


def _worst(colour: str, theme: Theme) -> float:
    return min(contrast(colour, page) for page in PAGE_COLOURS[theme])


def accent_for(colour: str, theme: Theme) -> Accent:
    """The accent to draw on ``theme`` for the presenter's ``colour`` (``#rrggbb``)."""
    colour = colour.lower()
    before = _worst(colour, theme)
    drawn = colour
    if before < AA_TEXT:
        towards = "#000000" if theme == "light" else "#ffffff"
        # The smallest mix (in steps of 1 %) that reaches AA against both page colours.
        for step in range(1, 101):
            drawn = _mix(colour, towards, step / 100)
            if _worst(drawn, theme) >= AA_TEXT:
                break
    on = max(("#000000", "#ffffff"), key=lambda text: contrast(drawn, text))
    if drawn == colour:
        return Accent(colour, on, adjusted=False, note=None)
    params = {
        "colour": colour,
        "drawn": drawn,
        "theme": theme,
        "ratio": round(before, 2),
        "needed": AA_TEXT,
    }
    note = (
        f"{colour} has a contrast of {before:.2f}:1 with the {theme} theme's page; text needs "
        f"{AA_TEXT}:1 (WCAG AA), so it is drawn as {drawn}"
    )
    return Accent(drawn, on, adjusted=True, note=note, params=params)


def branding(
    accent_color: str | None, logo_url: str | None, theme: str | None
) -> dict[str, Any] | None:
    """A session's branding as the state document and the admin API carry it (None when
    the session has none): the theme (None: the viewer's), the logo, and for each theme
    the accent to draw with the text colour on it and why it was adjusted."""
    if not (accent_color or logo_url or theme):
        return None
    accents = None
    if accent_color and is_colour(accent_color):
        accents = {}
        for name in THEMES:
            a = accent_for(accent_color, name)
            accents[name] = {
                "accent": a.accent,
                "accent_text": a.accent_text,
                "adjusted": a.adjusted,
                "note": a.note,
                "params": a.params,
            }
    return {
        "accent_color": accent_color,
        "logo_url": logo_url,
        "theme": theme if theme in THEMES else None,
        "accents": accents,
    }
