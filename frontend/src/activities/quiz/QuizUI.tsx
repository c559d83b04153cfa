import { useTranslation } from "react-i18next";
import type { DisplayBlock } from "../../api/types";
import { DisplayBlocks } from "../../components/blocks/DisplayBlocks";
import { useFormat } from "../../i18n/format";
import type { ActivityUI, ResultsProps } from "../types";
import { QuizConfigure } from "./QuizConfigure";
import { currentQuestion, QuizRespond } from "./QuizRespond";

interface OwnResult {
  answered?: boolean;
  nickname?: string;
  correct?: boolean;
  points?: number;
  score?: number;
  rank?: number;
  correct_answers?: number;
}

/** The leaderboard and podium with the participant's own row highlighted: the shared
 * document's rows are the same for every phone; the personal one names their row. */
function withOwnRow(blocks: DisplayBlock[], own: OwnResult): DisplayBlock[] {
  if (own.nickname === undefined || own.rank === undefined) return blocks;
  const mark = <R extends { name: string; rank: number }>(row: R): R =>
    row.name === own.nickname && row.rank === own.rank ? { ...row, highlight: true } : row;
  return blocks.map((block) =>
    block.kind === "leaderboard"
      ? { ...block, rows: block.rows.map(mark) }
      : block.kind === "podium"
        ? { ...block, places: block.places.map(mark) }
        : block,
  );
}

function QuizResults({ activity, role }: ResultsProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const question = currentQuestion(activity.config);
  const own = activity.extra as OwnResult;
  const phase = activity.phase;
  const scoreLine =
    own.score === undefined
      ? ""
      : t("activities.quiz.scoreLine", {
          count: own.points ?? 0,
          points: format.number(own.points ?? 0),
          score: format.number(own.score),
          rank: format.number(own.rank ?? 0),
        });
  const verdict = own.correct ? t("activities.quiz.correct") : t("activities.quiz.wrong");
  return (
    <div className="quiz-results">
      {phase === "lobby" && (
        <p className="present-muted waiting-line">{role === "participant" ? t("activities.quiz.getReady") : t("activities.quiz.waitingFirst")}</p>
      )}
      {role === "presenter" && question && phase === "question" && (
        <div className="quiz-question-big">
          <p className="quiz-question-text">{question.text}</p>
          {question.image_url && <img src={question.image_url} alt="" className="question-image" data-testid="question-image" />}
          {question.options && (
            <ol className="quiz-options">
              {question.options.map((o, i) => (
                <li key={i} className="answer-tile">
                  {o}
                </li>
              ))}
            </ol>
          )}
          {question.kind === "true_false" && (
            <ol className="quiz-options">
              <li className="answer-tile">{t("activities.quiz.true")}</li>
              <li className="answer-tile">{t("activities.quiz.false")}</li>
            </ol>
          )}
        </div>
      )}
      {/* What a screen reader hears at the reveal and at the end: the cards appear inside a
          live region that stays on the page through the phases. */}
      {role === "participant" && (
        <div role="status">
          {(phase === "revealed" || phase === "leaderboard") && own.score !== undefined && (
            <div className="score-card">
              <p className={own.correct ? "verdict correct" : "verdict wrong"}>{verdict}</p>
              <p>{scoreLine}</p>
            </div>
          )}
          {phase === "finished" && own.score !== undefined && (
            <div className="score-card" role="group" aria-label={t("activities.quiz.finalResult")}>
              <span className="muted">{t("activities.quiz.finalScore")}</span>
              <span className="big-number" data-testid="final-score">
                {format.number(own.score)}
              </span>
              <span>
                {t("activities.quiz.rank")} <strong data-testid="final-rank">{format.number(own.rank ?? 0)}</strong>
                {own.correct_answers !== undefined && ` · ${t("activities.quiz.correctCount", { count: own.correct_answers })}`}
              </span>
            </div>
          )}
        </div>
      )}
      <DisplayBlocks blocks={role === "participant" ? withOwnRow(activity.display, own) : activity.display} />
    </div>
  );
}

export const quizUI: ActivityUI = {
  Configure: QuizConfigure,
  Respond: QuizRespond,
  Results: QuizResults,
  initialConfig: () => ({
    questions: [{ kind: "single", text: "", options: ["", ""], correct: 0, time_limit_seconds: 20, points: 1 }],
    scoring: "speed",
    streak_bonus: true,
    partial_credit: false,
  }),
  answered: (activity) => activity.phase === "question" && activity.extra.answered === true,
  roundKey: (activity) => `${activity.id}:q${currentQuestion(activity.config)?.index ?? -1}`,
};
