import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { RespondProps } from "../types";

export interface QuizQuestionView {
  index: number;
  kind: "single" | "multiple" | "true_false" | "type_answer";
  text: string;
  image_url?: string | null;
  options?: string[];
  time_limit_seconds?: number;
  points?: number;
}

export function currentQuestion(config: Record<string, unknown>): QuizQuestionView | null {
  return (config.current as QuizQuestionView | null | undefined) ?? null;
}

/** Kahoot-style answer tiles: one tap answers a single-choice or true/false question. */
export function QuizRespond({ activity, submit }: RespondProps) {
  const { t } = useTranslation();
  const question = currentQuestion(activity.config);
  const [chosen, setChosen] = useState<number[]>([]);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!question || activity.phase !== "question") return null;

  const send = async (data: Record<string, unknown>) => {
    setBusy(true);
    const outcome = await submit({ question: question.index, ...data });
    setBusy(false);
    setError(outcome.ok ? null : outcome.message);
  };

  const heading = (
    <>
      <p className="question" id="quiz-question">
        <span className="muted">{t("activities.quiz.questionPrefix", { n: question.index + 1 })} </span>
        {question.text}
      </p>
      {question.image_url && <img src={question.image_url} alt="" className="question-image" data-testid="question-image" />}
    </>
  );
  const errorLine = error && (
    <p role="alert" className="error">
      {error}
    </p>
  );

  if (question.kind === "single" || question.kind === "true_false") {
    const options = question.kind === "true_false" ? [t("activities.quiz.true"), t("activities.quiz.false")] : (question.options ?? []);
    return (
      <div className="respond quiz-respond">
        {heading}
        <div className="answer-grid" role="group" aria-labelledby="quiz-question">
          {options.map((option, i) => (
            <button
              key={i}
              type="button"
              className="answer-tile"
              disabled={busy}
              onClick={() => void send(question.kind === "true_false" ? { value: i === 0 } : { choice: i })}
            >
              {option}
            </button>
          ))}
        </div>
        {errorLine}
      </div>
    );
  }

  if (question.kind === "multiple") {
    return (
      <form
        className="respond quiz-respond"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen.length) void send({ choices: [...chosen].sort((a, b) => a - b) });
        }}
      >
        {heading}
        <p className="hint">{t("activities.quiz.chooseEvery")}</p>
        <div className="answer-grid" role="group" aria-labelledby="quiz-question">
          {(question.options ?? []).map((option, i) => (
            <button
              key={i}
              type="button"
              className="answer-tile"
              aria-pressed={chosen.includes(i)}
              onClick={() => setChosen((c) => (c.includes(i) ? c.filter((x) => x !== i) : [...c, i]))}
            >
              {option}
            </button>
          ))}
        </div>
        {errorLine}
        <button type="submit" className="primary" disabled={busy || chosen.length === 0}>
          {t("common.submit")}
        </button>
      </form>
    );
  }

  return (
    <form
      className="respond quiz-respond"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) void send({ text: text.trim() });
      }}
    >
      {heading}
      <label className="field">
        <span>{t("activities.quiz.yourAnswer")}</span>
        <input value={text} onChange={(e) => setText(e.target.value)} maxLength={200} autoComplete="off" />
      </label>
      {errorLine}
      <button type="submit" className="primary" disabled={busy || !text.trim()}>
        {t("common.submit")}
      </button>
    </form>
  );
}
