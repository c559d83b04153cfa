import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { DisplayBlock } from "../../api/types";
import { DisplayBlocks } from "./DisplayBlocks";
import { sortEntries } from "./itemBlocks";

const entries = [
  { id: "a", text: "Old and loved", author: "Ana", votes: 5, tags: ["pinned"], created_at: "2026-12-03T10:00:00Z", highlight: true },
  { id: "b", text: "New one", author: null, votes: 1, tags: [], created_at: "2026-12-03T11:00:00Z", highlight: false },
];

describe("entries and spotlight blocks", () => {
  it("lists entries with votes, badges, and anonymous authors", () => {
    const block = { kind: "entries", title: "Questions", entries, order: "votes", layout: "list", voting: true };
    render(<DisplayBlocks blocks={[block as unknown as DisplayBlock]} />);
    const items = screen.getAllByRole("listitem");
    expect(items[0]).toHaveTextContent("Old and loved");
    expect(within(items[0]!).getByText("pinned")).toBeInTheDocument();
    expect(within(items[0]!).getByText("5 votes")).toBeInTheDocument();
    expect(within(items[1]!).getByText("Anonymous")).toBeInTheDocument();
  });

  it("sorts by votes or newest", () => {
    expect(sortEntries(entries, "votes").map((e) => e.id)).toEqual(["a", "b"]);
    expect(sortEntries(entries, "newest").map((e) => e.id)).toEqual(["b", "a"]);
    // Equal votes keep the server's order (the Q&A's: the question asked first).
    const tied = entries.map((e) => ({ ...e, votes: 2 }));
    expect(sortEntries(tied, "votes").map((e) => e.id)).toEqual(["a", "b"]);
  });

  it("cuts a long list to what the big screen can show, saying how many more", () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ id: `e${i}`, text: `Question ${i}`, votes: 8 - i, tags: [], highlight: false }));
    const block = { kind: "entries", entries: many, order: "votes", layout: "list", voting: false } as DisplayBlock;
    const { unmount } = render(<DisplayBlocks blocks={[block]} screen />);
    expect(screen.getAllByRole("listitem")).toHaveLength(6);
    expect(screen.getAllByRole("listitem")[0]).toHaveTextContent("Question 0");
    expect(screen.getByText("and 2 more")).toBeInTheDocument();
    unmount();
    render(<DisplayBlocks blocks={[block]} />); // phones and the console: all of them
    expect(screen.getAllByRole("listitem")).toHaveLength(8);
    expect(screen.queryByText(/more$/)).toBeNull();
  });

  it("shows a spotlight's text and caption", () => {
    const block = { kind: "spotlight", title: null, text: "<b>Why?</b>", caption: "Ana" };
    render(<DisplayBlocks blocks={[block as unknown as DisplayBlock]} />);
    expect(screen.getByText("<b>Why?</b>")).toBeInTheDocument();
    expect(screen.getByText("Ana")).toBeInTheDocument();
  });
});
