/**
 * The console's list of a type's entries (any type whose state carries `item_schema`): every
 * entry with its moderation status, approve / hide / restore, and a button per entry for each of
 * the type's actions whose body requires an `item_id` (pin, mark answered, highlight...).
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { failureMessage } from "../../api/client";
import type { ActivityState, ActivityTypeInfo } from "../../api/types";
import { Entries } from "../../components/blocks/Entries";
import type { Entry } from "../../components/blocks/itemBlocks";
import { actionsOf } from "../../lib/activityTypes";
import { listItems, moderateItem, openBeside } from "../../lib/itemsApi";
import { i18n } from "../../i18n";
import { adminApi } from "./adminApi";

/** Actions that act on one entry: their body schema requires an `item_id`. */
export function itemActions(info: ActivityTypeInfo | undefined): string[] {
  return actionsOf(info)
    .filter((a) => (a.body_schema.required ?? []).includes("item_id") && a.body_schema.properties?.item_id)
    .map((a) => a.name);
}

function actionLabel(name: string): string {
  const key = `items.actions.${name}`;
  return i18n.exists(key) ? i18n.t(key as "items.actions.pin") : name;
}

export function ModerationPanel({
  sessionId,
  activity,
  typeInfo,
  version,
  isSide,
  onDone,
}: {
  sessionId: string;
  activity: ActivityState;
  typeInfo?: ActivityTypeInfo;
  /** The live state's version: the list is fetched again whenever it changes. */
  version: number;
  isSide: boolean;
  onDone: (message: string | null) => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const items = useQuery({
    queryKey: ["items", sessionId, activity.id, version],
    queryFn: () => listItems(sessionId, activity.id, null),
    placeholderData: (previous) => previous,
  });
  const perEntry = itemActions(typeInfo);
  const tagsById = new Map<string, string[]>();
  for (const block of activity.display as { kind: string; entries?: Entry[] }[]) {
    if (block.kind === "entries") for (const e of block.entries ?? []) tagsById.set(e.id, e.tags ?? []);
  }
  const entries: Entry[] = (items.data ?? []).map((item) => ({
    id: item.id,
    text: typeof item.data.text === "string" ? item.data.text : JSON.stringify(item.data),
    author: item.anonymous ? null : item.nickname,
    votes: item.votes,
    created_at: item.created_at ?? null,
    tags: [...(item.status === "visible" ? [] : [item.status]), ...(tagsById.get(item.id) ?? [])],
  }));
  const statusOf = new Map((items.data ?? []).map((i) => [i.id, i.status]));
  const pending = (items.data ?? []).filter((i) => i.status === "pending").length;

  async function run(work: () => Promise<unknown>) {
    setError(null);
    try {
      const out = await work();
      onDone(typeof out === "string" ? out : null);
      await items.refetch();
    } catch (e) {
      setError(failureMessage(e));
    }
  }

  return (
    <section className="moderation" aria-label={t("items.moderation")}>
      <div className="toolbar wrap">
        <h4>
          {t("items.moderation")}
          {pending > 0 && <span className="badge badge-pending"> {t("items.pendingCount", { count: pending })}</span>}
        </h4>
        {!isSide && (
          <button type="button" onClick={() => void run(() => openBeside(sessionId, activity.id, null))}>
            {t("items.openBeside")}
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <Entries
        block={{ kind: "entries", entries, order: "newest", layout: "list" }}
        order="newest"
        action={(entry) => {
          const status = statusOf.get(entry.id);
          const mod = (verb: "approve" | "hide" | "restore") => () =>
            void run(() => moderateItem(sessionId, activity.id, entry.id, null, verb));
          return (
            <>
              {status === "pending" && (
                <button type="button" className="primary" onClick={mod("approve")}>
                  {t("items.approve")}
                </button>
              )}
              {status !== "hidden" ? (
                <button type="button" onClick={mod("hide")}>
                  {t("items.hide")}
                </button>
              ) : (
                <button type="button" onClick={mod("restore")}>
                  {t("items.restore")}
                </button>
              )}
              {status === "visible" &&
                perEntry.map((name) => (
                  <button
                    key={name}
                    type="button"
                    onClick={() =>
                      void run(() => adminApi.runAction(sessionId, activity.id, name, { item_id: entry.id }))
                    }
                  >
                    {actionLabel(name)}
                  </button>
                ))}
            </>
          );
        }}
      />
    </section>
  );
}
