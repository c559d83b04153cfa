"""Word-cloud text handling: cleaning and the counting key.

"Python", "python " and "PYTHON!" all have the key ``python``: trimmed, spaces collapsed,
case-folded, punctuation removed (and accents folded when the presenter asks for it).
Hygiene (invisible and bidi-control characters, look-alike letters, blocked words and
profanity: ``caja_core.text.text_problem``) is ``caja_core.text``'s, the one place every
participant's text goes through.
"""

from __future__ import annotations

import re
import unicodedata

from caja_core import text as hygiene

_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """The entry as shown: cleaned (:func:`caja_core.text.clean_text`: NFKC, no invisible
    or bidi-control characters, spaces collapsed), punctuation trimmed from both ends."""
    text = hygiene.clean_text(text)
    start, end = 0, len(text)
    while start < end and _is_punctuation(text[start]):
        start += 1
    while end > start and _is_punctuation(text[end - 1]):
        end -= 1
    return text[start:end].strip()


def entry_key(text: str, fold_accents: bool = False) -> str:
    """The form entries are counted by: case-folded, without punctuation, spaces collapsed."""
    text = hygiene.clean_text(text).casefold()
    if fold_accents:
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
        text = unicodedata.normalize("NFC", text)
    text = "".join(" " if c.isspace() else c for c in text if not _is_punctuation(c))
    return _SPACES.sub(" ", text).strip()


def warm_up() -> None:
    """Read the word list now (a millisecond, once per process)."""
    hygiene.profanity_words()


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")
