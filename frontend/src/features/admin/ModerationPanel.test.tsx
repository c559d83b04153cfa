import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ActivityTypeInfo } from "../../api/types";
import { activity, jsonResponse } from "../../test/fixtures";
import { actionApplies, ModerationPanel } from "./ModerationPanel";

const item = (id: string, text: string, status: string, extra: Record<string, unknown> = {}) => ({
  id,
  data: { text },
  status,
  anonymous: false,
  author_id: "p1",
  nickname: "Ana",
  votes: 0,
  created_at: `2026-12-04T10:0${id.length}:00Z`,
  updated_at: "2026-12-04T10:00:00Z",
  ...extra,
});

const itemBody = { properties: { item_id: { type: "string", title: "Question" } }, required: ["item_id"] };
const qnaType = {
  name: "qna",
  actions: [
    { name: "pin", title: "Pin", body_schema: itemBody },
    { name: "unpin", title: "Unpin", body_schema: {} },
    { name: "answered", title: "Mark answered", body_schema: itemBody },
    { name: "unanswered", title: "Mark not answered", body_schema: itemBody },
  ],
} as unknown as ActivityTypeInfo;

afterEach(() => vi.unstubAllGlobals());

describe("ModerationPanel", () => {
  it("offers an entry action where the entry lacks its tag and its un- action where it has it", () => {
    expect(actionApplies("pin", [])).toBe(true);
    expect(actionApplies("pin", ["pinned"])).toBe(false);
    expect(actionApplies("answered", ["answered"])).toBe(false);
    expect(actionApplies("unanswered", ["answered"])).toBe(true);
    expect(actionApplies("unanswered", [])).toBe(false);
    expect(actionApplies("highlight", ["highlighted"])).toBe(false);
  });

  it("lists every entry, pending first, with approve, hide, restore and the type's entry actions", async () => {
    const calls: string[] = [];
    vi.stubGlobal("fetch", (request: Request) => {
      calls.push(`${request.method} ${new URL(request.url).pathname}`);
      if (request.method === "GET") {
        return Promise.resolve(
          jsonResponse([item("v", "Shown", "visible"), item("pp", "Waiting", "pending"), item("hhh", "Gone", "hidden")]),
        );
      }
      return Promise.resolve(jsonResponse(item("pp", "Waiting", "visible")));
    });
    const onDone = vi.fn();
    const qna = activity({
      id: "q1",
      type: "qna",
      title: "Questions",
      display: [{ kind: "entries", entries: [{ id: "v", text: "Shown", votes: 0, tags: ["answered"], highlight: false }], order: "votes", layout: "list", voting: false }],
    });
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ModerationPanel sessionId="s1" activity={qna} typeInfo={qnaType} version={1} onDone={onDone} />
      </QueryClientProvider>,
    );
    const panel = await screen.findByRole("region", { name: "Moderation of Questions" });
    await waitFor(() => expect(within(panel).getAllByRole("listitem")).toHaveLength(3));
    expect(within(panel).getAllByRole("listitem").map((li) => li.querySelector(".entry-text")?.textContent)).toEqual([
      "Waiting",
      "Shown",
      "Gone",
    ]);
    expect(within(panel).getByText("1 pending")).toBeInTheDocument();
    // The answered one: pin and "not answered", no "mark answered"; the hidden one: restore only.
    expect(within(panel).getByRole("button", { name: "Pin: Shown" })).toBeInTheDocument();
    expect(within(panel).getByRole("button", { name: "Mark not answered: Shown" })).toBeInTheDocument();
    expect(within(panel).queryByRole("button", { name: "Mark answered: Shown" })).toBeNull();
    expect(within(panel).queryByRole("button", { name: "Pin: Waiting" })).toBeNull();
    expect(within(panel).getByRole("button", { name: "Restore: Gone" })).toBeInTheDocument();
    await userEvent.click(within(panel).getByRole("button", { name: "Approve: Waiting" }));
    await waitFor(() => expect(calls).toContain("POST /api/sessions/s1/activities/q1/items/pp/approve"));
    expect(onDone).toHaveBeenCalled();
  });
});
