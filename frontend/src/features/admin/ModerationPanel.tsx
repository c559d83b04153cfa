/**
 * The console's list of a type's entries (any type whose state carries `item_schema`): every
 * entry with its moderation status, approve / hide / restore, and a button per entry for each
 * of the type's actions whose body requires an `item_id` (pin, mark answered, highlight...).
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { failureMessage } from "../../api/client";
import type { ActivityState, ActivityTypeInfo } from "../../api/types";
import { Entries } from "../../components/blocks/Entries";
import { findBlock, type Entry } from "../../components/blocks/itemBlocks";
import { actionsOf, type ActionInfo } from "../../lib/activityTypes";
import { listItems, moderateItem, type ItemOut, type Moderation } from "../../lib/itemsApi";
import { i18n } from "../../i18n";
import { adminApi } from "./adminApi";

/** Actions that act on one entry: their body schema requires an `item_id`. */
export function itemActions(info: ActivityTypeInfo | undefined): ActionInfo[] {
  return actionsOf(info).filter(
    (a) => (a.body_schema.required ?? []).includes("item_id") && !!a.body_schema.properties?.item_id,
  );
}

/**
 * Whether an entry action applies to an entry with these tags. By the built-in types'
 * convention an action `x` sets the tag `x`, `x+"ed"` or `x+"ned"` (answered, highlighted,
 * pinned) and `un<x>` takes it away: `x` is offered where the tag is not, `un<x>` where it is.
 */
export function actionApplies(name: string, tags: readonly string[]): boolean {
  const sets = (action: string) => [action, `${action}ed`, `${action}ned`].some((tag) => tags.includes(tag));
  return name.startsWith("un") ? sets(name.slice(2)) : !sets(name);
}

function actionLabel(action: ActionInfo): string {
  if (action.title && action.title !== action.name) return action.title; // the type's own, translated
  const key = `items.actions.${action.name}`;
  return i18n.exists(key) ? i18n.t(key as "items.actions.pin") : action.name.replace(/_/g, " ");
}

/** An entry's text: the item's `text` field when it has one (Q&A, open text), else its data. */
function itemText(item: ItemOut): string {
  return typeof item.data.text === "string" ? item.data.text : JSON.stringify(item.data);
}

const STATUS_ORDER: Record<ItemOut["status"], number> = { pending: 0, visible: 1, hidden: 2 };

export function ModerationPanel({
  sessionId,
  activity,
  typeInfo,
  version,
  onDone,
}: {
  sessionId: string;
  activity: ActivityState;
  typeInfo?: ActivityTypeInfo;
  /** The live state's version: the list is fetched again whenever it changes. */
  version: number;
  onDone: (message: string | null) => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const items = useQuery({
    queryKey: ["items", sessionId, activity.id, version],
    queryFn: () => listItems(sessionId, activity.id),
    placeholderData: (previous) => previous,
  });
  const perEntry = itemActions(typeInfo);
  // The type's tags (pinned, answered...) are in its entries block; moderation states are ours.
  const shown = new Map((findBlock(activity.display, "entries")?.entries ?? []).map((e) => [e.id, e]));
  const all = [...(items.data ?? [])].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.created_at.localeCompare(a.created_at),
  );
  const entries: Entry[] = all.map((item) => ({
    id: item.id,
    text: itemText(item),
    author: item.anonymous ? null : item.nickname,
    votes: item.votes,
    created_at: item.created_at,
    tags: [...(item.status === "visible" ? [] : [item.status]), ...(shown.get(item.id)?.tags ?? [])],
    highlight: shown.get(item.id)?.highlight ?? false,
  }));
  const statusOf = new Map(all.map((i) => [i.id, i.status]));
  const pending = all.filter((i) => i.status === "pending").length;

  async function run(work: () => Promise<unknown>) {
    setError(null);
    setBusy(true);
    try {
      const out = await work();
      onDone(typeof out === "string" ? out : null);
      await items.refetch();
    } catch (e) {
      setError(failureMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="moderation" aria-label={t("items.moderationOf", { title: activity.title })}>
      <h4>
        {t("items.moderation")}
        {pending > 0 && <span className="badge badge-pending">{t("items.pendingCount", { count: pending })}</span>}
      </h4>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <Entries
        block={{ kind: "entries", entries, order: "as_given", layout: "list", voting: false }}
        action={(entry) => {
          const status = statusOf.get(entry.id);
          const mod = (verb: Moderation) => () => void run(() => moderateItem(sessionId, activity.id, entry.id, verb));
          const label = (what: string) => `${what}: ${entry.text}`;
          return (
            <>
              {status === "pending" && (
                <button type="button" className="primary" disabled={busy} aria-label={label(t("items.approve"))} onClick={mod("approve")}>
                  {t("items.approve")}
                </button>
              )}
              {status === "visible" &&
                perEntry
                  .filter((action) => actionApplies(action.name, entry.tags ?? []))
                  .map((action) => (
                    <button
                      key={action.name}
                      type="button"
                      disabled={busy}
                      aria-label={label(actionLabel(action))}
                      onClick={() =>
                        void run(() => adminApi.runAction(sessionId, activity.id, action.name, { item_id: entry.id }))
                      }
                    >
                      {actionLabel(action)}
                    </button>
                  ))}
              {status !== "hidden" ? (
                <button type="button" disabled={busy} aria-label={label(t("items.hide"))} onClick={mod("hide")}>
                  {t("items.hide")}
                </button>
              ) : (
                <button type="button" disabled={busy} aria-label={label(t("items.restore"))} onClick={mod("restore")}>
                  {t("items.restore")}
                </button>
              )}
            </>
          );
        }}
      />
    </section>
  );
}
