"""Quiz questions: the config models, what participants may see of them, and marking."""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from caja_core import StrictModel


class _Question(StrictModel):
    text: str = Field(min_length=1, max_length=500)
    image_url: str | None = Field(default=None, max_length=2000, pattern=r"^(https?://|/)\S+$")
    time_limit_seconds: int = Field(default=20, ge=5, le=600)
    points: Literal[0, 1, 2] = Field(default=1, description="Weight: 0 (no points), 1 or 2")


class SingleChoiceQuestion(_Question):
    """One correct option among 2-10."""

    kind: Literal["single"]
    options: list[str] = Field(min_length=2, max_length=10)
    correct: int = Field(ge=0, description="Index of the correct option")

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_options(self.options)
        if self.correct >= len(self.options):
            raise ValueError(f"correct option {self.correct} does not exist")
        return self


class MultipleChoiceQuestion(_Question):
    """Several correct options among 2-10: a participant must pick all of them."""

    kind: Literal["multiple"]
    options: list[str] = Field(min_length=2, max_length=10)
    correct: list[int] = Field(min_length=1, description="Indexes of the correct options")

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_options(self.options)
        if len(set(self.correct)) != len(self.correct):
            raise ValueError("correct options are listed twice")
        if any(not 0 <= c < len(self.options) for c in self.correct):
            raise ValueError("a correct option does not exist")
        self.correct = sorted(self.correct)
        return self


class TrueFalseQuestion(_Question):
    """A statement that is true or false."""

    kind: Literal["true_false"]
    correct: bool


class TypeAnswerQuestion(_Question):
    """A typed answer compared with the accepted answers (case-insensitive by default)."""

    kind: Literal["type_answer"]
    accepted_answers: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=20
    )
    case_sensitive: bool = False


Question = Annotated[
    SingleChoiceQuestion | MultipleChoiceQuestion | TrueFalseQuestion | TypeAnswerQuestion,
    Field(discriminator="kind"),
]


class QuizConfig(StrictModel):
    """What the presenter sets up for a quiz."""

    questions: list[Question] = Field(min_length=1, max_length=100)
    scoring: Literal["speed", "flat"] = Field(
        default="speed",
        description="speed: round((1 - (t/T)/2) x 1000) x weight for a correct answer given "
        "t seconds into a T-second question; flat: 1000 x weight",
    )
    streak_bonus: bool = Field(
        default=True, description="+100 per consecutive correct answer, up to +500"
    )
    partial_credit: bool = Field(
        default=False,
        description="Multiple-choice answers earn a share of the points: "
        "(right picks - wrong picks) / correct options",
    )


class QuizAnswer(StrictModel):
    """An answer to the open question: ``choice`` (single), ``choices`` (multiple),
    ``value`` (true/false) or ``text`` (type the answer). ``question`` optionally names the
    question meant, so an answer that arrives after the presenter moved on is refused."""

    question: int | None = Field(default=None, ge=0)
    choice: int | None = Field(default=None, ge=0)
    choices: list[int] | None = Field(default=None, max_length=10)
    value: bool | None = None
    text: str | None = Field(default=None, max_length=200)


def _check_options(options: list[str]) -> None:
    cleaned = [o.strip().casefold() for o in options]
    if any(not o for o in cleaned):
        raise ValueError("options must not be empty")
    if len(set(cleaned)) != len(cleaned):
        raise ValueError("options must be different from each other")


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """Trim, collapse spaces and (unless case-sensitive) case-fold a typed answer."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    return text if case_sensitive else text.casefold()


def public_question(question: Any, index: int, *, reveal: bool) -> dict[str, Any]:
    """What a viewer may see of a question; the correct answer only when ``reveal``."""
    data = question.model_dump(mode="json")
    hidden = {"correct", "accepted_answers"}
    out = {k: v for k, v in data.items() if reveal or k not in hidden}
    out["index"] = index
    return out


def mark(question: Any, answer: QuizAnswer, partial_credit: bool) -> tuple[bool, Fraction]:
    """Whether a stored answer is fully correct, and the share of the points it earns (0-1)."""
    if isinstance(question, SingleChoiceQuestion):
        ok = answer.choices == [question.correct]
    elif isinstance(question, MultipleChoiceQuestion):
        chosen = set(answer.choices or [])
        correct = set(question.correct)
        ok = chosen == correct
        if not ok and partial_credit:
            right, wrong = len(chosen & correct), len(chosen - correct)
            return False, max(Fraction(0), Fraction(right - wrong, len(correct)))
    elif isinstance(question, TrueFalseQuestion):
        ok = answer.value is question.correct
    else:
        given = normalise_text(answer.text or "", question.case_sensitive)
        ok = given in {
            normalise_text(a, question.case_sensitive) for a in question.accepted_answers
        }
    return ok, Fraction(1 if ok else 0)
