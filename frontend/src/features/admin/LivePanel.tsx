import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { activityUI } from "../../activities/registry";
import { failureMessage } from "../../api/client";
import type { ActivityState, ActivityTypeInfo } from "../../api/types";
import { ConnectionBanner, Countdown } from "../../components/Status";
import { DisplayBlocks } from "../../components/blocks/DisplayBlocks";
import { actionsOf, type ActionInfo } from "../../lib/activityTypes";
import { useLiveState } from "../../lib/useLiveState";
import { adminApi } from "./adminApi";
import { itemActions, ModerationPanel } from "./ModerationPanel";

// Labels for the built-in types' actions when the server sends no title of its own.
const LABELS = {
  reveal: "admin.actions.reveal",
  hide: "admin.actions.hide",
  unhide: "admin.actions.unhide",
  reset: "admin.actions.reset",
  revote: "admin.actions.revote",
  accept: "admin.actions.accept",
  skip: "admin.actions.skip",
  next: "admin.actions.next",
  leaderboard: "admin.actions.leaderboard",
  finish: "admin.actions.finish",
} as const;

function isLabelled(name: string): name is keyof typeof LABELS {
  return Object.hasOwn(LABELS, name);
}

/** The current activity, live: its results and the type's actions as buttons. */
export function LivePanel({
  sessionId,
  types,
  onChanged,
  onMessage,
}: {
  sessionId: string;
  types: ActivityTypeInfo[];
  onChanged: () => void;
  onMessage: (m: string | null) => void;
}) {
  const { t } = useTranslation();
  const live = useLiveState(sessionId, { token: null });
  const activity = live.state?.activity ?? null;
  // An activity open beside the current one (a Q&A for the whole session).
  const side = live.state?.side ?? null;
  return (
    <section className="panel live-panel" aria-labelledby="live-title">
      <h2 id="live-title">{t("admin.live.title")}</h2>
      <ConnectionBanner reconnecting={live.reconnecting} />
      {!live.state ? (
        <p className="muted">{t("common.loading")}</p>
      ) : !activity ? (
        <p className="muted">
          {live.state.session.status === "draft" ? t("admin.live.startFirst") : t("admin.live.nothingRunning")}{" "}
          {t("admin.live.peopleIn", { count: live.state.participant_count })}
        </p>
      ) : (
        <CurrentActivity
          sessionId={sessionId}
          activity={activity}
          typeInfo={types.find((t) => t.name === activity.type)}
          clockOffsetMs={live.clockOffsetMs}
          readOnly={live.state.session.status === "completed"}
          version={live.state.version}
          onDone={(m) => {
            onMessage(m);
            onChanged();
            void live.refresh();
          }}
        />
      )}
      {side && side.id !== activity?.id && (
        <div className="live-activity side-activity" data-testid="side-activity">
          <div className="activity-head">
            <h3>{side.title}</h3>
            <span className="badge active">{t("admin.live.beside")}</span>
          </div>
          <SideActivity
            sessionId={sessionId}
            side={side}
            typeInfo={types.find((t) => t.name === side.type)}
            version={live.state?.version ?? 0}
            readOnly={live.state?.session.status === "completed"}
            onDone={(m) => {
              onMessage(m);
              void live.refresh();
            }}
          />
        </div>
      )}
    </section>
  );
}

/** The activity's display without its entries block (the console lists the entries itself). */
function withoutEntries(activity: ActivityState): ActivityState {
  return { ...activity, display: activity.display.filter((b) => b.kind !== "entries") };
}

/** The activity open beside the current one: its entries to moderate, its type's actions, the rest of its display. */
function SideActivity({
  sessionId,
  side,
  typeInfo,
  version,
  readOnly,
  onDone,
}: {
  sessionId: string;
  side: ActivityState;
  typeInfo?: ActivityTypeInfo;
  version: number;
  readOnly: boolean;
  onDone: (message: string | null) => void;
}) {
  const { t } = useTranslation();
  const perEntry = itemActions(typeInfo).map((a) => a.name);
  return (
    <>
      {!readOnly && (
        <div className="toolbar wrap" role="group" aria-label={t("admin.live.actionsOf", { title: side.title })}>
          {actionsOf(typeInfo)
            .filter((action) => !perEntry.includes(action.name))
            .map((action) => (
              <ActionControl
                key={action.name}
                sessionId={sessionId}
                activityId={side.id}
                action={action}
                suggestions={[]}
                onDone={onDone}
              />
            ))}
        </div>
      )}
      {side.item_schema && !readOnly && (
        <ModerationPanel sessionId={sessionId} activity={side} typeInfo={typeInfo} version={version} onDone={onDone} />
      )}
      <div className="live-results">
        <DisplayBlocks blocks={withoutEntries(side).display} />
      </div>
    </>
  );
}

function CurrentActivity({
  sessionId,
  activity,
  typeInfo,
  clockOffsetMs,
  readOnly,
  version,
  onDone,
}: {
  sessionId: string;
  activity: ActivityState;
  typeInfo?: ActivityTypeInfo;
  clockOffsetMs: number;
  readOnly: boolean;
  version: number;
  onDone: (message: string | null) => void;
}) {
  const { t } = useTranslation();
  const takesEntries = !!activity.item_schema;
  const perEntry = takesEntries ? itemActions(typeInfo).map((a) => a.name) : [];
  const ui = activityUI(activity.type, typeInfo);
  const words =
    activity.display.flatMap((b) => (b.kind === "cloud" ? b.words.map((w) => w.text) : [])) ?? [];
  return (
    <div className="live-activity">
      <div className="activity-head">
        <h3>{activity.title}</h3>
        <Countdown deadline={activity.deadline} clockOffsetMs={clockOffsetMs} />
      </div>
      <p className="muted">
        {t("admin.live.statusLine", {
          status: activity.status === "active" ? t("admin.live.running") : t("admin.live.closed"),
          phase: activity.phase,
        })}
      </p>
      {!readOnly && (
      <div className="toolbar wrap" role="group" aria-label={t("admin.live.actions")}>
        {actionsOf(typeInfo)
          // A type with its own console controls handles the actions that take a body.
          .filter((action) => !ui.AdminControls || !Object.keys(action.body_schema.properties ?? {}).length)
          // Actions on one entry are buttons beside each entry in the list below.
          .filter((action) => !perEntry.includes(action.name))
          .map((action) => (
          <ActionControl
            key={action.name}
            sessionId={sessionId}
            activityId={activity.id}
            action={action}
            suggestions={words}
            onDone={onDone}
          />
        ))}
      </div>
      )}
      {takesEntries && !readOnly && (
        <ModerationPanel
          sessionId={sessionId}
          activity={activity}
          typeInfo={typeInfo}
          version={version}
          onDone={onDone}
        />
      )}
      <div className="live-results">
        {/* The moderation list above has every entry: the entries block would repeat them. */}
        <ui.Results activity={takesEntries && !readOnly ? withoutEntries(activity) : activity} role="presenter" />
      </div>
      {ui.AdminControls && !readOnly && (
        <ui.AdminControls
          activity={activity}
          runAction={async (action, body) => onDone(await adminApi.runAction(sessionId, activity.id, action, body))}
        />
      )}
    </div>
  );
}

function ActionControl({
  sessionId,
  activityId,
  action,
  suggestions,
  onDone,
}: {
  sessionId: string;
  activityId: string;
  action: ActionInfo;
  suggestions: string[];
  onDone: (message: string | null) => void;
}) {
  const { t } = useTranslation();
  const fields = Object.entries(action.body_schema.properties ?? {});
  const [values, setValues] = useState<Record<string, string>>({});
  const label =
    action.title && action.title !== action.name
      ? action.title
      : isLabelled(action.name)
        ? t(LABELS[action.name])
        : action.name.replace(/_/g, " ");
  const run = useMutation({
    mutationFn: (body: Record<string, unknown>) => adminApi.runAction(sessionId, activityId, action.name, body),
    onSuccess: (message) => {
      setValues({});
      onDone(message);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    for (const [name, schema] of fields) {
      const v = values[name];
      if (v === undefined || v === "") continue;
      const t = JSON.stringify(schema.type ?? schema.anyOf ?? "");
      body[name] = /number|integer/.test(t) && !Number.isNaN(Number(v)) && !/string/.test(t) ? Number(v) : v;
    }
    run.mutate(body);
  };
  if (!fields.length) {
    return (
      <span className="action">
        <button type="button" onClick={() => run.mutate({})} disabled={run.isPending}>
          {label}
        </button>
        {run.error && (
          <span role="alert" className="error">
            {failureMessage(run.error)}
          </span>
        )}
      </span>
    );
  }
  const listId = `suggest-${action.name}`;
  return (
    <form className="action inline-form" onSubmit={submit} aria-label={label}>
      {fields.map(([name, schema]) => (
        <label key={name} className="field compact">
          <span>{schema.title ?? name}</span>
          <input
            value={values[name] ?? ""}
            onChange={(e) => setValues({ ...values, [name]: e.target.value })}
            list={name === "entry" ? listId : undefined}
            required={action.body_schema.required?.includes(name)}
          />
        </label>
      ))}
      {fields.some(([n]) => n === "entry") && (
        <datalist id={listId}>
          {suggestions.map((w) => (
            <option key={w} value={w} />
          ))}
        </datalist>
      )}
      <button type="submit" disabled={run.isPending}>
        {label}
      </button>
      {run.error && (
        <span role="alert" className="error">
          {failureMessage(run.error)}
        </span>
      )}
    </form>
  );
}
