/**
 * The participant's outbox: an answer is stored in localStorage before it is sent and retried
 * (with backoff) until the server answers, so an answer sent with the network down lands when it
 * comes back — even after a reload. The server answers 200 for an identical retry, so a retry is
 * never counted twice.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage, languageHeaders } from "../api/client";
import { i18n } from "../i18n";
import type { PersonalLive } from "./phoneLive";

export interface PendingAnswer {
  id: string;
  activityId: string;
  data: unknown;
}

/** `personal`: the participant's personal document after the answer (the reply carries it). */
export type SendOutcome = { ok: true; personal?: PersonalLive } | { ok: false; message: string };

const storageKey = (sessionId: string) => `caja.outbox.${sessionId}`;

function readPending(sessionId: string): PendingAnswer[] {
  try {
    const raw = localStorage.getItem(storageKey(sessionId));
    return raw ? (JSON.parse(raw) as PendingAnswer[]) : [];
  } catch {
    return [];
  }
}

function writePending(sessionId: string, items: PendingAnswer[]): void {
  if (items.length) localStorage.setItem(storageKey(sessionId), JSON.stringify(items));
  else localStorage.removeItem(storageKey(sessionId));
}

/** Sends one answer once; returns "retry" for network trouble or a server hiccup. */
async function postAnswer(
  sessionId: string,
  token: string,
  item: PendingAnswer,
): Promise<SendOutcome | "retry"> {
  let response: Response;
  try {
    response = await fetch(
      `/api/sessions/${encodeURIComponent(sessionId)}/activities/${encodeURIComponent(item.activityId)}/responses`,
      {
        method: "POST",
        headers: { ...languageHeaders(), "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify({ data: item.data }),
      },
    );
  } catch {
    return "retry";
  }
  if (response.ok) {
    const reply = (await response.json().catch(() => null)) as { personal?: PersonalLive | null } | null;
    return reply?.personal ? { ok: true, personal: reply.personal } : { ok: true };
  }
  if (response.status >= 500 || response.status === 429 || response.status === 408) return "retry";
  const body: unknown = await response.json().catch(() => null);
  return { ok: false, message: errorMessage(body, i18n.t("errors.answerRefused", { status: response.status })) };
}

export interface Outbox {
  /** Queues an answer and resolves when the server has answered (retrying meanwhile). */
  send: (activityId: string, data: unknown) => Promise<SendOutcome>;
  /** True while an answer waits for the network. */
  waiting: boolean;
}

export function useOutbox(
  sessionId: string,
  token: string | null,
  options: { baseDelayMs?: number; maxDelayMs?: number } = {},
): Outbox {
  const { baseDelayMs = 1000, maxDelayMs = 10000 } = options;
  const [waiting, setWaiting] = useState(false);
  const alive = useRef(true);

  const deliver = useCallback(
    async (item: PendingAnswer): Promise<SendOutcome> => {
      if (!token) return { ok: false, message: i18n.t("errors.notJoined") };
      let attempt = 0;
      while (alive.current) {
        const outcome = await postAnswer(sessionId, token, item);
        if (outcome !== "retry") {
          writePending(
            sessionId,
            readPending(sessionId).filter((p) => p.id !== item.id),
          );
          setWaiting(readPending(sessionId).length > 0);
          return outcome;
        }
        setWaiting(true);
        attempt += 1;
        const delay = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      return { ok: false, message: i18n.t("errors.stopped") };
    },
    [sessionId, token, baseDelayMs, maxDelayMs],
  );

  // Answers left from before a reload are sent again.
  useEffect(() => {
    alive.current = true;
    const left = readPending(sessionId);
    if (left.length && token) {
      setWaiting(true);
      for (const item of left) void deliver(item);
    }
    return () => {
      alive.current = false;
    };
  }, [sessionId, token, deliver]);

  const send = useCallback(
    (activityId: string, data: unknown) => {
      const item: PendingAnswer = {
        id: `${Date.now()}-${Math.random().toString(36).slice(2)}`,
        activityId,
        data,
      };
      writePending(sessionId, [...readPending(sessionId), item]);
      return deliver(item);
    },
    [sessionId, deliver],
  );

  return { send, waiting };
}
