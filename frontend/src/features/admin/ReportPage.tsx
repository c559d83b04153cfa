import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams } from "react-router-dom";
import { failureMessage } from "../../api/client";
import { DisplayBlocks } from "../../components/blocks/DisplayBlocks";
import { useFormat } from "../../i18n/format";
import { adminApi, type ReportActivity, type SessionReport } from "./adminApi";
import "./report.css";

/**
 * `/admin/sessions/{id}/report`: a session, live or past, on one page: every activity's results
 * drawn from its display blocks, its times and counts, and the participants. The print
 * stylesheet (report.css) leaves out the console around it, so "Save as PDF" gives a clean
 * document.
 */
export function ReportPage() {
  const { t } = useTranslation();
  const { sessionId = "" } = useParams();
  const { hash } = useLocation();
  const report = useQuery({
    queryKey: ["report", sessionId],
    queryFn: () => adminApi.report(sessionId),
    // A live session's report follows it; a completed one does not change.
    refetchInterval: (q) => (q.state.data?.session.status === "active" ? 5000 : false),
  });
  const loaded = !!report.data;
  useEffect(() => {
    // A link to one activity's results (`#activity-<id>`) scrolls to it once it is drawn.
    if (loaded && hash) document.getElementById(hash.slice(1))?.scrollIntoView();
  }, [loaded, hash]);

  if (report.isLoading) return <main className="page muted">{t("common.loading")}</main>;
  if (report.error || !report.data) {
    return (
      <main className="page">
        <p role="alert" className="error">
          {report.error ? failureMessage(report.error) : t("admin.editor.notFound")}
        </p>
        <Link to="/admin">{t("admin.editor.allSessions")}</Link>
      </main>
    );
  }
  return <Report report={report.data} />;
}

function Report({ report }: { report: SessionReport }) {
  const { t } = useTranslation();
  const format = useFormat();
  const s = report.session;
  const when = (value: string | null | undefined) => (value ? format.dateTime(value) : "—");
  return (
    <main className="page report">
      <nav className="no-print toolbar" aria-label={t("admin.editor.breadcrumb")}>
        <Link to="/admin">{t("admin.editor.allSessions")}</Link>
        <Link to={`/admin/sessions/${s.id}`}>{t("admin.report.backToSession")}</Link>
        <button type="button" className="primary" onClick={() => window.print()}>
          {t("admin.report.print")}
        </button>
      </nav>
      <header className="report-head">
        <p className="muted report-kicker">{t("admin.report.title")}</p>
        <h1>{s.name}</h1>
        <dl className="report-facts">
          <div>
            <dt>{t("admin.report.status")}</dt>
            <dd>{t(`admin.sessionStatus.${s.status}`)}</dd>
          </div>
          <div>
            <dt>{t("admin.editor.joinCode")}</dt>
            <dd className="code">{s.join_code}</dd>
          </div>
          <div>
            <dt>{t("admin.report.started")}</dt>
            <dd>{when(s.started_at)}</dd>
          </div>
          <div>
            <dt>{t("admin.report.completed")}</dt>
            <dd>{when(s.completed_at)}</dd>
          </div>
          <div>
            <dt>{t("admin.report.participants")}</dt>
            <dd data-testid="report-participant-count">{format.number(report.participant_count)}</dd>
          </div>
          <div>
            <dt>{t("admin.report.generated")}</dt>
            <dd>{when(report.generated_at)}</dd>
          </div>
        </dl>
      </header>
      {report.activities.length === 0 && <p className="muted">{t("admin.activities.empty")}</p>}
      {report.activities.map((activity, i) => (
        <ActivityReport key={activity.id} activity={activity} n={i + 1} />
      ))}
      <section className="report-section" aria-labelledby="report-people">
        <h2 id="report-people">{t("admin.report.participants")}</h2>
        {report.participants.length === 0 ? (
          <p className="muted">{t("admin.participants.empty")}</p>
        ) : (
          <table className="report-table">
            <thead>
              <tr>
                <th scope="col">{t("admin.report.nickname")}</th>
                <th scope="col">{t("admin.report.joined")}</th>
                <th scope="col">{t("admin.report.answers")}</th>
                <th scope="col">{t("admin.report.activitiesAnswered")}</th>
              </tr>
            </thead>
            <tbody>
              {report.participants.map((p) => (
                <tr key={p.id}>
                  <td>{p.nickname}</td>
                  <td>{format.dateTime(p.joined_at)}</td>
                  <td>{format.number(p.answers)}</td>
                  <td>{format.number(p.activities_answered)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}

function ActivityReport({ activity, n }: { activity: ReportActivity; n: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const headingId = `report-activity-${activity.id}`;
  return (
    <section className="report-section report-activity" id={`activity-${activity.id}`} aria-labelledby={headingId}>
      <h2 id={headingId}>
        <span className="muted">{n}.</span> {activity.title}
      </h2>
      <p className="muted report-meta">
        {activity.type_title ?? activity.type} · {t(`admin.activityStatus.${activity.status}`)}
        {activity.activated_at && ` · ${t("admin.report.opened", { when: format.dateTime(activity.activated_at) })}`}
        {activity.closed_at && ` · ${t("admin.report.closedAt", { when: format.dateTime(activity.closed_at) })}`}
        {` · ${t("admin.report.respondents", { answers: format.number(activity.answer_count), people: format.number(activity.respondent_count) })}`}
      </p>
      {activity.description && <p>{activity.description}</p>}
      {activity.status === "draft" ? (
        <p className="muted">{t("admin.report.notRun")}</p>
      ) : activity.error ? (
        <p className="error">{activity.error}</p>
      ) : activity.display.length ? (
        <DisplayBlocks blocks={activity.display} hideTitle={activity.title} />
      ) : (
        <p className="muted">{t("admin.report.noResults")}</p>
      )}
    </section>
  );
}
