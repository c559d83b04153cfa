import { useTranslation } from "react-i18next";
import { ImageField } from "../ImageField";
import { Check, NumberField, TextListEditor } from "../shared";
import type { ConfigureProps } from "../types";

type Kind = "single" | "multiple" | "true_false" | "type_answer";

interface QuestionDraft {
  kind: Kind;
  text: string;
  time_limit_seconds?: number;
  points?: 0 | 1 | 2;
  options?: string[];
  correct?: number | number[] | boolean;
  accepted_answers?: string[];
  case_sensitive?: boolean;
  image_url?: string | null;
}

const KINDS = [
  ["single", "activities.quiz.kinds.single"],
  ["multiple", "activities.quiz.kinds.multiple"],
  ["true_false", "activities.quiz.kinds.trueFalse"],
  ["type_answer", "activities.quiz.kinds.typeAnswer"],
] as const;

/** Moves a question to a new kind, keeping what still makes sense. */
function withKind(q: QuestionDraft, kind: Kind): QuestionDraft {
  const base = { kind, text: q.text, time_limit_seconds: q.time_limit_seconds ?? 20, points: q.points ?? 1, ...(q.image_url ? { image_url: q.image_url } : {}) };
  const options = q.options?.length ? q.options : ["", ""];
  if (kind === "single") return { ...base, options, correct: 0 };
  if (kind === "multiple") return { ...base, options, correct: [0] };
  if (kind === "true_false") return { ...base, correct: true };
  return { ...base, accepted_answers: q.accepted_answers?.length ? q.accepted_answers : [""], case_sensitive: false };
}

function QuestionEditor({
  q,
  n,
  count,
  onChange,
  onMove,
  onRemove,
}: {
  q: QuestionDraft;
  n: number;
  count: number;
  onChange: (q: QuestionDraft) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const label = t("activities.quiz.questionN", { n: n + 1 });
  const correctList = Array.isArray(q.correct) ? q.correct : [];
  return (
    <fieldset className="question-editor">
      <legend>{label}</legend>
      <label className="field">
        <span>{t("activities.quiz.kind")}</span>
        <select value={q.kind} onChange={(e) => onChange(withKind(q, e.target.value as Kind))}>
          {KINDS.map(([k, l]) => (
            <option key={k} value={k}>
              {t(l)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("activities.quiz.questionText", { n: n + 1 })}</span>
        <input value={q.text} onChange={(e) => onChange({ ...q, text: e.target.value })} maxLength={500} required />
      </label>
      <div className="image-row">
        <ImageField
          label={t("activities.quiz.questionImage", { n: n + 1 })}
          removeLabel={t("activities.quiz.removeQuestionImage", { n: n + 1 })}
          value={q.image_url}
          onChange={(url) => {
            const { image_url: _old, ...rest } = q;
            onChange(url ? { ...rest, image_url: url } : rest);
          }}
        />
      </div>
      {(q.kind === "single" || q.kind === "multiple") && (
        <fieldset className="field">
          <legend>{q.kind === "single" ? t("activities.quiz.optionsMarkOne") : t("activities.quiz.optionsMarkMany")}</legend>
          <ol className="option-list">
            {(q.options ?? []).map((o, i) => (
              <li key={i}>
                <input
                  type={q.kind === "single" ? "radio" : "checkbox"}
                  name={`correct-${n}`}
                  aria-label={t("activities.quiz.optionCorrect", { n: i + 1 })}
                  checked={q.kind === "single" ? q.correct === i : correctList.includes(i)}
                  onChange={() =>
                    onChange({
                      ...q,
                      correct:
                        q.kind === "single"
                          ? i
                          : correctList.includes(i)
                            ? correctList.filter((c) => c !== i)
                            : [...correctList, i].sort((a, b) => a - b),
                    })
                  }
                />
                <input
                  aria-label={t("activities.quiz.questionOption", { question: n + 1, n: i + 1 })}
                  value={o}
                  onChange={(e) => onChange({ ...q, options: (q.options ?? []).map((x, j) => (j === i ? e.target.value : x)) })}
                />
                <button
                  type="button"
                  className="icon"
                  aria-label={t("activities.quiz.removeOption", { question: n + 1, n: i + 1 })}
                  disabled={(q.options ?? []).length <= 2}
                  onClick={() => {
                    const options = (q.options ?? []).filter((_, j) => j !== i);
                    const shift = (c: number) => (c > i ? c - 1 : c);
                    const correct =
                      q.kind === "single"
                        ? Math.min(shift(q.correct as number), options.length - 1)
                        : correctList.filter((c) => c !== i).map(shift);
                    onChange({ ...q, options, correct });
                  }}
                >
                  ✕
                </button>
              </li>
            ))}
          </ol>
          <button
            type="button"
            disabled={(q.options ?? []).length >= 10}
            onClick={() => onChange({ ...q, options: [...(q.options ?? []), ""] })}
          >
            {t("activities.quiz.addOption")}
          </button>
        </fieldset>
      )}
      {q.kind === "true_false" && (
        <label className="field">
          <span>{t("activities.quiz.correctAnswer")}</span>
          <select value={q.correct === false ? "false" : "true"} onChange={(e) => onChange({ ...q, correct: e.target.value === "true" })}>
            <option value="true">{t("activities.quiz.true")}</option>
            <option value="false">{t("activities.quiz.false")}</option>
          </select>
        </label>
      )}
      {q.kind === "type_answer" && (
        <>
          <TextListEditor
            legend={t("activities.quiz.acceptedAnswers")}
            itemLabel={(i) => t("activities.quiz.acceptedAnswer", { question: n + 1, n: i })}
            removeLabel={(i) => t("activities.quiz.removeAcceptedAnswer", { question: n + 1, n: i })}
            values={q.accepted_answers ?? []}
            onChange={(accepted_answers) => onChange({ ...q, accepted_answers })}
            min={1}
            max={20}
            addLabel={t("activities.quiz.addAcceptedAnswer")}
          />
          <Check checked={!!q.case_sensitive} onChange={(case_sensitive) => onChange({ ...q, case_sensitive })}>
            {t("activities.quiz.caseSensitive")}
          </Check>
        </>
      )}
      <div className="row">
        <NumberField
          label={t("activities.quiz.timeLimit")}
          value={q.time_limit_seconds ?? 20}
          min={5}
          max={600}
          onChange={(v) => onChange({ ...q, time_limit_seconds: v ?? 20 })}
        />
        <label className="field">
          <span>{t("activities.quiz.points")}</span>
          <select value={String(q.points ?? 1)} onChange={(e) => onChange({ ...q, points: Number(e.target.value) as 0 | 1 | 2 })}>
            <option value="0">{t("activities.quiz.pointsNone")}</option>
            <option value="1">{t("activities.quiz.pointsStandard")}</option>
            <option value="2">{t("activities.quiz.pointsDouble")}</option>
          </select>
        </label>
      </div>
      <div className="toolbar small">
        <button type="button" aria-label={t("activities.quiz.moveUp", { n: n + 1 })} disabled={n === 0} onClick={() => onMove(-1)}>
          ↑
        </button>
        <button type="button" aria-label={t("activities.quiz.moveDown", { n: n + 1 })} disabled={n === count - 1} onClick={() => onMove(1)}>
          ↓
        </button>
        <button type="button" aria-label={t("activities.quiz.removeQuestionN", { n: n + 1 })} disabled={count <= 1} onClick={onRemove}>
          {t("activities.quiz.removeQuestion")}
        </button>
      </div>
    </fieldset>
  );
}

/** The quiz editor: a list of questions with their correct answers and time limits. */
export function QuizConfigure({ value, onChange }: ConfigureProps) {
  const { t } = useTranslation();
  const questions = (value.questions as QuestionDraft[] | undefined) ?? [];
  const set = (patch: Record<string, unknown>) => onChange({ ...value, ...patch });
  const setQuestions = (qs: QuestionDraft[]) => set({ questions: qs });
  return (
    <div className="config-form">
      {questions.map((q, i) => (
        <QuestionEditor
          key={i}
          q={q}
          n={i}
          count={questions.length}
          onChange={(nq) => setQuestions(questions.map((x, j) => (j === i ? nq : x)))}
          onRemove={() => setQuestions(questions.filter((_, j) => j !== i))}
          onMove={(d) => {
            const qs = [...questions];
            [qs[i], qs[i + d]] = [qs[i + d]!, qs[i]!];
            setQuestions(qs);
          }}
        />
      ))}
      <button
        type="button"
        disabled={questions.length >= 100}
        onClick={() => setQuestions([...questions, withKind({ kind: "single", text: "" }, "single")])}
      >
        {t("activities.quiz.addQuestion")}
      </button>
      <label className="field">
        <span>{t("activities.quiz.scoring")}</span>
        <select value={(value.scoring as string) ?? "speed"} onChange={(e) => set({ scoring: e.target.value })}>
          <option value="speed">{t("activities.quiz.scoringSpeed")}</option>
          <option value="flat">{t("activities.quiz.scoringFlat")}</option>
        </select>
      </label>
      <Check checked={(value.streak_bonus as boolean | undefined) ?? true} onChange={(streak_bonus) => set({ streak_bonus })}>
        {t("activities.quiz.streakBonus")}
      </Check>
      <Check checked={!!value.partial_credit} onChange={(partial_credit) => set({ partial_credit })}>
        {t("activities.quiz.partialCredit")}
      </Check>
    </div>
  );
}
