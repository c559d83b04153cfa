/** The items routes (entries, votes, moderation) and opening an activity beside the current one. */
import { api, bearer, unwrap } from "../api/client";
import type { components } from "../api/schema";

export type ItemOut = components["schemas"]["ItemOut"];
export type VoteOut = components["schemas"]["VoteOut"];
export type Moderation = "approve" | "hide" | "restore";

const inActivity = (sid: string, aid: string) => ({ sid, aid });
const onItem = (sid: string, aid: string, iid: string) => ({ sid, aid, iid });

/**
 * Sends an entry as the participant. A network failure is retried with the very same body: the
 * server answers an identical retry with 200 and the stored entry, so it is never stored twice.
 */
export async function submitItem(
  sid: string,
  aid: string,
  token: string,
  data: Record<string, unknown>,
  anonymous: boolean,
): Promise<ItemOut> {
  for (let attempt = 0; ; attempt++) {
    let result;
    try {
      result = await api.POST("/api/sessions/{sid}/activities/{aid}/items", {
        params: { path: inActivity(sid, aid) },
        body: { data, anonymous },
        ...bearer(token),
      });
    } catch (error) {
      // No answer at all (offline): try again, a few times.
      if (attempt >= 3) throw error;
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      continue;
    }
    return unwrap(result);
  }
}

/** The participant votes for an entry (`voted`) or withdraws their vote; both idempotent. */
export async function setVote(sid: string, aid: string, iid: string, token: string, voted: boolean): Promise<VoteOut> {
  const options = { params: { path: onItem(sid, aid, iid) }, ...bearer(token) };
  const path = "/api/sessions/{sid}/activities/{aid}/items/{iid}/vote" as const;
  return unwrap(voted ? await api.PUT(path, options) : await api.DELETE(path, options));
}

/** Every entry in any status, for the presenter (signed in by the console's cookie). */
export async function listItems(sid: string, aid: string): Promise<ItemOut[]> {
  return unwrap(await api.GET("/api/sessions/{sid}/activities/{aid}/items", { params: { path: inActivity(sid, aid) } }));
}

/** The presenter approves, hides or restores an entry. */
export async function moderateItem(sid: string, aid: string, iid: string, verb: Moderation): Promise<ItemOut> {
  const options = { params: { path: onItem(sid, aid, iid) } };
  switch (verb) {
    case "approve":
      return unwrap(await api.POST("/api/sessions/{sid}/activities/{aid}/items/{iid}/approve", options));
    case "hide":
      return unwrap(await api.POST("/api/sessions/{sid}/activities/{aid}/items/{iid}/hide", options));
    case "restore":
      return unwrap(await api.POST("/api/sessions/{sid}/activities/{aid}/items/{iid}/restore", options));
  }
}

/** The presenter keeps an activity open beside whichever one is current (a Q&A). */
export async function openBeside(sid: string, aid: string): Promise<void> {
  unwrap(await api.POST("/api/sessions/{sid}/activities/{aid}/open-beside", { params: { path: inActivity(sid, aid) } }));
}
