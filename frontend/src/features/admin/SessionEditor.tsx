import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";
import { failureMessage } from "../../api/client";
import { useActivityTypes } from "../../lib/activityTypes";
import { ActivityForm } from "./ActivityForm";
import { ActivityList } from "./ActivityList";
import { adminApi, type DefinitionFormat } from "./adminApi";
import { LivePanel } from "./LivePanel";
import { ParticipantsPanel } from "./ParticipantsPanel";
import { SessionLookForm } from "./SessionLookForm";
import "./reuse.css";

/** One session: its activities, the live controls, participants and export. */
export function SessionEditor() {
  const { t } = useTranslation();
  const { sessionId = "" } = useParams();
  const queryClient = useQueryClient();
  const key = ["session-detail", sessionId];
  const session = useQuery({ queryKey: key, queryFn: () => adminApi.getSession(sessionId), refetchInterval: 5000 });
  const types = useActivityTypes(null);
  const [adding, setAdding] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: ["live-state", sessionId] });
  };
  const lifecycle = useMutation({
    mutationFn: (step: "start" | "complete") =>
      step === "start" ? adminApi.startSession(sessionId) : adminApi.completeSession(sessionId),
    onSuccess: refresh,
  });
  const filename = (session.data?.name ?? "session").replace(/[^\w-]+/g, "_");
  const exporter = useMutation({
    mutationFn: (what: { answers: "csv" | "json" | "xlsx" } | { definition: DefinitionFormat }) =>
      "answers" in what
        ? adminApi.download(sessionId, what.answers, filename)
        : adminApi.downloadDefinition(sessionId, what.definition, filename),
  });
  const navigate = useNavigate();
  const duplicate = useMutation({
    mutationFn: () => adminApi.duplicate(sessionId),
    onSuccess: (copy) => {
      void queryClient.invalidateQueries({ queryKey: ["sessions"] });
      navigate(`/admin/sessions/${copy.id}`);
    },
  });

  if (session.isLoading) return <main className="page muted">{t("common.loading")}</main>;
  if (session.error || !session.data) {
    return (
      <main className="page">
        <p role="alert" className="error">
          {session.error ? failureMessage(session.error) : t("admin.editor.notFound")}
        </p>
        <Link to="/admin">{t("admin.editor.allSessions")}</Link>
      </main>
    );
  }
  const s = session.data;
  const error = lifecycle.error ?? exporter.error ?? duplicate.error;
  const completed = s.status === "completed";
  return (
    <main className="page editor">
      <nav aria-label={t("admin.editor.breadcrumb")}>
        <Link to="/admin">{t("admin.editor.allSessions")}</Link>
      </nav>
      <header className="editor-head">
        <div>
          <h1>{s.name}</h1>
          <p className="muted">
            <span className={`badge ${s.status}`}>{t(`admin.sessionStatus.${s.status}`)}</span>{" "}
            {t("admin.editor.joinCode")} <strong className="code">{s.join_code}</strong> ·{" "}
            <a className="admin-join-url" href={s.join_url} dir="ltr">
              {s.join_url}
            </a>
          </p>
        </div>
        <div className="toolbar">
          <a className="button" href={`/present/${s.id}`} target="_blank" rel="noopener">
            {t("admin.editor.openBigScreen")}
          </a>
          {s.status === "draft" && (
            <button type="button" className="primary" onClick={() => lifecycle.mutate("start")} disabled={lifecycle.isPending}>
              {t("admin.editor.start")}
            </button>
          )}
          {s.status === "active" && (
            <button type="button" onClick={() => lifecycle.mutate("complete")} disabled={lifecycle.isPending}>
              {t("admin.editor.complete")}
            </button>
          )}
          <Link className="button" to={`/admin/sessions/${s.id}/report`}>
            {t("admin.report.open")}
          </Link>
          <button type="button" onClick={() => duplicate.mutate()} disabled={duplicate.isPending}>
            {t("admin.reuse.duplicate")}
          </button>
          <details className="menu">
            <summary className="button">{t("admin.editor.download")}</summary>
            <div
              className="menu-items"
              role="group"
              aria-label={t("admin.editor.download")}
              // A chosen download closes the menu.
              onClick={(e) => {
                if (e.target instanceof HTMLButtonElement) e.currentTarget.closest("details")?.removeAttribute("open");
              }}
            >
              <span className="menu-heading">{t("admin.editor.answers")}</span>
              <button type="button" onClick={() => exporter.mutate({ answers: "xlsx" })}>
                {t("admin.editor.exportXlsx")}
              </button>
              <button type="button" onClick={() => exporter.mutate({ answers: "csv" })}>
                {t("admin.editor.exportCsv")}
              </button>
              <button type="button" onClick={() => exporter.mutate({ answers: "json" })}>
                {t("admin.editor.exportJson")}
              </button>
              <span className="menu-heading">{t("admin.reuse.definition")}</span>
              <button type="button" onClick={() => exporter.mutate({ definition: "yaml" })}>
                {t("admin.reuse.definitionYaml")}
              </button>
              <button type="button" onClick={() => exporter.mutate({ definition: "json" })}>
                {t("admin.reuse.definitionJson")}
              </button>
            </div>
          </details>
        </div>
      </header>
      {error && (
        <p role="alert" className="error">
          {failureMessage(error)}
        </p>
      )}
      {completed && (
        <p className="notice" data-testid="read-only">
          {t("admin.editor.readOnly")}
        </p>
      )}
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      <div className="editor-grid">
        <section aria-labelledby="activities-title" className="panel">
          <h2 id="activities-title">{t("admin.editor.activities")}</h2>
          <ActivityList
            session={s}
            types={types.data ?? []}
            onChanged={refresh}
            onMessage={setMessage}
          />
          {adding ? (
            <ActivityForm
              sessionId={s.id}
              types={types.data ?? []}
              onDone={() => {
                setAdding(false);
                refresh();
              }}
              onCancel={() => setAdding(false)}
            />
          ) : (
            s.status !== "completed" && (
              <button type="button" className="primary" onClick={() => setAdding(true)}>
                {t("admin.editor.addActivity")}
              </button>
            )
          )}
        </section>
        <div className="side">
          <LivePanel sessionId={s.id} types={types.data ?? []} onChanged={refresh} onMessage={setMessage} />
          <ParticipantsPanel sessionId={s.id} readOnly={completed} />
          <SessionLookForm session={s} onChanged={refresh} />
        </div>
      </div>
    </main>
  );
}
