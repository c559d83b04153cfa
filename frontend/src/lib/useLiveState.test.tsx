import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { jsonResponse, liveState } from "../test/fixtures";
import { useLiveState } from "./useLiveState";

function wrapper() {
  const client = new QueryClient();
  return ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

describe("useLiveState", () => {
  it("sends If-None-Match and keeps the state on 304", async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(jsonResponse(liveState({ version: 7 }), 200, { ETag: '"7-participant"' }))
      .mockImplementation(() => Promise.resolve(jsonResponse(null, 304)));
    vi.stubGlobal("fetch", fetchMock);
    const { result } = renderHook(() => useLiveState("s1", { token: "caja_a_x", intervalMs: 20 }), { wrapper: wrapper() });
    await waitFor(() => expect(result.current.state?.version).toBe(7));
    await waitFor(() => expect(fetchMock.mock.calls.length).toBeGreaterThanOrEqual(3));
    const [url, init] = fetchMock.mock.calls[1] as [string, RequestInit];
    expect(url).toBe("/api/sessions/s1/state");
    const headers = init.headers as Record<string, string>;
    expect(headers["If-None-Match"]).toBe('"7-participant"');
    expect(headers.Authorization).toBe("Bearer caja_a_x");
    expect(result.current.state?.version).toBe(7);
    expect(result.current.reconnecting).toBe(false);
  });

  it("says it is reconnecting after a failure and recovers", async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(jsonResponse(liveState({ version: 1 }), 200, { ETag: '"1"' }))
      .mockRejectedValueOnce(new TypeError("Failed to fetch"))
      .mockImplementation(() => Promise.resolve(jsonResponse(liveState({ version: 2 }), 200, { ETag: '"2"' })));
    vi.stubGlobal("fetch", fetchMock);
    const { result } = renderHook(() => useLiveState("s1", { token: null, intervalMs: 20 }), { wrapper: wrapper() });
    await waitFor(() => expect(result.current.reconnecting).toBe(true));
    expect(result.current.state?.version).toBe(1); // the last good state stays on screen
    await waitFor(() => expect(result.current.state?.version).toBe(2));
    expect(result.current.reconnecting).toBe(false);
  });

  it("backs off after errors", async () => {
    const fetchMock = vi.fn().mockImplementation(() => Promise.resolve(jsonResponse({ error: "down" }, 503)));
    vi.stubGlobal("fetch", fetchMock);
    const { result } = renderHook(() => useLiveState("s1", { token: null, intervalMs: 20, maxBackoffMs: 10_000 }), {
      wrapper: wrapper(),
    });
    await waitFor(() => expect(result.current.reconnecting).toBe(true));
    await new Promise((r) => setTimeout(r, 400));
    // 20 ms polling would have made ~20 calls; doubling waits (40, 80, 160 ...) make only a few.
    expect(fetchMock.mock.calls.length).toBeLessThanOrEqual(5);
  });

  it("stops polling once the session is completed", async () => {
    const done = liveState({ session: { id: "s1", name: "Demo", status: "completed", join_code: "ABC123" } });
    const fetchMock = vi.fn().mockImplementation(() => Promise.resolve(jsonResponse(done, 200, { ETag: '"9"' })));
    vi.stubGlobal("fetch", fetchMock);
    const { result } = renderHook(() => useLiveState("s1", { token: null, intervalMs: 20 }), { wrapper: wrapper() });
    await waitFor(() => expect(result.current.state?.session.status).toBe("completed"));
    const calls = fetchMock.mock.calls.length;
    await act(() => new Promise((r) => setTimeout(r, 200)));
    expect(fetchMock.mock.calls.length).toBe(calls);
  });

  it("reports a kicked participant as fatal and stops", async () => {
    const fetchMock = vi.fn().mockImplementation(() => Promise.resolve(jsonResponse({ error: "unauthorized", detail: "Unknown token" }, 401)));
    vi.stubGlobal("fetch", fetchMock);
    const { result } = renderHook(() => useLiveState("s1", { token: "caja_p_x", intervalMs: 20 }), { wrapper: wrapper() });
    await waitFor(() => expect(result.current.fatal?.status).toBe(401));
    expect(result.current.reconnecting).toBe(false);
    const calls = fetchMock.mock.calls.length;
    await act(() => new Promise((r) => setTimeout(r, 150)));
    expect(fetchMock.mock.calls.length).toBe(calls);
  });
});
