import { act, renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { jsonResponse } from "../test/fixtures";
import { useOutbox } from "./outbox";

describe("useOutbox", () => {
  it("retries an answer until it lands, then forgets it", async () => {
    const fetchMock = vi
      .fn()
      .mockRejectedValueOnce(new TypeError("offline"))
      .mockImplementationOnce(() => Promise.resolve(jsonResponse({ error: "busy" }, 503)))
      .mockImplementation(() => Promise.resolve(jsonResponse({ id: "r1" }, 201)));
    vi.stubGlobal("fetch", fetchMock);
    const { result } = renderHook(() => useOutbox("s1", "caja_p_t", { baseDelayMs: 5 }));
    let outcome: unknown;
    await act(async () => {
      outcome = await result.current.send("a1", { choices: [1] });
    });
    expect(outcome).toEqual({ ok: true });
    expect(fetchMock).toHaveBeenCalledTimes(3);
    // every attempt sends the very same answer, so the server can treat it as one
    const bodies = fetchMock.mock.calls.map((c) => (c[1] as RequestInit).body);
    expect(new Set(bodies).size).toBe(1);
    expect(fetchMock.mock.calls[0]![0]).toBe("/api/sessions/s1/activities/a1/responses");
    expect(localStorage.getItem("caja.outbox.s1")).toBeNull();
    expect(result.current.waiting).toBe(false);
  });

  it("gives up on a refusal and says why", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(jsonResponse({ error: "conflict", detail: "You have already answered" }, 409)));
    const { result } = renderHook(() => useOutbox("s1", "caja_p_t", { baseDelayMs: 5 }));
    let outcome: unknown;
    await act(async () => {
      outcome = await result.current.send("a1", { choices: [1] });
    });
    expect(outcome).toEqual({ ok: false, message: "You have already answered" });
    expect(localStorage.getItem("caja.outbox.s1")).toBeNull();
  });

  it("sends what was left in the outbox before a reload", async () => {
    localStorage.setItem("caja.outbox.s1", JSON.stringify([{ id: "x", activityId: "a9", data: { text: "hi" } }]));
    const fetchMock = vi.fn().mockImplementation(() => Promise.resolve(jsonResponse({}, 200)));
    vi.stubGlobal("fetch", fetchMock);
    renderHook(() => useOutbox("s1", "caja_p_t", { baseDelayMs: 5 }));
    await vi.waitFor(() => expect(localStorage.getItem("caja.outbox.s1")).toBeNull());
    expect(fetchMock.mock.calls[0]![0]).toBe("/api/sessions/s1/activities/a9/responses");
  });
});
