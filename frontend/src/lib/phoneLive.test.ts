import { describe, expect, it } from "vitest";
import { jsonResponse } from "../test/fixtures";
import { mergeLive, PhoneLive, type PersonalLive, type SharedLive } from "./phoneLive";

const activity = {
  id: "a1",
  type: "poll",
  title: "Colour?",
  description: null,
  status: "active" as const,
  position: 0,
  activated_at: null,
  deadline: null,
  config: {},
  phase: "voting",
  results: null,
  display: [],
  accepting_answers: true,
  extra: { results_hidden: true },
};

function shared(version: number, epoch = "e1", extra: Partial<SharedLive> = {}): SharedLive {
  return {
    version,
    epoch,
    role: "participant",
    session: { id: "s1", name: "Demo", status: "active", join_code: "ABC123" },
    participant_count: 2,
    activity,
    personal_view: false,
    ...extra,
  };
}

function personal(version: number, path = "/api/live/s1/p.k1", extra: Partial<PersonalLive> = {}): PersonalLive {
  return {
    version,
    epoch: "e1",
    server_time: new Date().toISOString(),
    session_id: "s1",
    you: { id: "p1", nickname: "Ana" },
    activity_id: "a1",
    your_answers: [],
    renew: "epoch",
    view: { variant: "", accepting_answers: null, extra: { order: [1, 0] }, display: [] },
    activity: null,
    live: { path, poll_interval_ms: 2000, heartbeat_ms: 15000 },
    ...extra,
  };
}

type Route = (url: string, init: RequestInit) => Response;

function server(route: Route) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetcher = (url: string, init: RequestInit) => {
    calls.push({ url, headers: init.headers as Record<string, string> });
    return Promise.resolve(route(url, init));
  };
  return { calls, fetcher };
}

describe("PhoneLive", () => {
  it("fetches its personal document once, then polls the shared one with If-None-Match", async () => {
    const { calls, fetcher } = server((url) =>
      url.endsWith("/me") ? jsonResponse(personal(3), 200, { ETag: '"m1"' }) : jsonResponse(shared(3), 200, { ETag: '"3"' }),
    );
    const live = new PhoneLive("s1", "caja_p_x", () => ({}), fetcher);
    const state = await live.poll();
    expect(state.you?.nickname).toBe("Ana");
    expect(state.activity?.extra).toEqual({ results_hidden: true, order: [1, 0] });
    await live.poll();
    expect(calls.map((c) => c.url)).toEqual(["/api/sessions/s1/me", "/api/live/s1/p.k1", "/api/live/s1/p.k1"]);
    expect(calls[0]?.headers.Authorization).toBe("Bearer caja_p_x");
    expect(calls[1]?.headers.Authorization).toBeUndefined(); // the key is the capability
    expect(calls[2]?.headers["If-None-Match"]).toBe('"3"');
  });

  it("refetches the personal document when the epoch moves, and after a 404 on its key", async () => {
    let epoch = "e1";
    let path = "/api/live/s1/p.k1";
    const { calls, fetcher } = server((url) => {
      if (url.endsWith("/me")) return jsonResponse(personal(5, path, { epoch }));
      if (url !== path) return jsonResponse({ error: "not_found" }, 404);
      return jsonResponse(shared(5, epoch));
    });
    const live = new PhoneLive("s1", "caja_p_x", () => ({}), fetcher);
    await live.poll();
    epoch = "e2";
    await live.poll(); // the shared document says e2: the personal one is fetched again
    expect(calls.filter((c) => c.url.endsWith("/me"))).toHaveLength(2);
    path = "/api/live/s1/p.k2"; // the key changed (a new activity)
    const state = await live.poll();
    expect(calls.slice(-3).map((c) => c.url)).toEqual(["/api/live/s1/p.k1", "/api/sessions/s1/me", "/api/live/s1/p.k2"]);
    expect(state.version).toBe(5);
  });

  it("never goes back to an older version", async () => {
    let version = 9;
    const { fetcher } = server((url) => (url.endsWith("/me") ? jsonResponse(personal(2)) : jsonResponse(shared(version))));
    const live = new PhoneLive("s1", "caja_p_x", () => ({}), fetcher);
    expect((await live.poll()).version).toBe(9);
    version = 7; // a replica a moment behind
    expect((await live.poll()).version).toBe(9);
  });

  it("takes an answer's personal document unless it has a newer one", () => {
    const live = new PhoneLive("s1", "caja_p_x", () => ({}), () => Promise.reject(new Error("no network")));
    live.accept(personal(4, undefined, { your_answers: [{ slot: "", data: { choices: [1] }, submitted_at: "2026-12-03T00:00:00Z" }] }));
    live.accept(personal(3));
    expect(live.personal?.your_answers).toHaveLength(1);
  });
});

describe("mergeLive", () => {
  it("shows the whole personal view of a type without shared views", () => {
    const whole = { ...activity, results: { counts: [1] }, your_answers: [] };
    const merged = mergeLive(shared(2, "e1", { personal_view: true }), personal(2, undefined, { view: null, activity: whole, renew: "version" }));
    expect(merged.activity?.results).toEqual({ counts: [1] });
  });

  it("does not lay one activity's answers over another", () => {
    const merged = mergeLive(shared(2), personal(1, undefined, { activity_id: "other", your_answers: [{ slot: "", data: {}, submitted_at: "2026-12-03T00:00:00Z" }] }));
    expect(merged.activity?.your_answers).toEqual([]);
  });

  it("lays the participant's own part of the activity beside over the shared one", () => {
    const qna = { ...activity, id: "q1", type: "qna", title: "Questions", extra: { questions_open: true } };
    const own = { variant: "", accepting_answers: false, extra: { my_questions: [], voted: ["i1"] }, display: [] };
    const merged = mergeLive(
      shared(2, "e1", { side: qna }),
      personal(2, undefined, { side: { activity_id: "q1", your_answers: [], view: own, activity: null } }),
    );
    expect(merged.activity?.id).toBe("a1");
    expect(merged.side?.id).toBe("q1");
    expect(merged.side?.extra).toEqual({ questions_open: true, my_questions: [], voted: ["i1"] });
    expect(merged.side?.accepting_answers).toBe(false);
    // The personal part of another side activity (the shared document moved on) is not laid over it.
    const moved = mergeLive(
      shared(3, "e2", { side: { ...qna, id: "q2" } }),
      personal(2, undefined, { side: { activity_id: "q1", your_answers: [], view: own, activity: null } }),
    );
    expect(moved.side?.extra).toEqual({ questions_open: true });
    expect(mergeLive(shared(2), personal(2)).side).toBeUndefined();
  });
});
