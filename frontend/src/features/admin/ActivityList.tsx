import { useMutation } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { ActivityTypeInfo } from "../../api/types";
import { ActivityForm } from "./ActivityForm";
import { adminApi, type SessionDetail } from "./adminApi";

const STATUS = { draft: "Not started", active: "Running", expired: "Closed" } as const;

/** The session's activities in order, with keyboard-accessible reordering (move up/down). */
export function ActivityList({
  session,
  types,
  onChanged,
  onMessage,
}: {
  session: SessionDetail;
  types: ActivityTypeInfo[];
  onChanged: () => void;
  onMessage: (m: string | null) => void;
}) {
  const activities = [...session.activities].sort((a, b) => a.position - b.position);
  const [editing, setEditing] = useState<string | null>(null);
  const [announce, setAnnounce] = useState("");
  const buttons = useRef(new Map<string, HTMLButtonElement | null>());
  const op = useMutation({
    mutationFn: async (fn: () => Promise<unknown>) => fn(),
    onSuccess: () => {
      onMessage(null);
      onChanged();
    },
  });
  const move = async (index: number, delta: -1 | 1, focusKey: string) => {
    const ids = activities.map((a) => a.id);
    const target = index + delta;
    if (target < 0 || target >= ids.length) return;
    [ids[index], ids[target]] = [ids[target]!, ids[index]!];
    await op.mutateAsync(() => adminApi.reorder(session.id, ids));
    const moved = activities[index]!;
    setAnnounce(`${moved.title} moved to position ${target + 1} of ${ids.length}`);
    // Keep the keyboard focus on the moved item's button.
    requestAnimationFrame(() => buttons.current.get(focusKey)?.focus());
  };
  const title = (type: string) => types.find((t) => t.name === type)?.title ?? type;
  return (
    <>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </p>
      {op.error && (
        <p role="alert" className="error">
          {op.error.message}
        </p>
      )}
      {activities.length === 0 && <p className="muted">No activities yet.</p>}
      <ol className="activity-list">
        {activities.map((a, i) => (
          <li key={a.id} className={`activity-row ${a.status}`}>
            {editing === a.id ? (
              <ActivityForm
                sessionId={session.id}
                types={types}
                existing={a}
                onDone={() => {
                  setEditing(null);
                  onChanged();
                }}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <>
                <div className="activity-row-main">
                  <span className="position">{i + 1}</span>
                  <span className="activity-title">{a.title}</span>
                  <span className="muted">{title(a.type)}</span>
                  <span className={`badge ${a.status}`}>{STATUS[a.status]}</span>
                </div>
                <div className="toolbar small">
                  <button
                    type="button"
                    ref={(el) => void buttons.current.set(`${a.id}:up`, el)}
                    aria-label={`Move ${a.title} up`}
                    disabled={i === 0 || op.isPending}
                    onClick={() => void move(i, -1, `${a.id}:up`)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    ref={(el) => void buttons.current.set(`${a.id}:down`, el)}
                    aria-label={`Move ${a.title} down`}
                    disabled={i === activities.length - 1 || op.isPending}
                    onClick={() => void move(i, 1, `${a.id}:down`)}
                  >
                    ↓
                  </button>
                  {session.status === "active" && a.status !== "active" && (
                    <button
                      type="button"
                      className="primary"
                      aria-label={`Activate ${a.title}`}
                      onClick={() => op.mutate(() => adminApi.activate(session.id, a.id))}
                    >
                      Activate
                    </button>
                  )}
                  {a.status === "active" && (
                    <button
                      type="button"
                      aria-label={`Close ${a.title}`}
                      onClick={() => op.mutate(() => adminApi.close(session.id, a.id))}
                    >
                      Close
                    </button>
                  )}
                  <button type="button" aria-label={`Edit ${a.title}`} onClick={() => setEditing(a.id)}>
                    Edit
                  </button>
                  <button
                    type="button"
                    aria-label={`Delete ${a.title}`}
                    onClick={() => {
                      if (window.confirm(`Delete “${a.title}” and its answers?`)) {
                        op.mutate(() => adminApi.deleteActivity(session.id, a.id));
                      }
                    }}
                  >
                    Delete
                  </button>
                </div>
              </>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}
