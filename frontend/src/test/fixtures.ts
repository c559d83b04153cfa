import type { ActivityState, LiveState } from "../api/types";

export function activity(overrides: Partial<ActivityState> = {}): ActivityState {
  return {
    id: "a1",
    type: "poll",
    title: "Colours",
    description: null,
    status: "active",
    position: 0,
    activated_at: null,
    deadline: null,
    config: {},
    phase: "open",
    results: null,
    display: [],
    accepting_answers: true,
    extra: {},
    your_answers: [],
    ...overrides,
  };
}

export function liveState(overrides: Partial<LiveState> = {}): LiveState {
  return {
    version: 1,
    server_time: new Date().toISOString(),
    role: "participant",
    session: { id: "s1", name: "Demo", status: "active", join_code: "ABC123" },
    participant_count: 1,
    you: { id: "p1", nickname: "Ana" },
    activity: null,
    ...overrides,
  };
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 304 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}
