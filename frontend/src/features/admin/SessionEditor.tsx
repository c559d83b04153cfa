import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { adminToken, failureMessage } from "../../api/client";
import { useActivityTypes } from "../../lib/activityTypes";
import { ActivityForm } from "./ActivityForm";
import { ActivityList } from "./ActivityList";
import { adminApi } from "./adminApi";
import { LivePanel } from "./LivePanel";
import { ParticipantsPanel } from "./ParticipantsPanel";

/** One session: its activities, the live controls, participants and export. */
export function SessionEditor() {
  const { t } = useTranslation();
  const { sessionId = "" } = useParams();
  const queryClient = useQueryClient();
  const key = ["session-detail", sessionId];
  const session = useQuery({ queryKey: key, queryFn: () => adminApi.getSession(sessionId), refetchInterval: 5000 });
  const types = useActivityTypes(adminToken.get());
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
  const exporter = useMutation({
    mutationFn: (format: "csv" | "json") =>
      adminApi.download(sessionId, format, (session.data?.name ?? "session").replace(/[^\w-]+/g, "_")),
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
  const error = lifecycle.error ?? exporter.error;
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
          <button type="button" onClick={() => exporter.mutate("csv")}>
            {t("admin.editor.exportCsv")}
          </button>
          <button type="button" onClick={() => exporter.mutate("json")}>
            {t("admin.editor.exportJson")}
          </button>
        </div>
      </header>
      {error && (
        <p role="alert" className="error">
          {failureMessage(error)}
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
          <ParticipantsPanel sessionId={s.id} />
        </div>
      </div>
    </main>
  );
}
