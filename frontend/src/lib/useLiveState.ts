/**
 * The one polling hook for live state (big screen, admin console and phones).
 *
 * It sends `If-None-Match` with the last ETag, treats 304 as "no change", polls about every two
 * seconds while the session is live, stops once the session is completed, and backs off
 * (2, 4, 8 ... 30 s) after network or server errors while saying so (`reconnecting`).
 * A phone (participant token) polls its shared document and fetches its personal one when
 * due (`phoneLive.ts`); the big screen and the console poll the whole presenter state.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { LiveHttpError, PhoneLive, type PersonalLive } from "./phoneLive";
import { ApiError, errorMessage, languageHeaders } from "../api/client";
import { i18n } from "../i18n";
import type { LiveState } from "../api/types";
import { noteRelease } from "./release";

export interface LiveStateOptions {
  /** The bearer token to poll with (admin or participant); null polls with cookies only. */
  token: string | null;
  /** Poll interval while live, in milliseconds. */
  intervalMs?: number;
  /** Longest wait between polls after repeated failures. */
  maxBackoffMs?: number;
  enabled?: boolean;
}

export interface LiveStateResult {
  state: LiveState | undefined;
  /** True after a failed poll until one succeeds again. */
  reconnecting: boolean;
  /** Set when the server refuses us for good (401/403/404): kicked, logged out, deleted. */
  fatal: ApiError | null;
  /** Server clock minus local clock, in ms, for countdowns. */
  clockOffsetMs: number;
  refresh: () => Promise<unknown>;
  /** A phone: take the personal document an answer's reply carried. */
  acceptPersonal: (personal: PersonalLive) => void;
}

const FATAL = new Set([401, 403, 404]);

export function useLiveState(sessionId: string, options: LiveStateOptions): LiveStateResult {
  const { token, intervalMs = 2000, maxBackoffMs = 30000, enabled = true } = options;
  const queryClient = useQueryClient();
  const etag = useRef<string | null>(null);
  const failures = useRef(0);
  const clockOffset = useRef(0);
  const phone = useRef<PhoneLive | null>(null);
  const queryKey = ["live-state", sessionId, token ?? ""];
  const isPhone = !!token && token.startsWith("caja_p_");
  if (isPhone && (!phone.current || phone.current.token !== token || phone.current.sessionId !== sessionId)) {
    phone.current = new PhoneLive(sessionId, token, languageHeaders);
  }

  const pollPhone = async (signal: AbortSignal): Promise<LiveState> => {
    try {
      const state = await phone.current!.poll(signal);
      failures.current = 0;
      const serverTime = Date.parse(state.server_time);
      if (!Number.isNaN(serverTime)) clockOffset.current = serverTime - Date.now();
      return state;
    } catch (err) {
      if (err instanceof LiveHttpError) {
        if (!FATAL.has(err.status)) failures.current += 1;
        throw new ApiError(err.status, errorMessage(err.body, i18n.t("errors.http", { status: err.status })), err.body);
      }
      failures.current += 1;
      throw err instanceof Error ? err : new Error(String(err));
    }
  };

  const query = useQuery<LiveState, Error>({
    queryKey,
    enabled,
    retry: false,
    // Poll even when the browser says it is offline, so failures show as "Reconnecting…"
    // instead of a silently paused query.
    networkMode: "always",
    refetchOnWindowFocus: true,
    refetchIntervalInBackground: true,
    queryFn: async ({ signal }) => {
      if (isPhone) return pollPhone(signal);
      const previous = queryClient.getQueryData<LiveState>(queryKey);
      const headers: Record<string, string> = languageHeaders();
      if (token) headers.Authorization = `Bearer ${token}`;
      if (previous && etag.current) headers["If-None-Match"] = etag.current;
      let response: Response;
      try {
        response = await fetch(`/api/sessions/${encodeURIComponent(sessionId)}/state`, {
          headers,
          signal,
          cache: "no-store",
        });
      } catch (err) {
        failures.current += 1;
        throw err instanceof Error ? err : new Error(String(err));
      }
      noteRelease(response.headers); // a new release behind the proxy: reload into its web app
      if (response.status === 304 && previous) {
        failures.current = 0;
        return previous;
      }
      if (!response.ok) {
        if (!FATAL.has(response.status)) failures.current += 1;
        const body: unknown = await response.json().catch(() => null);
        throw new ApiError(response.status, errorMessage(body, i18n.t("errors.http", { status: response.status })), body);
      }
      const state = (await response.json()) as LiveState;
      failures.current = 0;
      etag.current = response.headers.get("ETag");
      const serverTime = Date.parse(state.server_time);
      if (!Number.isNaN(serverTime)) clockOffset.current = serverTime - Date.now();
      return state;
    },
    refetchInterval: (q) => {
      const error = q.state.error;
      if (error instanceof ApiError && FATAL.has(error.status)) return false;
      if (q.state.data?.session.status === "completed" && !error) return false;
      if (failures.current > 0) {
        return Math.min(intervalMs * 2 ** failures.current, maxBackoffMs);
      }
      return intervalMs;
    },
  });

  const error = query.error;
  const fatal = error instanceof ApiError && FATAL.has(error.status) ? error : null;
  return {
    state: query.data,
    reconnecting: !!error && !fatal,
    fatal,
    clockOffsetMs: clockOffset.current,
    refresh: () => {
      phone.current?.expirePersonal();
      return query.refetch();
    },
    acceptPersonal: (personal) => {
      phone.current?.accept(personal);
      const state = phone.current?.state();
      if (state) queryClient.setQueryData(queryKey, state);
    },
  };
}
