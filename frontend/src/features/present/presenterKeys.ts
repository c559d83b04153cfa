/**
 * The big screen's presenter keys. Keys that change the session (next / previous activity,
 * reveal / hide results) call the same HTTP API as the admin console, with the presenter's
 * credentials; the others (join view, QR corner, blank, full screen, theme, help) change only
 * this screen.
 */
import { useEffect, useRef } from "react";
import { api, ApiError, failureMessage, unwrap } from "../../api/client";
import type { ActivityTypeInfo, LiveState, SessionDetail } from "../../api/types";
import { i18n } from "../../i18n";
import { hasPlainAction } from "../../lib/activityTypes";

export type ScreenCommand = "help" | "join" | "qr" | "blank" | "fullscreen" | "theme" | "escape";
export type SessionCommand = "next" | "previous" | "reveal" | "hide";
export type Command = ScreenCommand | SessionCommand;

/** Key (as `KeyboardEvent.key`) -> command. Clickers send PageDown / PageUp (and often "b" or "."). */
export const KEYS: Record<string, Command> = {
  ArrowRight: "next",
  PageDown: "next",
  ArrowLeft: "previous",
  PageUp: "previous",
  r: "reveal",
  h: "hide",
  j: "join",
  q: "qr",
  b: "blank",
  ".": "blank",
  f: "fullscreen",
  t: "theme",
  "?": "help",
  Escape: "escape",
};

/** The keys listed in the help overlay, in order, with the catalog key of what they do. */
export const KEY_HELP = [
  { keys: ["→", "PageDown"], what: "present.keys.next" },
  { keys: ["←", "PageUp"], what: "present.keys.previous" },
  { keys: ["R"], what: "present.keys.reveal" },
  { keys: ["H"], what: "present.keys.hide" },
  { keys: ["J"], what: "present.keys.join" },
  { keys: ["Q"], what: "present.keys.qr" },
  { keys: ["B", "."], what: "present.keys.blank" },
  { keys: ["F"], what: "present.keys.fullscreen" },
  { keys: ["T"], what: "present.keys.theme" },
  { keys: ["?"], what: "present.keys.help" },
  { keys: ["Esc"], what: "present.keys.escape" },
] as const;

/** Calls `onCommand` for every presenter key pressed outside a text field. */
export function usePresenterKeys(onCommand: (command: Command) => void): void {
  const latest = useRef(onCommand);
  useEffect(() => {
    latest.current = onCommand;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target;
      if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const command = KEYS[e.key] ?? KEYS[e.key.toLowerCase()];
      if (!command) return;
      e.preventDefault();
      latest.current(command);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}

const path = (sid: string, aid: string) => ({ params: { path: { sid, aid } } });

/**
 * Runs a session command and returns what to tell the presenter (null: it worked and the
 * screen shows it). Refusals come back as sentences, never as thrown errors.
 */
export async function runSessionCommand(
  command: SessionCommand,
  state: LiveState,
  session: SessionDetail | undefined,
  types: ActivityTypeInfo[] | undefined,
): Promise<string | null> {
  const t = i18n.t.bind(i18n);
  try {
    if (command === "next" || command === "previous") {
      if (state.session.status !== "active") {
        return state.session.status === "draft" ? t("present.keys.startFirst") : t("present.keys.completed");
      }
      const ordered = [...(session?.activities ?? [])].sort((a, b) => a.position - b.position);
      const at = ordered.findIndex((a) => a.id === state.activity?.id);
      const target = command === "next" ? ordered[at + 1] : at > 0 ? ordered[at - 1] : undefined;
      if (!target) return command === "next" ? t("present.keys.lastActivity") : t("present.keys.firstActivity");
      unwrap(await api.POST("/api/sessions/{sid}/activities/{aid}/activate", { ...path(state.session.id, target.id) }));
      return null;
    }
    const activity = state.activity;
    if (!activity) return t("present.keys.nothingRunning");
    const info = types?.find((x) => x.name === activity.type);
    if (!hasPlainAction(info, command)) {
      return command === "reveal" ? t("present.keys.noReveal") : t("present.keys.noHide");
    }
    const out = unwrap(
      await api.POST("/api/sessions/{sid}/activities/{aid}/actions/{action}", {
        params: { path: { sid: state.session.id, aid: activity.id, action: command } },
        body: {},
      }),
    );
    return out?.message ?? null;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return t("present.keys.needsLogin");
    return failureMessage(err);
  }
}
