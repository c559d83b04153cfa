/**
 * The phone's side of a type that takes entries (any type whose state carries `item_schema`):
 * the entry form generated from that schema, the participant's own entries with their status,
 * and everyone's entries with vote buttons where the entries block says voting.
 *
 * Driven only by the state document: `item_schema`, the `entries` display block, `config.allow_anonymous`
 * and `extra` (`voted`, `my_<entries>` lists, `<entries>_left` counts), so a third-party type gets it too.
 *
 * The participant's own list comes from their personal document, which a moderation does not
 * renew; the shared entries block does follow it, so an own entry shown there is published.
 */
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ActivityState, ActivityTypeInfo } from "../../api/types";
import { failureMessage } from "../../api/client";
import { Entries, Spotlight } from "../../components/blocks/Entries";
import { findBlock, type Entry, type EntryOrder } from "../../components/blocks/itemBlocks";
import { setVote, submitItem, type ItemOut } from "../../lib/itemsApi";
import { GenericRespondLazy } from "./lazyForm";

interface OwnEntry {
  id: string;
  text: string;
  status: ItemOut["status"];
}

/** The participant's own entries and how many are left, found generically in `extra`. */
export function ownEntries(extra: Record<string, unknown>): { mine: OwnEntry[]; left: number | null } {
  const mineKey = Object.keys(extra).find((k) => k.startsWith("my_") && Array.isArray(extra[k]));
  const leftKey = Object.keys(extra).find((k) => k.endsWith("_left") && typeof extra[k] === "number");
  return {
    mine: mineKey ? (extra[mineKey] as OwnEntry[]) : [],
    left: leftKey ? (extra[leftKey] as number) : null,
  };
}

/**
 * An own entry's status as the shared entries (which follow every moderation) say it: shown
 * there means published; published before but no longer shown means hidden.
 */
export function currentStatus(own: OwnEntry, shown: ReadonlySet<string>): OwnEntry["status"] {
  if (shown.has(own.id)) return "visible";
  return own.status === "visible" ? "hidden" : own.status;
}

export function ItemsPanel({
  activity,
  sessionId,
  token,
  typeInfo,
  refresh,
}: {
  activity: ActivityState;
  sessionId: string;
  token: string;
  typeInfo?: ActivityTypeInfo;
  refresh: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const itemSchema = activity.item_schema;
  const extra = (activity.extra ?? {}) as Record<string, unknown>;
  const config = (activity.config ?? {}) as Record<string, unknown>;
  const block = findBlock(activity.display, "entries");
  const spotlight = findBlock(activity.display, "spotlight"); // the question being answered now
  const [anonymous, setAnonymous] = useState(false);
  const [announce, setAnnounce] = useState("");
  const [formKey, setFormKey] = useState(0);
  const [order, setOrder] = useState<EntryOrder>(block?.order === "newest" ? "newest" : "votes");
  const votesCount = !!block?.voting;
  // What this phone sent and voted: a write's own reply is fresher than a personal document cut
  // from a snapshot a moment old (documents are served for a tick after newer versions exist).
  const [sent, setSent] = useState<OwnEntry[]>([]);
  // Votes: item id -> what we voted, the count the server answered and the count shown before;
  // once the shared document's count moves from that, it is the server's to tell.
  const [votes, setVotes] = useState<Record<string, { voted: boolean; votes: number; base: number }>>({});
  const [voteError, setVoteError] = useState<string | null>(null);
  const anonId = useId();
  const fromDoc = ownEntries(extra);
  const unseen = sent.filter((s) => !fromDoc.mine.some((m) => m.id === s.id));
  const mine = [...fromDoc.mine, ...unseen];
  const left = fromDoc.left === null ? null : Math.max(0, fromDoc.left - unseen.length);
  const serverVoted = new Set((extra.voted as string[] | undefined) ?? []);
  const mineIds = new Set(mine.map((m) => m.id));
  // Taking entries: the activity runs, the type has not closed them (the Q&A's questions_open) and some are left.
  const taking = activity.status === "active" && extra.questions_open !== false;
  const open = taking && (left === null || left > 0);

  const serverCount = new Map((block?.entries ?? []).map((e) => [e.id, e.votes ?? 0]));
  const entries: Entry[] = (block?.entries ?? []).map((e) => {
    const mineNow = votes[e.id];
    return mineNow && (e.votes ?? 0) === mineNow.base ? { ...e, votes: mineNow.votes } : e;
  });
  const shownIds = new Set(entries.map((e) => e.id));
  const isVoted = (id: string) => votes[id]?.voted ?? serverVoted.has(id);

  async function toggleVote(entry: Entry) {
    const next = !isVoted(entry.id);
    const before = votes[entry.id];
    const base = serverCount.get(entry.id) ?? 0;
    setVotes((v) => ({ ...v, [entry.id]: { voted: next, votes: (entry.votes ?? 0) + (next ? 1 : -1), base } }));
    setVoteError(null);
    try {
      const out = await setVote(sessionId, activity.id, entry.id, token, next);
      setVotes((v) => ({ ...v, [entry.id]: { voted: out.voted, votes: out.votes, base } }));
      void refresh();
    } catch (error) {
      setVotes((v) => {
        const copy = { ...v };
        if (before) copy[entry.id] = before;
        else delete copy[entry.id];
        return copy;
      });
      setVoteError(failureMessage(error));
    }
  }

  // After sending, the form is renewed (or gone, when no entries are left): the focus goes to
  // the new form's field, or to the confirmation, not to <body>.
  const formBox = useRef<HTMLDivElement>(null);
  const sentLine = useRef<HTMLParagraphElement>(null);
  const refocus = useRef(false);
  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    const field = formBox.current?.querySelector<HTMLElement>("textarea, input:not([type=hidden]):not([type=checkbox])");
    (field ?? sentLine.current)?.focus();
  });

  return (
    <div className="items-panel">
      {spotlight && <Spotlight block={spotlight} />}
      {itemSchema && open && (
        <div className="entry-form" ref={formBox}>
          <GenericRespondLazy
            key={formKey}
            activity={{ ...activity, answer_schema: itemSchema }}
            typeInfo={{ ...(typeInfo ?? {}), answer_schema: itemSchema } as ActivityTypeInfo}
            secondsLeft={null}
            submit={async (data) => {
              setAnnounce(""); // the same words again are heard again
              try {
                const item = await submitItem(sessionId, activity.id, token, data, anonymous);
                const text = typeof item.data.text === "string" ? item.data.text : JSON.stringify(item.data);
                setSent((s) => [...s.filter((m) => m.id !== item.id), { id: item.id, text, status: item.status }]);
              } catch (error) {
                return { ok: false, message: failureMessage(error) };
              }
              setAnnounce(t("items.sent"));
              refocus.current = true;
              setFormKey((k) => k + 1);
              await refresh();
              return { ok: true };
            }}
          />
          {config.allow_anonymous === true && (
            <label htmlFor={anonId} className="checkbox">
              <input id={anonId} type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} />{" "}
              {t("items.anonymous")}
            </label>
          )}
          {left !== null && <p className="muted">{t("items.left", { count: left })}</p>}
        </div>
      )}
      {itemSchema && !taking && <p className="muted">{t("items.closed")}</p>}
      {itemSchema && taking && left === 0 && <p className="muted">{t("items.noneLeft")}</p>}
      {/* Always on the page, so that screen readers hear the text when it appears. */}
      <p role="status" ref={sentLine} tabIndex={-1} className={announce ? "received" : "visually-hidden"}>
        {announce}
      </p>
      {mine.length > 0 && (
        <section aria-labelledby={`${anonId}-mine`}>
          <h2 id={`${anonId}-mine`}>{t("items.yours")}</h2>
          <ul className="entries-items">
            {mine.map((m) => {
              const status = currentStatus(m, shownIds);
              return (
                <li key={m.id} className="entry" data-status={status}>
                  <span className="entry-body">
                    <span className="entry-text">{m.text}</span>
                    <span className="entry-meta">
                      <span className={`badge badge-${status}`}>{t(`items.status.${status}`)}</span>
                    </span>
                  </span>
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {block && (
        <section aria-labelledby={`${anonId}-all`}>
          <h2 id={`${anonId}-all`}>{t("items.everyone")}</h2>
          {votesCount && (
          <fieldset className="sort-choice">
            <legend className="visually-hidden">{t("items.sortBy")}</legend>
            <span aria-hidden="true">{t("items.sortBy")}</span>
            {(["votes", "newest"] as const).map((o) => (
              <label key={o}>
                <input type="radio" name={`${anonId}-order`} checked={order === o} onChange={() => setOrder(o)} />{" "}
                {o === "votes" ? t("items.sortVotes") : t("items.sortNewest")}
              </label>
            ))}
          </fieldset>
          )}
          {voteError && (
            <p role="alert" className="error">
              {voteError}
            </p>
          )}
          <Entries
            block={{ ...block, entries }}
            order={votesCount ? order : block.order}
            action={
              block.voting
                ? (entry) =>
                    mineIds.has(entry.id) ? null : (
                      <button
                        type="button"
                        className="vote-button"
                        aria-pressed={isVoted(entry.id)}
                        aria-label={t("items.voteFor", { text: entry.text })}
                        onClick={() => void toggleVote(entry)}
                      >
                        ▲ {isVoted(entry.id) ? t("items.unvote") : t("items.vote")}
                      </button>
                    )
                : undefined
            }
          />
        </section>
      )}
    </div>
  );
}
