"""Word-cloud text handling: cleaning, the counting key, and the profanity check.

"Python", "python " and "PYTHON!" all have the key ``python``: trimmed, spaces collapsed,
case-folded, punctuation removed (and accents folded when the presenter asks for it).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """The entry as shown: NFKC, spaces collapsed, punctuation trimmed from both ends."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    start, end = 0, len(text)
    while start < end and _is_punctuation(text[start]):
        start += 1
    while end > start and _is_punctuation(text[end - 1]):
        end -= 1
    return text[start:end].strip()


def entry_key(text: str, fold_accents: bool = False) -> str:
    """The form entries are counted by: case-folded, without punctuation, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if fold_accents:
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
        text = unicodedata.normalize("NFC", text)
    text = "".join(" " if c.isspace() else c for c in text if not _is_punctuation(c))
    return _SPACES.sub(" ", text).strip()


def contains_blocked(key: str, blocked: Iterable[str]) -> bool:
    """Whether any blocked word or phrase occurs as whole words in ``key``."""
    padded = f" {entry_key(key, fold_accents=True)} "
    for word in blocked:
        needle = entry_key(word, fold_accents=True)
        if needle and f" {needle} " in padded:
            return True
    return False


def is_profane(text: str) -> bool:
    """The maintained ``alt-profanity-check`` model's verdict on the entry and its words."""
    words = text.split()
    candidates = [text, *words] if len(words) > 1 else [text]
    return any(_verdict(candidate) for candidate in candidates)


@functools.lru_cache(maxsize=65_536)
def _verdict(candidate: str) -> bool:
    # A room sends the same words again and again; the model costs milliseconds a call.
    return int(_profanity_model()([candidate])[0]) == 1


@functools.cache
def _profanity_model() -> Callable[[Sequence[str]], Sequence[int]]:
    # Imported on first use: loading the model takes a few seconds, which a server that never
    # runs a word cloud should not pay at start-up. ``on_activate`` warms it up.
    from profanity_check import predict

    return predict  # type: ignore[no-any-return]


def warm_up() -> None:
    """Load the profanity model now (it takes a few seconds the first time)."""
    _profanity_model()


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")
