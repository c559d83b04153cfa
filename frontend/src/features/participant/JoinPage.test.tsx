import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { describe, expect, it, vi } from "vitest";
import { jsonResponse, liveState } from "../../test/fixtures";
import { JoinPage } from "./JoinPage";

function renderAt(path: string) {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/join/:code" element={<JoinPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

function server(state = liveState()) {
  const personal = {
    version: state.version,
    epoch: "e1",
    server_time: state.server_time,
    session_id: "s1",
    you: state.you,
    activity_id: null,
    your_answers: [],
    renew: "epoch",
    view: null,
    activity: null,
    live: { path: "/api/live/s1/p.key", poll_interval_ms: 2000, heartbeat_ms: 15000 },
  };
  const shared = { ...state, epoch: "e1", personal_view: false };
  return vi.fn((input: RequestInfo | URL, _init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.endsWith("/api/join")) {
      return Promise.resolve(jsonResponse({ session_id: "s1", participant: { id: "p1", nickname: "Ana" }, token: "caja_p_t", token_type: "bearer" }, 201));
    }
    if (url.endsWith("/api/sessions/s1/me")) return Promise.resolve(jsonResponse(personal, 200, { ETag: '"m"' }));
    if (url.includes("/api/live/s1/")) return Promise.resolve(jsonResponse(shared, 200, { ETag: '"1"' }));
    return Promise.resolve(jsonResponse([], 200));
  });
}

describe("joining", () => {
  it("joins with a nickname and waits for the next activity", async () => {
    vi.stubGlobal("fetch", server());
    renderAt("/join/abc123");
    expect(screen.getByText("ABC123")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Nickname"), "Ana");
    await userEvent.click(screen.getByRole("button", { name: "Join" }));
    expect(await screen.findByRole("heading", { name: "You’re in!" })).toBeInTheDocument();
    expect(JSON.parse(localStorage.getItem("caja.participant.s1")!).token).toBe("caja_p_t");
  });

  it("keeps the same participant after a reload", async () => {
    localStorage.setItem("caja.join.ABC123", "s1");
    localStorage.setItem(
      "caja.participant.s1",
      JSON.stringify({ sessionId: "s1", participantId: "p1", nickname: "Ana", token: "caja_p_t", joinCode: "ABC123" }),
    );
    const fetchMock = server();
    vi.stubGlobal("fetch", fetchMock);
    renderAt("/join/ABC123");
    expect(await screen.findByRole("heading", { name: "You’re in!" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Nickname")).toBeNull();
    const stateCall = fetchMock.mock.calls.find((c) => String(c[0]).endsWith("/me"))!;
    expect((stateCall[1] as RequestInit).headers).toMatchObject({ Authorization: "Bearer caja_p_t" });
  });

  it("offers a free nickname when the one typed is taken", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn().mockResolvedValue(jsonResponse({ error: "conflict", detail: "The nickname Ana is taken", suggestion: "Ana 2" }, 409)),
    );
    renderAt("/join/ABC123");
    await userEvent.type(screen.getByLabelText("Nickname"), "Ana");
    await userEvent.click(screen.getByRole("button", { name: "Join" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The nickname Ana is taken");
    await userEvent.click(screen.getByRole("button", { name: "Use “Ana 2”" }));
    expect(screen.getByLabelText("Nickname")).toHaveValue("Ana 2");
  });
});
