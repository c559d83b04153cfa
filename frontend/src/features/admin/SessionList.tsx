import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import type { SessionInfo } from "../../lib/session";
import { adminApi } from "./adminApi";

const STATUS_LABEL = { draft: "Draft", active: "Live", completed: "Completed" } as const;

export function SessionList() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const sessions = useQuery({ queryKey: ["sessions"], queryFn: () => adminApi.listSessions() });
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: (n: string) => adminApi.createSession(n),
    onSuccess: (s) => {
      void queryClient.invalidateQueries({ queryKey: ["sessions"] });
      navigate(`/admin/sessions/${s.id}`);
    },
  });
  return (
    <main className="page">
      <h1>Sessions</h1>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate(name.trim());
        }}
      >
        <label className="field grow">
          <span>New session name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create session
        </button>
      </form>
      {create.error && (
        <p role="alert" className="error">
          {create.error.message}
        </p>
      )}
      {sessions.isLoading ? (
        <p className="muted">Loading…</p>
      ) : sessions.error ? (
        <p role="alert" className="error">
          {sessions.error.message}
        </p>
      ) : sessions.data?.length ? (
        <ul className="session-list">
          {sessions.data.map((s) => (
            <SessionRow key={s.id} session={s} />
          ))}
        </ul>
      ) : (
        <p className="muted">No sessions yet. Create one above.</p>
      )}
    </main>
  );
}

function SessionRow({ session }: { session: SessionInfo }) {
  const queryClient = useQueryClient();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(session.name);
  const [confirming, setConfirming] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["sessions"] });
  const rename = useMutation({
    mutationFn: () => adminApi.renameSession(session.id, name.trim()),
    onSuccess: () => {
      setRenaming(false);
      void refresh();
    },
  });
  const remove = useMutation({ mutationFn: () => adminApi.deleteSession(session.id), onSuccess: () => void refresh() });
  return (
    <li className="session-row">
      {renaming ? (
        <form
          className="inline-form grow"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) rename.mutate();
          }}
        >
          <label className="field grow">
            <span className="visually-hidden">Session name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoFocus />
          </label>
          <button type="submit" className="primary">
            Save
          </button>
          <button type="button" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <Link to={`/admin/sessions/${session.id}`} className="session-name grow">
            {session.name}
          </Link>
          <span className={`badge ${session.status}`}>{STATUS_LABEL[session.status]}</span>
          <span className="code">{session.join_code}</span>
          <button type="button" onClick={() => setRenaming(true)} aria-label={`Rename ${session.name}`}>
            Rename
          </button>
          {confirming ? (
            <>
              <button type="button" className="danger" onClick={() => remove.mutate()}>
                Confirm delete
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirming(true)} aria-label={`Delete ${session.name}`}>
              Delete
            </button>
          )}
        </>
      )}
      {(rename.error ?? remove.error) && (
        <p role="alert" className="error">
          {(rename.error ?? remove.error)?.message}
        </p>
      )}
    </li>
  );
}
