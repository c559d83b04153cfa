import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { adminToken } from "../../api/client";
import { useActivityTypes } from "../../lib/activityTypes";
import { ActivityForm } from "./ActivityForm";
import { ActivityList } from "./ActivityList";
import { adminApi } from "./adminApi";
import { LivePanel } from "./LivePanel";
import { ParticipantsPanel } from "./ParticipantsPanel";

/** One session: its activities, the live controls, participants and export. */
export function SessionEditor() {
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

  if (session.isLoading) return <main className="page muted">Loading…</main>;
  if (session.error || !session.data) {
    return (
      <main className="page">
        <p role="alert" className="error">
          {session.error?.message ?? "Session not found"}
        </p>
        <Link to="/admin">All sessions</Link>
      </main>
    );
  }
  const s = session.data;
  const error = lifecycle.error ?? exporter.error;
  return (
    <main className="page editor">
      <nav aria-label="Breadcrumb">
        <Link to="/admin">All sessions</Link>
      </nav>
      <header className="editor-head">
        <div>
          <h1>{s.name}</h1>
          <p className="muted">
            <span className={`badge ${s.status}`}>{s.status === "active" ? "Live" : s.status === "draft" ? "Draft" : "Completed"}</span>{" "}
            Join code <strong className="code">{s.join_code}</strong> · <a className="admin-join-url" href={s.join_url}>{s.join_url}</a>
          </p>
        </div>
        <div className="toolbar">
          <a className="button" href={`/present/${s.id}`} target="_blank" rel="noopener">
            Open big screen
          </a>
          {s.status === "draft" && (
            <button type="button" className="primary" onClick={() => lifecycle.mutate("start")} disabled={lifecycle.isPending}>
              Start session
            </button>
          )}
          {s.status === "active" && (
            <button type="button" onClick={() => lifecycle.mutate("complete")} disabled={lifecycle.isPending}>
              Complete session
            </button>
          )}
          <button type="button" onClick={() => exporter.mutate("csv")}>
            Export CSV
          </button>
          <button type="button" onClick={() => exporter.mutate("json")}>
            Export JSON
          </button>
        </div>
      </header>
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      <div className="editor-grid">
        <section aria-labelledby="activities-title" className="panel">
          <h2 id="activities-title">Activities</h2>
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
                Add activity
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
