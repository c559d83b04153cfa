"""caja_core.text: the one text-hygiene place (nicknames, word-cloud entries, free text)."""

from __future__ import annotations

import pytest

from caja_core import text

CYRILLIC_SHIT = "\u0455h\u0456t"  # Cyrillic dze and i
GREEK_BOB = "B\u03bfb"  # Greek omicron


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\u202etihs", "tihs"),  # right-to-left override: drawn as a swear word
        ("sh\u200bit", "shit"),  # zero-width space
        ("s\u00adhit", "shit"),  # soft hyphen
        ("a\u2066b\u2069c", "abc"),  # bidi isolates
        ("\ufeffhello", "hello"),  # byte order mark
        ("  many   spaces\t\n", "many spaces"),
        ("\uff21\uff22", "AB"),  # fullwidth, by NFKC
        ("caf\u0065\u0301", "caf\u00e9"),  # combining accent composed
    ],
)
def test_clean_text_normalises_and_drops_invisible_characters(raw: str, shown: str) -> None:
    assert text.clean_text(raw) == shown


@pytest.mark.parametrize("blank", ["", "   ", "\u3164", "\u2800\u2800", "\u115f", "\u200b\u200d"])
def test_visually_blank_text_is_blank(blank: str) -> None:
    assert text.is_blank(blank)


def test_text_with_anything_visible_is_not_blank() -> None:
    for visible in ("a", ".", "\u2764", "\u4e2d"):
        assert not text.is_blank(visible), visible


def test_look_alikes_share_a_skeleton() -> None:
    assert text.skeleton(GREEK_BOB) == text.skeleton("BOB") == text.skeleton("B0b")
    assert text.skeleton("Bi\u0049\u0049") == text.skeleton("Bill")  # capital i's
    assert text.skeleton("Jos\u00e9") == text.skeleton("jose")
    assert text.skeleton(CYRILLIC_SHIT) == text.skeleton("shit")
    assert text.skeleton("Ana") != text.skeleton("Anna")


def test_blocked_words_see_through_disguises() -> None:
    blocked = ["kotlin", "tabs vs spaces"]
    for disguised in (
        "KOTLIN!",
        "k\u200botlin",
        "k o t l i n",
        "I like Kotlins",
        "TABS  vs spaces",
    ):
        assert text.contains_blocked(disguised, blocked), disguised
    for fine in ("Python", "kotlinx", "tabs", "spaces vs tabs"):
        assert not text.contains_blocked(fine, blocked), fine


def test_profanity_is_refused_in_disguise_and_ordinary_words_are_not() -> None:
    for bad in ("shit", "What the FUCK!", "sh1t", "f u c k", CYRILLIC_SHIT, "bitches", "fucked"):
        assert text.is_profane(bad), bad
    for word in ("Python", "Scunthorpe", "assessment", "cocktail", "great talk", "butter"):
        assert not text.is_profane(word), word
    assert not text.is_profane("\u202etihs")  # shown as "tihs" once cleaned


def test_the_word_list_is_bundled_and_readable() -> None:
    words = text.profanity_words()
    assert len(words) > 300 and "shit" in words
    assert not any(w.startswith("#") for w in words)


def test_a_number_on_its_own_is_not_leetspeak() -> None:
    # "455" and "717" would read "ass" and "tit" letter for letter: a table or team number
    # must still be a fine nickname, while digits inside a word stay disguises.
    assert not any(text.is_profane(f"Table {n}") for n in range(1000))
    assert text.is_profane("P155") and text.is_profane("a55") and text.is_profane("sh1t")


def test_text_problem_names_the_first_check_a_text_fails() -> None:
    blocked = ["cobol"]
    assert text.text_problem(" \u3164 ", max_length=5) == "blank"
    assert text.text_problem("x" * 6, max_length=5) == "too_long"
    assert text.text_problem("x" * 6) is None, "no limit without max_length"
    assert text.text_problem("why C0B0L?", blocked_words=blocked) == "blocked"
    assert text.text_problem("this is shit") is None, "profanity only when asked"
    assert text.text_problem("this is shit", profanity_filter=True) == "blocked"
    assert text.text_problem("Why Python?", max_length=20, blocked_words=blocked) is None
