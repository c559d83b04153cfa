"""The word cloud: normalisation, limits, profanity and blocked words, moderation, counts."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import caja_plugins.wordcloud
from caja_core import ActionRejected, AnswerRejected
from caja_core.testing import ActivityHarness, ActivityTypeContract
from caja_core.text import is_profane
from caja_plugins.wordcloud import WordCloudType
from caja_plugins.wordcloud.text import clean, entry_key

CLOUD = WordCloudType()


def make_config(**overrides: Any) -> dict[str, Any]:
    return {"prompt": "One word for this talk?", **overrides}


def cloud(**overrides: Any) -> ActivityHarness:
    h = ActivityHarness(CLOUD, make_config(**overrides))
    h.activate()
    return h


class TestWordCloudContract(ActivityTypeContract):
    activity_type = CLOUD
    plugin = caja_plugins.wordcloud
    config = make_config()
    invalid_configs = (
        make_config(entries_per_participant=0),
        make_config(entries_per_participant=11),
        make_config(max_length=0),
        make_config(blocked_words=[""]),
        {"entries_per_participant": 3},
    )
    good_answers = (
        {"text": "Python"},
        {"text": "python "},
        {"text": "great talk"},
        {"text": "Café"},
    )
    bad_answers = (
        {"text": ""},
        {"text": "!!!"},
        {"text": "x" * 26},
        {"word": "hi"},
        {"text": "shit"},
    )


def test_defaults() -> None:
    parsed = CLOUD.parse_config(make_config())
    assert (parsed.entries_per_participant, parsed.max_length) == (3, 25)
    assert parsed.profanity_filter is True
    assert parsed.single_word is False


# -- normalisation -----


def test_python_spellings_count_as_one() -> None:
    assert {entry_key(t) for t in ("Python", "python ", "PYTHON!", "  python\t", "¡Python!")} == {
        "python"
    }
    h = cloud()
    h.answer("ann", {"text": "Python"})
    h.answer("bob", {"text": "python "})
    h.answer("cy", {"text": "PYTHON!"})
    h.answer("dee", {"text": "Rust"})
    entries = h.results()["entries"]
    assert [(e["text"], e["count"]) for e in entries] == [("Python", 3), ("Rust", 1)]
    (block,) = h.view().display
    assert block.kind == "cloud"
    assert [(w.text, w.weight) for w in block.words] == [("Python", 3), ("Rust", 1)]  # type: ignore[union-attr]


def test_spaces_collapse_and_punctuation_goes() -> None:
    assert clean("  machine    learning!! ") == "machine learning"
    assert entry_key("Machine   Learning.") == entry_key("machine learning")
    assert entry_key("rock'n'roll") == "rocknroll"


def test_accent_folding_is_optional() -> None:
    assert entry_key("Café") != entry_key("cafe")
    assert entry_key("Café", fold_accents=True) == entry_key("cafe", fold_accents=True)
    h = cloud(fold_accents=True)
    h.answer("ann", {"text": "Café"})
    h.answer("bob", {"text": "cafe"})
    assert [e["count"] for e in h.results()["entries"]] == [2]


def test_most_common_spelling_is_shown() -> None:
    h = cloud()
    for name, text in [("a", "python"), ("b", "python"), ("c", "Python"), ("d", "PYTHON")]:
        h.answer(name, {"text": text})
    assert h.results()["entries"][0]["text"] == "python"


# -- limits -----


def test_entries_per_participant_each_in_its_own_slot() -> None:
    h = cloud(entries_per_participant=2)
    assert h.answer("ann", {"text": "one"}).slot == "e0"
    assert h.answer("ann", {"text": "two"}).slot == "e1"
    with pytest.raises(AnswerRejected, match="already sent 2 entries"):
        h.answer("ann", {"text": "three"})
    assert h.phone_view("ann").extra == {"your_entries": ["one", "two"], "entries_left": 0}
    assert h.phone_view("ann").accepting_answers is False
    h.join("bob")
    assert h.phone_view("bob").extra == {"your_entries": [], "entries_left": 2}
    assert h.phone_view("bob").accepting_answers is True
    assert h.phone("ann")[0] == h.phone("bob")[0]  # the cloud is one shared view


def test_the_same_entry_twice_is_a_retry_or_refused() -> None:
    h = cloud()
    first = h.answer("ann", {"text": "Python"})
    assert h.answer("ann", {"text": "Python"}) == first  # an identical retry
    with pytest.raises(AnswerRejected, match="already sent 'Python'"):
        h.answer("ann", {"text": "PYTHON!"})
    assert len(h.stored()) == 1


def test_max_length_and_single_word() -> None:
    h = cloud(max_length=5, single_word=True)
    with pytest.raises(AnswerRejected, match="5 characters"):
        h.answer("ann", {"text": "toolong"})
    with pytest.raises(AnswerRejected, match="One word"):
        h.answer("ann", {"text": "a b"})
    assert h.answer("ann", {"text": "short!"}).data == {"text": "short"}


# -- profanity and blocked words -----


def test_the_profanity_library_flags_swearing_not_ordinary_words() -> None:
    assert is_profane("shit")
    assert is_profane("what the fuck")
    for word in ("Python", "Scunthorpe", "assessment", "cocktail", "great talk"):
        assert not is_profane(word), word


def test_blocked_entry_is_refused_with_a_clear_message_and_nothing_else_is_lost() -> None:
    h = cloud(blocked_words=["Kotlin", "tabs vs spaces"])
    h.answer("ann", {"text": "Python"})
    with pytest.raises(AnswerRejected) as info:
        h.answer("ann", {"text": "KOTLIN!"})
    assert "blocked word" in info.value.detail
    assert "other entries are kept" in info.value.detail
    with pytest.raises(AnswerRejected, match="blocked word"):
        h.answer("ann", {"text": "Tabs vs. spaces"})
    with pytest.raises(AnswerRejected, match="blocked word"):
        h.answer("ann", {"text": "shit talk"})
    assert h.answer("ann", {"text": "Kotlinx"}).slot == "e1"  # whole words only
    assert [a.data["text"] for a in h.stored()] == ["Python", "Kotlinx"]


def test_profanity_filter_can_be_switched_off_but_own_words_still_apply() -> None:
    h = cloud(profanity_filter=False, blocked_words=["java"])
    assert h.answer("ann", {"text": "damn"}).data["text"] == "damn"
    with pytest.raises(AnswerRejected):
        h.answer("ann", {"text": "Java"})


def test_participants_do_not_see_the_blocked_words_list() -> None:
    h = cloud(blocked_words=["secret"])
    h.join("ann")
    assert "blocked_words" not in h.phone_view("ann").config
    assert h.view().config["blocked_words"] == ["secret"]


# -- moderation -----


def test_hide_and_unhide_in_any_spelling() -> None:
    h = cloud()
    h.answer("ann", {"text": "Python"})
    h.answer("bob", {"text": "Rust"})
    h.act("hide", {"entry": "PYTHON"})
    presenter = h.view()
    assert [w.text for w in presenter.display[0].words] == ["Rust"]  # type: ignore[union-attr]
    assert presenter.results is not None
    assert [(e["text"], e["hidden"]) for e in presenter.results["entries"]] == [
        ("Python", True),
        ("Rust", False),
    ]
    participant = h.phone_view("ann")
    assert participant.results is not None
    assert [e["text"] for e in participant.results["entries"]] == ["Rust"]
    h.act("unhide", {"entry": "python!"})
    assert [w.text for w in h.view().display[0].words] == ["Python", "Rust"]  # type: ignore[union-attr]
    with pytest.raises(ActionRejected, match="not hidden"):
        h.act("unhide", {"entry": "python"})
    with pytest.raises(ActionRejected, match="entry"):
        h.act("hide", {})


def test_top_n_limits_the_cloud() -> None:
    h = cloud(top_n=2)
    for n, word in enumerate(["a", "a", "a", "b", "b", "c"]):
        h.answer(f"p{n}", {"text": word})
    assert [w.text for w in h.view().display[0].words] == ["a", "b"]  # type: ignore[union-attr]


def test_export_shows_entry_and_what_it_counted_as() -> None:
    h = cloud()
    h.answer("ann", {"text": "PYTHON!"})
    assert h.export() == [{"entry": "PYTHON", "counted_as": "python"}]


# -- exact aggregation -----

WORDS = ["Python", "python ", "PYTHON!", "Rust", "rust", "Go", "go!", "Zig"]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), max_size=3), max_size=15),
    st.randoms(use_true_random=False),
)
def test_aggregate_equals_a_recount_in_any_order(people: list[list[str]], rnd: Any) -> None:
    h = cloud(profanity_filter=False)
    expected: Counter[str] = Counter()
    for n, words in enumerate(people):
        firsts = {entry_key(w): w for w in reversed(words)}  # one entry per person per key
        for key, word in firsts.items():
            h.answer(f"p{n}", {"text": word})
            expected[key] += 1
    answers = h.stored()
    rnd.shuffle(answers)
    results = h.results(answers)
    assert {e["key"]: e["count"] for e in results["entries"]} == dict(expected)
    assert results["total_entries"] == sum(expected.values())
