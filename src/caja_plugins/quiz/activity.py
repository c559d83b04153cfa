"""Quiz: timed questions driven by the presenter, Kahoot-style scoring and a final podium.

Runtime state::

    {"phase": "lobby" | "question" | "revealed" | "leaderboard" | "finished",
     "question": -1,             # index of the current question
     "opened_at": iso | None,    # when it opened: the server's clock, for speed points
     "revealed": [0, 1]}         # questions whose answers were shown (they count for scores)

Actions: ``next`` opens the next question, ``reveal`` closes it and shows the correct answer,
``leaderboard`` shows the standings, ``finish`` closes the quiz and shows the podium. Each
answer goes into the slot ``q<index>``: one answer per question.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from caja_core import (
    ActionContext,
    ActionOutcome,
    ActionRejected,
    ActivityType,
    ActivityView,
    AggregateContext,
    AnswerContext,
    AnswerRejected,
    EmptyBody,
    Message,
    PersonalContext,
    PersonalView,
    StoredAnswer,
    ViewContext,
)
from caja_plugins.quiz.display import own_display, quiz_display
from caja_plugins.quiz.questions import (
    MultipleChoiceQuestion,
    QuizAnswer,
    QuizConfig,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    TypeAnswerQuestion,
    normalise_text,
    public_question,
)
from caja_plugins.quiz.scoring import Marks, base_points, group_by_question, leaderboard, row_of

JSON = dict[str, Any]


class QuizType(ActivityType[QuizConfig, QuizAnswer]):
    """A live quiz with speed scoring, streaks, a leaderboard and a podium."""

    name = "quiz"
    title = "Quiz"
    description = "Timed questions; fast correct answers score more; a podium at the end."
    config_model = QuizConfig
    answer_model = QuizAnswer
    actions = {
        "next": EmptyBody,
        "reveal": EmptyBody,
        "leaderboard": EmptyBody,
        "finish": EmptyBody,
    }
    action_titles = {
        "next": "Next question",
        "reveal": "Reveal answer",
        "leaderboard": "Show leaderboard",
        "finish": "Finish quiz",
    }
    messages = Path(__file__).parent / "locales"

    # -- lifecycle ----------------------------------------------------------------------------

    def initial_state(self, config: QuizConfig) -> JSON:
        return {"phase": "lobby", "question": -1, "opened_at": None, "revealed": []}

    def on_close(self, config: QuizConfig, state: JSON, now: dt.datetime) -> JSON:
        return _finished(state)

    def deadline(self, config: QuizConfig, state: JSON) -> dt.datetime | None:
        if state.get("phase") != "question" or state.get("opened_at") is None:
            return None
        limit = config.questions[state["question"]].time_limit_seconds
        return dt.datetime.fromisoformat(state["opened_at"]) + dt.timedelta(seconds=limit)

    # -- answers ------------------------------------------------------------------------------

    def answer_slot(
        self, config: QuizConfig, state: JSON, answer: QuizAnswer, ctx: AnswerContext
    ) -> str:
        if state.get("phase") != "question":
            raise AnswerRejected(self.message("No question is open right now"))
        return f"q{state['question']}"

    def validate_answer(
        self, config: QuizConfig, state: JSON, answer: QuizAnswer, ctx: AnswerContext
    ) -> tuple[JSON, JSON]:
        if state.get("phase") != "question":
            raise AnswerRejected(self.message("No question is open right now"))
        index = state["question"]
        if answer.question is not None and answer.question != index:
            raise AnswerRejected(self.message("Question {n} is closed", n=answer.question + 1))
        question = config.questions[index]
        opened = dt.datetime.fromisoformat(state["opened_at"])
        elapsed_ms = int((ctx.now - opened) / dt.timedelta(milliseconds=1))
        if elapsed_ms > question.time_limit_seconds * 1000:
            raise AnswerRejected(self.message("Time is up for this question"))
        data = {"question": index, **_answer_data(question, answer)}
        return data, {"elapsed_ms": max(elapsed_ms, 0)}

    # -- results ------------------------------------------------------------------------------

    def aggregate(
        self,
        config: QuizConfig,
        state: JSON,
        answers: Sequence[StoredAnswer[QuizAnswer]],
        ctx: AggregateContext,
    ) -> JSON:
        revealed = sorted(set(state.get("revealed", [])))
        by_question = group_by_question(answers)
        marks = Marks(config)
        questions = [
            _question_results(config, i, by_question.get(i, []), marks)
            for i in range(min(state["question"], len(config.questions) - 1) + 1)
        ]
        board = leaderboard(config, revealed, answers, ctx.participants, marks, by_question)
        return {
            "phase": state["phase"],
            "current": state["question"],
            "question_count": len(config.questions),
            "players": len(board),
            "questions": questions,
            "leaderboard": board,
            "podium": [row for row in board if row["rank"] <= 3 and row["score"] > 0],
        }

    def view(
        self, config: QuizConfig, state: JSON, results: JSON, ctx: ViewContext
    ) -> ActivityView:
        phase = state["phase"]
        view_config, cut = _shared_view(config, state, results, ctx.role)
        deadline = self.deadline(config, state)
        open_now = deadline is not None and ctx.now <= deadline
        return ActivityView(
            config=view_config,
            phase=phase,
            results=cut,
            display=quiz_display(config, state, cut, ctx.translator),
            deadline=deadline,
            accepting_answers=ctx.activity_status == "active" and phase == "question" and open_now,
        )

    def personal(
        self, config: QuizConfig, state: JSON, results: JSON, ctx: PersonalContext
    ) -> PersonalView:
        """Whether the participant answered the open question and, once a question is
        revealed, their verdict, points, score and rank (everyone shares one view)."""
        extra = _own_extra(results, state, ctx)
        return PersonalView(
            accepting_answers=False if extra["answered"] else None,
            extra=extra,
            display=own_display(state, extra, ctx.translator),
        )

    # -- admin actions ------------------------------------------------------------------------

    def apply_action(
        self, action: str, body: BaseModel, config: QuizConfig, state: JSON, ctx: ActionContext
    ) -> ActionOutcome:
        phase, index = state["phase"], state["question"]
        if phase == "finished":
            raise ActionRejected(self.message("The quiz is finished"))
        if action == "next":
            if phase == "question":
                raise ActionRejected(
                    self.message("Reveal the answer to question {n} first", n=index + 1)
                )
            if index + 1 >= len(config.questions):
                raise ActionRejected(self.message("That was the last question: finish the quiz"))
            new = {**state, "phase": "question", "question": index + 1}
            new["opened_at"] = ctx.now.isoformat()
            return ActionOutcome(state=new, message=f"Question {index + 2} is open")
        if action == "reveal":
            if phase != "question":
                raise ActionRejected(self.message("No question is open to reveal"))
            count = sum(1 for a in ctx.answers if a.slot == f"q{index}")
            return ActionOutcome(
                state=_revealed(state), message=f"Question {index + 1}: {count} answers"
            )
        if action == "leaderboard":
            if phase not in ("revealed", "leaderboard"):
                raise ActionRejected(
                    self.message("Reveal a question before showing the leaderboard")
                )
            return ActionOutcome(state={**state, "phase": "leaderboard"})
        if action == "finish":
            return ActionOutcome(state=_finished(state), close=True, message="Quiz finished")
        raise ActionRejected(self.message("The quiz has no action '{action}'", action=action))

    # -- export -------------------------------------------------------------------------------

    def export_columns(self, config: QuizConfig) -> list[str]:
        return ["question", "answer", "correct", "seconds", "points_before_streak_bonus"]

    def export_row(
        self, config: QuizConfig, state: JSON, answer: StoredAnswer[QuizAnswer]
    ) -> dict[str, str]:
        index = answer.answer.question if answer.answer.question is not None else -1
        if not 0 <= index < len(config.questions):
            return {c: "" for c in self.export_columns(config)} | {"answer": str(answer.data)}
        question = config.questions[index]
        correct, points = base_points(config, index, answer)
        return {
            "question": f"{index + 1}. {question.text}",
            "answer": _answer_text(question, answer.answer),
            "correct": "yes" if correct else "no",
            "seconds": f"{int(answer.meta.get('elapsed_ms', 0)) / 1000:.3f}",
            "points_before_streak_bonus": str(points),
        }


def _answer_data(question: Any, answer: QuizAnswer) -> JSON:
    """The one field the question's kind takes, checked; the others must be absent."""
    fields = {
        "choice": answer.choice,
        "choices": answer.choices,
        "value": answer.value,
        "text": answer.text,
    }
    wanted = {
        "single": "choice",
        "multiple": "choices",
        "true_false": "value",
        "type_answer": "text",
    }[question.kind]
    extra = [k for k, v in fields.items() if v is not None and k != wanted]
    if fields[wanted] is None or extra:
        raise AnswerRejected(
            Message("This question takes a '{field}' answer", "quiz", field=wanted)
        )
    if isinstance(question, SingleChoiceQuestion):
        if answer.choice is None or answer.choice >= len(question.options):
            raise AnswerRejected(
                Message("There is no option {option}", "quiz", option=answer.choice)
            )
        return {"choices": [answer.choice]}
    if isinstance(question, MultipleChoiceQuestion):
        chosen = answer.choices or []
        if not chosen or len(set(chosen)) != len(chosen):
            raise AnswerRejected(Message("Choose one or more different options", "quiz"))
        if any(c >= len(question.options) or c < 0 for c in chosen):
            raise AnswerRejected(Message("One of the chosen options does not exist", "quiz"))
        return {"choices": sorted(chosen)}
    if isinstance(question, TrueFalseQuestion):
        return {"value": answer.value}
    text = " ".join((answer.text or "").split())
    if not text:
        raise AnswerRejected(Message("Type an answer", "quiz"))
    return {"text": text}


def _question_results(
    config: QuizConfig, index: int, answers: list[StoredAnswer[QuizAnswer]], marks: Marks
) -> JSON:
    question = config.questions[index]
    total = len(answers)
    if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
        counts: Counter[Any] = Counter(c for a in answers for c in a.answer.choices or ())
        right = (
            {question.correct}
            if isinstance(question, SingleChoiceQuestion)
            else set(question.correct)
        )
        rows = [(text, counts[i], i in right) for i, text in enumerate(question.options)]
    elif isinstance(question, TrueFalseQuestion):
        counts = Counter(a.answer.value for a in answers)
        rows = [
            (label, counts[v], v is question.correct)
            for label, v in (("True", True), ("False", False))
        ]
    else:
        rows = _typed_rows(question, answers)
    if isinstance(question, SingleChoiceQuestion | TrueFalseQuestion):
        # one choice per answer: the right one's count is the number of correct answers
        correct_count = next(n for _, n, ok in rows if ok)
    else:
        correct_count = sum(1 for a in answers if marks.mark(index, a.answer)[0])
    elapsed = [int(a.meta.get("elapsed_ms", 0)) for a in answers]
    return {
        "index": index,
        "kind": question.kind,
        "text": question.text,
        "answers": total,
        "correct_count": correct_count,
        "average_seconds": round(sum(elapsed) / total / 1000, 2) if total else None,
        "distribution": [
            {
                "label": label,
                "count": n,
                "percent": round(100.0 * n / total, 1) if total else 0.0,
                "correct": ok,
            }
            for label, n, ok in rows
        ],
    }


def _typed_rows(
    question: TypeAnswerQuestion, answers: list[StoredAnswer[QuizAnswer]]
) -> list[tuple[str, int, bool]]:
    """Typed answers grouped by their normalised form, shown with the most common spelling."""
    groups: dict[str, Counter[str]] = {}
    for a in answers:
        text = a.answer.text or ""
        groups.setdefault(normalise_text(text, question.case_sensitive), Counter())[text] += 1
    accepted = {normalise_text(x, question.case_sensitive) for x in question.accepted_answers}
    rows = []
    for key, spellings in groups.items():
        label = min(spellings, key=lambda s: (-spellings[s], s))
        rows.append((label, sum(spellings.values()), key in accepted))
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows[:10]


def _shared_view(config: QuizConfig, state: JSON, results: JSON, role: str) -> tuple[JSON, JSON]:
    phase, index = state["phase"], state["question"]
    revealed = set(state.get("revealed", []))
    current = None
    if 0 <= index < len(config.questions):
        current = public_question(config.questions[index], index, reveal=index in revealed)
    view_config = {
        "question_count": len(config.questions),
        "scoring": config.scoring,
        "streak_bonus": config.streak_bonus,
        "partial_credit": config.partial_credit,
        "current": current,
    }
    cut = {
        **results,
        "questions": [q if q["index"] in revealed else _hidden(q) for q in results["questions"]],
    }
    if phase not in ("leaderboard", "finished") and role == "participant":
        cut["leaderboard"] = []  # the standings are shown when the presenter shows them
        cut["podium"] = []
    if phase != "finished":
        cut["podium"] = []
    return view_config, cut


def _hidden(question: JSON) -> JSON:
    """Before the reveal only the number of answers is shown, to everyone."""
    return {k: question[k] for k in ("index", "kind", "text", "answers")} | {"revealed": False}


def _revealed(state: JSON) -> JSON:
    revealed = sorted({*state.get("revealed", []), state["question"]})
    return {**state, "phase": "revealed", "revealed": revealed}


def _finished(state: JSON) -> JSON:
    if state.get("phase") == "question":
        state = _revealed(state)
    return {**state, "phase": "finished"}


def _own_extra(results: JSON, state: JSON, ctx: PersonalContext) -> JSON:
    slot = f"q{state['question']}"
    extra: JSON = {"answered": any(a.slot == slot for a in ctx.own_answers)}
    if state["phase"] in ("revealed", "leaderboard", "finished"):
        me = row_of(results["leaderboard"], str(ctx.participant_id))
        if me is not None:
            extra.update(
                nickname=me["nickname"],  # their row's name: the phone highlights it
                correct=me["last"]["correct"],
                points=me["last"]["points"],
                score=me["score"],
                rank=me["rank"],
                streak=me["streak"],
                correct_answers=me["correct"],
            )
    return extra


def _answer_text(question: Any, answer: QuizAnswer) -> str:
    if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
        return "; ".join(
            question.options[i] for i in answer.choices or () if i < len(question.options)
        )
    if isinstance(question, TrueFalseQuestion):
        return "True" if answer.value else "False"
    return answer.text or ""
