# ruff: noqa: RUF001, RUF002 - look-alike letters are what this module is about
"""Text hygiene for everything participants type: the one place nicknames, word-cloud
entries and every other free-text answer go through.

- :func:`clean_text`: the text as stored and shown: NFKC, invisible and bidi-control
  characters removed (zero-width, soft hyphen, right-to-left override, ... so
  ``"\\u202etihs"`` can't draw a swear word on the big screen), whitespace collapsed.
- :func:`is_blank`: nothing visible left (Hangul fillers U+3164, braille blank U+2800, ...).
- :func:`skeleton`: the form look-alikes share (Cyrillic ``а`` and Latin ``a``, ``0`` and
  ``O``, ``I`` and ``l``, accents): for duplicate checks and blocked words.
- :func:`contains_blocked`: whether a text contains any of some words, compared on
  skeletons as whole words (so "Scunthorpe" and "assessment" are fine), also with the
  letters run together ("s h i t") and with leetspeak digits ("sh1t").
- :func:`is_profane`: :func:`contains_blocked` with the bundled English list
  (``caja_core/wordlists/en.txt``).
- :func:`text_problem`: the checks a free-text answer goes through (blank, too long,
  blocked or profane), as one verdict the type turns into its own message.

Pure functions of the standard library, cheap enough for every answer (cached).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources
from typing import Literal

__all__ = ["clean_text", "contains_blocked", "has_hidden_characters", "is_blank", "is_profane"]
__all__ += ["profanity_words", "skeleton", "text_problem"]

# Code points that draw nothing (or only steer the drawing) but are not category Cf.
_INVISIBLE = frozenset(
    [
        *(0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E, 0x2800),
        *(0x3164, 0xFFA0, 0x1D159, *range(0x1D173, 0x1D17B)),
        *range(0xFE00, 0xFE10),  # variation selectors
        *range(0xE0100, 0xE01F0),
    ]
)
_SPACES = re.compile(r"\s+")

# Look-alikes of Latin letters and digits, applied after case folding, NFKD and removing
# marks: from the Unicode confusables data for the scripts people use to dodge a filter.
# i, l, 1 and | are one letter here ("BiII" with capital i's is "Bill").
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "i", "һ": "h", "ү": "y", "ь": "b",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ζ": "z", "μ": "u",
        # Latin and symbols
        "ı": "i", "ɑ": "a", "ɡ": "g", "ℓ": "i", "l": "i", "1": "i", "|": "i", "0": "o",
    }
)  # fmt: skip
# What people type instead of letters to get a word past a filter (blocked words only).
_LEET = str.maketrans({"3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_ENDINGS = ("s", "es", "ed", "ing")
_NON_WORD = re.compile(r"[\W_]+")


def _is_hidden(char: str) -> bool:
    return unicodedata.category(char) == "Cf" or ord(char) in _INVISIBLE


def has_hidden_characters(text: str) -> bool:
    """Whether ``text`` holds control, invisible or bidi-control characters (a field that
    would rather refuse them than drop them, such as a nickname)."""
    return any(_is_hidden(c) or (unicodedata.category(c) == "Cc" and not c.isspace()) for c in text)


@functools.lru_cache(maxsize=65_536)
def clean_text(text: str) -> str:
    """``text`` as it is stored and shown: NFKC, without control, invisible and
    bidi-control characters, whitespace runs collapsed to one space, trimmed."""
    text = unicodedata.normalize("NFKC", text)
    kept = "".join(
        " " if c.isspace() else c
        for c in text
        if not _is_hidden(c) and not (unicodedata.category(c) == "Cc" and not c.isspace())
    )
    return _SPACES.sub(" ", kept).strip()


def is_blank(text: str) -> bool:
    """Whether ``text`` shows nothing: empty once cleaned, or only marks and spaces."""
    return not any(unicodedata.category(c)[0] not in "MZ" for c in clean_text(text))


@functools.lru_cache(maxsize=65_536)
def skeleton(text: str) -> str:
    """The form look-alike texts share: cleaned, accents and other marks removed,
    look-alike letters and digits mapped to one Latin letter, spaces collapsed.
    ``skeleton("Bоb")`` (Cyrillic о) is ``skeleton("BOB")``; so is "B0b"."""
    decomposed = unicodedata.normalize("NFKD", clean_text(text).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_LOOKALIKES)


def _words(text: str) -> list[str]:
    # A number on its own ("Table 455") is a number, not leetspeak; "P155" is.
    words: list[str] = []
    for token in clean_text(text).split(" "):
        if token.isdecimal():
            words.append(token)
        else:
            words.extend(w for w in _NON_WORD.split(skeleton(token.translate(_LEET))) if w)
    return words


@functools.lru_cache(maxsize=256)
def _needles(blocked: tuple[str, ...]) -> tuple[frozenset[str], int]:
    """The blocked phrases as word sequences, and the most words one has."""
    needles = frozenset(" ".join(_words(word)) for word in blocked) - {""}
    return needles, max((n.count(" ") + 1 for n in needles), default=0)


def contains_blocked(text: str, blocked: Iterable[str]) -> bool:
    """Whether ``text`` contains one of ``blocked`` (words or phrases): compared on
    skeletons with leetspeak undone, as whole words (a word may carry the ending s, es,
    ed or ing), or as the whole text with its letters run together ("f u c k")."""
    return _contains(text, blocked if isinstance(blocked, tuple) else tuple(blocked))


@functools.lru_cache(maxsize=65_536)
def _contains(text: str, blocked: tuple[str, ...]) -> bool:
    # A room sends the same words again and again: cached per text and list.
    needles, longest = _needles(blocked)
    if not needles:
        return False
    words = _words(text)
    if "".join(words) in needles:
        return True
    for start in range(len(words)):
        phrase = ""
        for word in words[start : start + longest]:
            phrase = f"{phrase} {word}" if phrase else word
            if phrase in needles or any(
                phrase.endswith(e) and phrase[: -len(e)] in needles for e in _ENDINGS
            ):
                return True
    return False


@functools.cache
def profanity_words() -> tuple[str, ...]:
    """The bundled English profanity list (``caja_core/wordlists/en.txt``)."""
    text = resources.files("caja_core").joinpath("wordlists/en.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def is_profane(text: str) -> bool:
    """Whether ``text`` contains English profanity (:func:`contains_blocked` with the
    bundled list; the first call reads it, in about a millisecond)."""
    return contains_blocked(text, profanity_words())


TextProblem = Literal["blank", "too_long", "blocked"]


def text_problem(
    text: str,
    *,
    max_length: int | None = None,
    blocked_words: Iterable[str] = (),
    profanity_filter: bool = False,
) -> TextProblem | None:
    """What keeps a participant's free text (a question, an answer, an entry) off the
    screen, or None when nothing does.

    Args:
        text: the text as the type stores it, after :func:`clean_text`.
        max_length: the most characters allowed (None: no limit).
        blocked_words: the presenter's own words and phrases to refuse
            (:func:`contains_blocked`).
        profanity_filter: also refuse English profanity (:func:`is_profane`).

    Returns:
        ``"blank"`` when nothing visible is left (:func:`is_blank`), ``"too_long"`` when it
        has more than ``max_length`` characters, ``"blocked"`` when it contains a blocked
        word or (with ``profanity_filter``) profanity; checked in that order. The type
        raises ``AnswerRejected`` with its own message for each::

            text = clean_text(item.text)
            problem = text_problem(text, max_length=config.max_length, ...)
            if problem == "blank":
                raise AnswerRejected("Write a question first")
    """
    if is_blank(text):
        return "blank"
    if max_length is not None and len(text) > max_length:
        return "too_long"
    if contains_blocked(text, blocked_words) or (profanity_filter and is_profane(text)):
        return "blocked"
    return None
