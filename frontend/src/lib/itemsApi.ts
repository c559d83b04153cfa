/** The items routes (entries, votes, moderation) through raw fetch until the generated client has them. */
import { ApiError, CSRF_HEADERS, errorMessage, languageHeaders } from "../api/client";
import { i18n } from "../i18n";

async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  // The console is signed in by its cookie; the CSRF header lets that cookie change things.
  const headers: Record<string, string> = { ...languageHeaders(), ...CSRF_HEADERS };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, errorMessage(data, i18n.t("errors.http", { status: response.status })), data);
  }
  return data as T;
}

const base = (sid: string, aid: string) => `/api/sessions/${sid}/activities/${aid}`;

export interface VoteOut {
  item_id: string;
  votes: number;
  voted: boolean;
}

export interface ItemOut {
  id: string;
  data: Record<string, unknown>;
  status: "pending" | "visible" | "hidden";
  anonymous: boolean;
  nickname: string | null;
  votes: number;
  created_at?: string;
}

/**
 * Sends an entry. A network failure is retried with the very same body: the server answers an
 * identical retry with 200, so the entry is never stored twice.
 */
export async function submitItem(
  sid: string,
  aid: string,
  token: string,
  data: Record<string, unknown>,
  anonymous: boolean,
): Promise<void> {
  const body = { data, anonymous };
  for (let attempt = 0; ; attempt++) {
    try {
      await call("POST", `${base(sid, aid)}/items`, token, body);
      return;
    } catch (error) {
      if (error instanceof ApiError || attempt >= 3) throw error;
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
  }
}

export const setVote = (sid: string, aid: string, iid: string, token: string, voted: boolean) =>
  call<VoteOut>(voted ? "PUT" : "DELETE", `${base(sid, aid)}/items/${iid}/vote`, token);

export const listItems = (sid: string, aid: string, token: string | null) =>
  call<ItemOut[] | { items: ItemOut[] }>("GET", `${base(sid, aid)}/items`, token).then((r) =>
    Array.isArray(r) ? r : r.items,
  );

export const moderateItem = (
  sid: string,
  aid: string,
  iid: string,
  token: string | null,
  verb: "approve" | "hide" | "restore",
) => call<unknown>("POST", `${base(sid, aid)}/items/${iid}/${verb}`, token);

export const openBeside = (sid: string, aid: string, token: string | null) =>
  call<unknown>("POST", `${base(sid, aid)}/open-beside`, token);
