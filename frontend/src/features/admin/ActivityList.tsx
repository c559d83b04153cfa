import { useMutation } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { failureMessage } from "../../api/client";
import type { ActivityTypeInfo } from "../../api/types";
import { ActivityForm } from "./ActivityForm";
import { openBeside } from "../../lib/itemsApi";
import { adminApi, type SessionDetail } from "./adminApi";

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
  const { t } = useTranslation();
  const status = { draft: t("admin.activityStatus.draft"), active: t("admin.activityStatus.active"), expired: t("admin.activityStatus.expired") };
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
    setAnnounce(t("admin.activities.moved", { title: moved.title, position: target + 1, total: ids.length }));
    // Keep the keyboard focus on the moved item's button.
    requestAnimationFrame(() => buttons.current.get(focusKey)?.focus());
  };
  // A completed session is read-only: no reorder, edit or delete (the API says 409 anyway).
  const readOnly = session.status === "completed";
  const title = (type: string) => types.find((t) => t.name === type)?.title ?? type;
  // A type that takes entries (a Q&A) may stay open beside whichever activity is current.
  const takesEntries = (type: string) => !!types.find((t) => t.name === type)?.item_schema;
  return (
    <>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </p>
      {op.error && (
        <p role="alert" className="error">
          {failureMessage(op.error)}
        </p>
      )}
      {activities.length === 0 && <p className="muted">{t("admin.activities.empty")}</p>}
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
                  <span className={`badge ${a.status}`}>{status[a.status]}</span>
                </div>
                <div className="toolbar small">
                  {a.status !== "draft" && (
                    <Link
                      className="button"
                      to={`/admin/sessions/${session.id}/report#activity-${a.id}`}
                      aria-label={t("admin.activities.resultsLabel", { title: a.title })}
                    >
                      {t("admin.activities.results")}
                    </Link>
                  )}
                  {!readOnly && (
                  <>
                  <button
                    type="button"
                    ref={(el) => void buttons.current.set(`${a.id}:up`, el)}
                    aria-label={t("admin.activities.moveUp", { title: a.title })}
                    disabled={i === 0 || op.isPending}
                    onClick={() => void move(i, -1, `${a.id}:up`)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    ref={(el) => void buttons.current.set(`${a.id}:down`, el)}
                    aria-label={t("admin.activities.moveDown", { title: a.title })}
                    disabled={i === activities.length - 1 || op.isPending}
                    onClick={() => void move(i, 1, `${a.id}:down`)}
                  >
                    ↓
                  </button>
                  </>
                  )}
                  {session.status === "active" && a.id !== session.current_activity_id && (
                    <button
                      type="button"
                      className="primary"
                      aria-label={t("admin.activities.activateLabel", { title: a.title })}
                      onClick={() => op.mutate(() => adminApi.activate(session.id, a.id))}
                    >
                      {t("admin.activities.activate")}
                    </button>
                  )}
                  {session.status === "active" && a.status !== "active" && a.id !== session.current_activity_id && takesEntries(a.type) && (
                    <button
                      type="button"
                      aria-label={t("admin.activities.openBesideLabel", { title: a.title })}
                      onClick={() => op.mutate(() => openBeside(session.id, a.id))}
                    >
                      {t("items.openBeside")}
                    </button>
                  )}
                  {a.status === "active" && (
                    <button
                      type="button"
                      aria-label={t("admin.activities.closeLabel", { title: a.title })}
                      onClick={() => op.mutate(() => adminApi.close(session.id, a.id))}
                    >
                      {t("admin.activities.close")}
                    </button>
                  )}
                  {!readOnly && (
                    <>
                      <button type="button" aria-label={t("admin.activities.editLabel", { title: a.title })} onClick={() => setEditing(a.id)}>
                        {t("common.edit")}
                      </button>
                      <button
                        type="button"
                        aria-label={t("admin.activities.deleteLabel", { title: a.title })}
                        onClick={() => {
                          if (window.confirm(t("admin.activities.confirmDelete", { title: a.title }))) {
                            op.mutate(() => adminApi.deleteActivity(session.id, a.id));
                          }
                        }}
                      >
                        {t("common.delete")}
                      </button>
                    </>
                  )}
                </div>
              </>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}
