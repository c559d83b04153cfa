"""Accent colours keep WCAG AA contrast on both themes: adjusted, with the reason, never
drawn below 4.5:1 as text, and black or white text on them above 4.5:1."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caja_core.branding import AA_TEXT, PAGE_COLOURS, THEMES, accent_for, branding, contrast


def test_contrast_matches_wcag_reference_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


def test_a_good_colour_is_kept() -> None:
    kept = accent_for("#4338ca", "light")
    assert (kept.accent, kept.accent_text, kept.adjusted, kept.note) == (
        "#4338ca",
        "#ffffff",
        False,
        None,
    )


def test_a_pale_colour_is_darkened_on_light_and_kept_on_dark_saying_why() -> None:
    light = accent_for("#FFE14D", "light")
    assert light.adjusted and light.accent != "#ffe14d"
    assert light.note and "#ffe14d" in light.note and "4.5:1" in light.note
    assert light.params and light.params["ratio"] < AA_TEXT
    dark = accent_for("#ffe14d", "dark")
    assert not dark.adjusted and dark.accent_text == "#000000"


@given(st.from_regex(r"\A#[0-9a-f]{6}\Z"), st.sampled_from(THEMES))
def test_every_colour_is_drawn_with_aa_contrast(colour: str, theme: str) -> None:
    a = accent_for(colour, theme)  # type: ignore[arg-type]
    for page in PAGE_COLOURS[theme]:  # type: ignore[index]
        assert contrast(a.accent, page) >= AA_TEXT
    assert contrast(a.accent, a.accent_text) >= AA_TEXT


def test_branding_document() -> None:
    assert branding(None, None, None) is None
    doc = branding("#ffe14d", "/media/logo.png", "dark")
    assert doc is not None and doc["theme"] == "dark" and doc["logo_url"] == "/media/logo.png"
    assert doc["accents"]["light"]["adjusted"] and not doc["accents"]["dark"]["adjusted"]
