import { DisplayBlocks } from "../../components/blocks/DisplayBlocks";
import type { ActivityUI, ResultsProps } from "../types";
import { QuizConfigure } from "./QuizConfigure";
import { currentQuestion, QuizRespond } from "./QuizRespond";

interface OwnResult {
  answered?: boolean;
  correct?: boolean;
  points?: number;
  score?: number;
  rank?: number;
  correct_answers?: number;
}

function QuizResults({ activity, role }: ResultsProps) {
  const question = currentQuestion(activity.config);
  const own = activity.extra as OwnResult;
  const phase = activity.phase;
  return (
    <div className="quiz-results">
      {phase === "lobby" && (
        <p className="present-muted waiting-line">{role === "participant" ? "Get ready: the quiz starts soon!" : "Waiting to start the first question"}</p>
      )}
      {role === "presenter" && question && phase === "question" && (
        <div className="quiz-question-big">
          <p className="quiz-question-text">{question.text}</p>
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
              <li className="answer-tile">True</li>
              <li className="answer-tile">False</li>
            </ol>
          )}
        </div>
      )}
      {role === "participant" && (phase === "revealed" || phase === "leaderboard") && own.score !== undefined && (
        <div className="score-card" role="status">
          <p className={own.correct ? "verdict correct" : "verdict wrong"}>{own.correct ? "Correct!" : "Not this time"}</p>
          <p>
            +{own.points ?? 0} points · total {own.score} · rank {own.rank}
          </p>
        </div>
      )}
      {role === "participant" && phase === "finished" && own.score !== undefined && (
        <div className="score-card" role="status" aria-label="Your final result">
          <span className="muted">Your final score</span>
          <span className="big-number" data-testid="final-score">
            {own.score}
          </span>
          <span>
            Rank <strong data-testid="final-rank">{own.rank}</strong>
            {own.correct_answers !== undefined && ` · ${own.correct_answers} correct`}
          </span>
        </div>
      )}
      <DisplayBlocks blocks={activity.display} />
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
