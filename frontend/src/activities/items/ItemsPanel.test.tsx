import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { activity, jsonResponse } from "../../test/fixtures";
import { currentStatus, ItemsPanel } from "./ItemsPanel";

const entry = (id: string, text: string, votes: number, author: string | null = null) => ({
  id,
  text,
  author,
  votes,
  tags: [],
  created_at: "2026-12-04T10:00:00Z",
  highlight: false,
});

/** A Q&A as a phone's merged state shows it: the shared view with the participant's part laid over. */
function qna(extra: Record<string, unknown>, entries = [entry("i1", "Mine?", 0, "Ana"), entry("i2", "Theirs?", 2, "Ben")]) {
  return activity({
    id: "q1",
    type: "qna",
    title: "Questions",
    accepting_answers: false,
    config: { allow_anonymous: true },
    item_schema: { type: "object", properties: { text: { type: "string", title: "Your question" } }, required: ["text"] },
    display: [
      { kind: "spotlight", title: "Now answering", text: "Theirs?", caption: "Ben" },
      { kind: "entries", title: "Ask", entries, order: "votes", layout: "list", voting: true },
    ],
    extra: { questions_open: true, voted: [], my_questions: [{ id: "i1", text: "Mine?", status: "pending" }], questions_left: 4, ...extra },
  });
}

afterEach(() => vi.unstubAllGlobals());

describe("ItemsPanel", () => {
  it("shows the question being answered, own questions as the shared list says, and votes only for others'", async () => {
    const fetch = vi.fn((request: Request) =>
      Promise.resolve(jsonResponse({ item_id: "i2", votes: 3, voted: request.method === "PUT" })),
    );
    vi.stubGlobal("fetch", fetch);
    const refresh = vi.fn().mockResolvedValue(undefined);
    render(<ItemsPanel activity={qna({})} sessionId="s1" token="caja_p_t" refresh={refresh} />);
    expect(screen.getByText("Now answering")).toBeInTheDocument();
    // The personal document says pending (a moderation does not renew it); the shared list has it.
    expect(within(screen.getByRole("region", { name: "Yours" })).getByText("published")).toBeInTheDocument();
    const everyone = screen.getByRole("region", { name: "Everyone's" });
    expect(within(everyone).getAllByRole("button", { name: /Vote for/ })).toHaveLength(1);
    await userEvent.click(screen.getByRole("button", { name: "Vote for: Theirs?" }));
    const sent = fetch.mock.calls[0]![0];
    expect(sent.method).toBe("PUT");
    expect(sent.url).toMatch(/\/api\/sessions\/s1\/activities\/q1\/items\/i2\/vote$/);
    expect(sent.headers.get("Authorization")).toBe("Bearer caja_p_t");
    await waitFor(() => expect(screen.getByRole("button", { name: "Vote for: Theirs?" })).toHaveAttribute("aria-pressed", "true"));
    expect(within(everyone).getAllByText("3")[0]).toBeInTheDocument(); // the server's count, before the documents have it
    expect(refresh).toHaveBeenCalled();
  });

  it("keeps a sent question in the own list until the personal document has it", async () => {
    const stored = { id: "i9", data: { text: "New?" }, status: "pending", anonymous: true, author_id: null, nickname: null, votes: 0, created_at: "2026-12-04T10:00:00Z", updated_at: "2026-12-04T10:00:00Z" };
    const fetch = vi.fn((request: Request) => Promise.resolve(jsonResponse(stored, request.method === "POST" ? 201 : 200)));
    vi.stubGlobal("fetch", fetch);
    const refresh = vi.fn().mockResolvedValue(undefined);
    render(<ItemsPanel activity={qna({})} sessionId="s1" token="caja_p_t" refresh={refresh} />);
    await userEvent.type(await screen.findByRole("textbox", { name: /Your question/ }, { timeout: 5000 }), "New?");
    await userEvent.click(screen.getByLabelText("Send anonymously"));
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    const yours = screen.getByRole("region", { name: "Yours" });
    await waitFor(() => expect(within(yours).getByText("New?")).toBeInTheDocument());
    expect(within(yours).getByText("waiting for approval")).toBeInTheDocument();
    expect(screen.getByText("3 left")).toBeInTheDocument();
    expect(await fetch.mock.calls[0]![0].json()).toEqual({ data: { text: "New?" }, anonymous: true });
  });

  it("says when all entries are used, and hides the form", () => {
    render(<ItemsPanel activity={qna({ questions_left: 0 })} sessionId="s1" token="caja_p_t" refresh={vi.fn()} />);
    expect(screen.getByText("You have used all your entries")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Submit" })).toBeNull();
  });

  it("says when no entries are taken (questions closed, or the activity closed), without a form", () => {
    const { unmount } = render(<ItemsPanel activity={qna({ questions_open: false })} sessionId="s1" token="caja_p_t" refresh={vi.fn()} />);
    expect(screen.getByText("No new entries for now.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Submit" })).toBeNull();
    unmount();
    render(<ItemsPanel activity={{ ...qna({}), status: "expired" }} sessionId="s1" token="caja_p_t" refresh={vi.fn()} />);
    expect(screen.getByText("No new entries for now.")).toBeInTheDocument();
  });

  it("derives an own entry's status from the shared list", () => {
    const shown = new Set(["a"]);
    expect(currentStatus({ id: "a", text: "", status: "pending" }, shown)).toBe("visible");
    expect(currentStatus({ id: "b", text: "", status: "visible" }, shown)).toBe("hidden");
    expect(currentStatus({ id: "b", text: "", status: "pending" }, shown)).toBe("pending");
  });
});
