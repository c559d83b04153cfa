/**
 * A phone's live state from its two documents (docs/architecture.md, "Live documents"):
 *
 * - the shared document (`GET /api/live/{sid}/{key}`): the same bytes for every phone entitled
 *   to it, polled with If-None-Match; any HTTP cache may answer it;
 * - the personal document (`GET /api/sessions/{sid}/me`, participant token): who we are, our
 *   answers, what of the view is ours, and the shared document's path. Fetched when the shared
 *   document's `epoch` (or `version`, when the personal one says `renew: "version"`) moves,
 *   after a 404 on the shared key (the activity changed, or keys were replaced), and at least
 *   every `heartbeat_ms`.
 *
 * Versions never go backwards: behind several replicas a poll may reach one that is a moment
 * behind; what is older than what we have is ignored.
 */
import type { components } from "../api/schema";
import type { LiveState } from "../api/types";

type S = components["schemas"];
export type SharedLive = S["SharedLiveOut"];
export type PersonalLive = S["PersonalLiveOut"];

/** What a failed request says: the status (0 for a network error) and the body. */
export class LiveHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

interface Fetched<T> {
  doc: T | null; // null: 304
  etag: string | null;
}

async function getJson<T>(fetcher: Fetch, url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Fetched<T>> {
  const response = await fetcher(url, { headers, signal, cache: "no-store" });
  if (response.status === 304) return { doc: null, etag: response.headers.get("ETag") };
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw new LiveHttpError(response.status, body);
  }
  return { doc: (await response.json()) as T, etag: response.headers.get("ETag") };
}

export class PhoneLive {
  shared: SharedLive | null = null;
  personal: PersonalLive | null = null;
  private sharedTag: string | null = null;
  private personalTag: string | null = null;
  private personalAt = 0;

  constructor(
    readonly sessionId: string,
    readonly token: string,
    readonly headers: () => Record<string, string>,
    readonly fetcher: Fetch = (url, init) => fetch(url, init),
    readonly now: () => number = () => Date.now(),
  ) {}

  /** One poll: the shared document, and the personal one when something says it is due. */
  async poll(signal?: AbortSignal): Promise<LiveState> {
    if (!this.personal || this.now() - this.personalAt >= this.personal.live.heartbeat_ms) {
      await this.fetchPersonal(signal);
    }
    try {
      await this.fetchShared(signal);
    } catch (err) {
      if (!(err instanceof LiveHttpError) || err.status !== 404) throw err;
      await this.fetchPersonal(signal); // a new key: the activity changed or keys were replaced
      await this.fetchShared(signal);
    }
    if (this.personalIsStale()) await this.fetchPersonal(signal);
    return this.state()!;
  }

  /** Take a personal document the server sent (an answer's reply) unless ours is newer. */
  accept(personal: PersonalLive): void {
    if (!this.personal || personal.version >= this.personal.version) {
      this.personal = personal;
      this.personalTag = null;
      this.personalAt = this.now();
    }
  }

  /** Fetch the personal document at the next poll, whatever says it is due. */
  expirePersonal(): void {
    this.personalAt = -Infinity;
  }

  /** The merged state the screens show (the shape of the whole-state document). */
  state(): LiveState | null {
    return this.shared && this.personal ? mergeLive(this.shared, this.personal) : null;
  }

  private personalIsStale(): boolean {
    if (!this.shared || !this.personal) return false;
    if (this.shared.epoch !== this.personal.epoch) return this.shared.version >= this.personal.version;
    return this.personal.renew === "version" && this.shared.version > this.personal.version;
  }

  private async fetchPersonal(signal?: AbortSignal): Promise<void> {
    const headers: Record<string, string> = { ...this.headers(), Authorization: `Bearer ${this.token}` };
    if (this.personal && this.personalTag) headers["If-None-Match"] = this.personalTag;
    const got = await getJson<PersonalLive>(this.fetcher, `/api/sessions/${encodeURIComponent(this.sessionId)}/me`, headers, signal);
    this.personalAt = this.now();
    if (got.doc && (!this.personal || got.doc.version >= this.personal.version || got.doc.live.path !== this.personal.live.path)) {
      this.personal = got.doc;
      this.personalTag = got.etag;
    }
  }

  private async fetchShared(signal?: AbortSignal): Promise<void> {
    const path = this.personal!.live.path;
    const headers = this.headers();
    if (this.shared && this.sharedTag) headers["If-None-Match"] = this.sharedTag;
    const got = await getJson<SharedLive>(this.fetcher, path, headers, signal);
    if (!got.doc) return;
    const sameActivity = this.shared?.activity?.id === got.doc.activity?.id;
    // Never backwards within an activity (another replica a moment behind).
    if (this.shared && sameActivity && got.doc.version < this.shared.version) return;
    this.shared = got.doc;
    this.sharedTag = got.etag;
  }
}

type Part = LiveState["activity"];
type Own = Pick<PersonalLive, "activity_id" | "your_answers" | "view" | "activity">;

/** One activity of the shared document with the participant's own part of it laid over it. */
function overlay(shared: Part | undefined, own: Own | null | undefined): Part {
  let activity = shared ?? null;
  const mine = activity !== null && !!own && own.activity_id === activity.id;
  if (mine && own.activity) {
    activity = own.activity; // a type without shared views: the whole view is personal
  } else if (activity && mine && own.view) {
    const view = own.view;
    activity = {
      ...activity,
      // The personal part can only close the form (the shared one knows the clock and status).
      accepting_answers: activity.accepting_answers && view.accepting_answers !== false,
      extra: { ...activity.extra, ...view.extra },
      display: [...activity.display, ...view.display],
    };
  }
  if (activity) activity = { ...activity, your_answers: mine ? own.your_answers : [] };
  return activity;
}

/**
 * The shared document with the participant's own part laid over it: the current activity, and
 * the activity open beside it (`side`, a Q&A tab) when there is one.
 */
export function mergeLive(shared: SharedLive, personal: PersonalLive): LiveState {
  const state: LiveState = {
    version: Math.max(shared.version, personal.version),
    server_time: personal.server_time,
    role: "participant",
    session: shared.session,
    participant_count: shared.participant_count,
    you: personal.you,
    activity: overlay(shared.activity, personal),
  };
  const side = overlay(shared.side, personal.side);
  if (side) state.side = side;
  return state;
}
