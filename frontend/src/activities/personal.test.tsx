/**
 * The built-ins on a phone: the shared document is the same for every phone of a variant, and
 * what is the participant's own (their choice, card, entries, verdict and score, whether they
 * may still answer) comes from the personal document, laid over it by `mergeLive`. The
 * documents here have the shapes the server's poll, poker, wordcloud and quiz send.
 */
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ActivityState } from "../api/types";
import { mergeLive, type PersonalLive, type SharedLive } from "../lib/phoneLive";
import { activity } from "../test/fixtures";
import { activityUI } from "./registry";

function shared(part: Partial<ActivityState>): SharedLive {
  const { your_answers: _none, ...rest } = activity(part);
  return {
    version: 4,
    epoch: "e1",
    role: "participant",
    session: { id: "s1", name: "Demo", status: "active", join_code: "ABC123" },
    participant_count: 3,
    activity: rest,
    personal_view: false,
  };
}

function personal(view: Partial<NonNullable<PersonalLive["view"]>>, answers: PersonalLive["your_answers"] = []): PersonalLive {
  return {
    version: 4,
    epoch: "e1",
    server_time: "2026-12-04T01:00:00Z",
    session_id: "s1",
    you: { id: "p1", nickname: "Ana" },
    activity_id: "a1",
    your_answers: answers,
    renew: "epoch",
    view: { variant: "", accepting_answers: null, extra: {}, display: [], ...view },
    activity: null,
    live: { path: "/api/live/s1/p.k", poll_interval_ms: 2000, heartbeat_ms: 15000 },
  };
}

function merged(s: SharedLive, p: PersonalLive): ActivityState {
  const activity = mergeLive(s, p).activity;
  if (!activity) throw new Error("no activity");
  return activity;
}

const answer = (data: Record<string, unknown>, slot = "") => ({ slot, data, submitted_at: "2026-12-04T01:00:00Z" });

describe("mergeLive", () => {
  it("lets the personal part close the form, never open one the shared part closed", () => {
    const open = shared({ accepting_answers: true });
    expect(merged(open, personal({ accepting_answers: false })).accepting_answers).toBe(false);
    expect(merged(open, personal({ accepting_answers: null })).accepting_answers).toBe(true);
    const closed = shared({ accepting_answers: false });
    expect(merged(closed, personal({ accepting_answers: true })).accepting_answers).toBe(false);
  });

  it("lays nothing of a personal document for another activity over the shared one", () => {
    const other = { ...personal({ extra: { your_card: "5" } }), activity_id: "a0" };
    const view = merged(shared({ type: "poker", extra: {} }), other);
    expect(view.extra).toEqual({});
    expect(view.your_answers).toEqual([]);
  });
});

describe("poll", () => {
  const options = [
    { index: 0, text: "Red", image_url: null },
    { index: 1, text: "Green", image_url: null },
    { index: 2, text: "Blue", image_url: null },
  ];
  const bars = {
    kind: "bars" as const,
    title: "Colour?",
    show: "counts" as const,
    total_label: "3 voters",
    bars: options.map((o, i) => ({ label: o.text, count: i, percent: 0, image_url: null, highlight: false })),
  };
  const poll = shared({ type: "poll", phase: "voting", config: { question: "Colour?", multiple: false, options }, extra: { results_hidden: false }, display: [bars] });

  it("shows the options in the phone's own order and answers with their config index", async () => {
    const submit = vi.fn().mockResolvedValue({ ok: true });
    const { Respond } = activityUI("poll");
    const view = merged(poll, personal({ extra: { your_choices: [], option_order: [2, 0, 1] } }));
    render(<Respond activity={view} submit={submit} secondsLeft={null} />);
    expect(screen.getAllByRole("radio").map((r) => r.parentElement?.textContent)).toEqual(["Blue", "Red", "Green"]);
    await userEvent.click(screen.getByLabelText("Red"));
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(submit).toHaveBeenCalledWith({ choices: [0] });
  });

  it("marks the participant's own choice in the shared bars, and says the answer was received", () => {
    const { Results, answered } = activityUI("poll");
    const view = merged(poll, personal({ accepting_answers: false, extra: { your_choices: [1] } }, [answer({ choices: [1] })]));
    expect(view.accepting_answers).toBe(false);
    expect(answered(view)).toBe(true);
    const { container } = render(<Results activity={view} role="participant" />);
    const highlighted = [...container.querySelectorAll(".bar.highlight")].map((b) => b.textContent);
    expect(highlighted).toHaveLength(1);
    expect(highlighted[0]).toContain("Green");
    expect(poll.activity?.display[0]).toEqual(bars); // the shared document is untouched
  });

  it("highlights nothing for a participant who has not answered", () => {
    const { Results, answered } = activityUI("poll");
    const view = merged(poll, personal({ extra: { your_choices: [] } }));
    expect(answered(view)).toBe(false);
    const { container } = render(<Results activity={view} role="participant" />);
    expect(container.querySelectorAll(".bar.highlight")).toHaveLength(0);
  });
});

describe("planning poker", () => {
  const poker = shared({
    type: "poker",
    phase: "voting",
    config: { cards: ["1", "2", "3", "5"], current_item: { title: "Login page" } },
    extra: {},
  });

  it("shows the participant's own card from the personal document", () => {
    const { Respond, answered } = activityUI("poker");
    const view = merged(poker, personal({ extra: { your_card: "5" } }, [answer({ card: "5" }, "item0-r1")]));
    expect(answered(view)).toBe(true);
    render(<Respond activity={view} submit={vi.fn()} secondsLeft={null} />);
    expect(screen.getByRole("button", { name: "Card 5" })).toHaveAttribute("aria-pressed", "true");
  });

  it("has nothing picked for someone who has not voted", () => {
    const { answered } = activityUI("poker");
    expect(answered(merged(poker, personal({ extra: { your_card: null } })))).toBe(false);
  });
});

describe("word cloud", () => {
  const cloud = shared({
    type: "wordcloud",
    phase: "collecting",
    config: { prompt: "One word", entries_per_participant: 2, max_length: 25 },
    display: [{ kind: "cloud", title: "One word", words: [{ text: "python", weight: 2 }] }],
  });

  it("lists the participant's own entries and closes the form when none is left", () => {
    const { Results, answered } = activityUI("wordcloud");
    const mine = [answer({ text: "python" }, "e0"), answer({ text: "rust" }, "e1")];
    const view = merged(cloud, personal({ accepting_answers: false, extra: { your_entries: ["python", "rust"], entries_left: 0 } }, mine));
    expect(view.accepting_answers).toBe(false);
    expect(answered(view)).toBe(true);
    render(<Results activity={view} role="participant" />);
    const list = screen.getByRole("region", { name: "Your entries" });
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["python", "rust"]);
  });
});

describe("quiz", () => {
  const revealed = shared({
    type: "quiz",
    phase: "revealed",
    config: { question_count: 2, current: { index: 0, kind: "single", text: "2+2?", options: ["3", "4"], correct: 1 } },
    accepting_answers: false,
    display: [{ kind: "stats", title: null, stats: [{ label: "Correct", value: "1 of 2", highlight: false }] }],
  });
  const verdict = (correct: boolean, points: number) =>
    personal({
      accepting_answers: false,
      extra: { answered: true, correct, points, score: points, rank: correct ? 1 : 2, streak: correct ? 1 : 0, correct_answers: correct ? 1 : 0 },
      display: [{ kind: "stats", title: null, stats: [{ label: "You", value: correct ? "Correct" : "Wrong", highlight: correct }] }],
    });

  it("says 'Correct!' with the points, score and rank after the reveal", () => {
    const { Results } = activityUI("quiz");
    render(<Results activity={merged(revealed, verdict(true, 875))} role="participant" />);
    const card = screen.getByRole("status");
    expect(card).toHaveTextContent("Correct!");
    expect(card).toHaveTextContent("+875 points · total 875 · rank 1");
    expect(screen.getByText("1 of 2")).toBeInTheDocument(); // the shared blocks stay
    expect(screen.getByText("You")).toBeInTheDocument(); // the personal block follows them
  });

  it("says 'Not this time' to someone who got it wrong, from the same shared document", () => {
    const { Results } = activityUI("quiz");
    render(<Results activity={merged(revealed, verdict(false, 0))} role="participant" />);
    expect(screen.getByRole("status")).toHaveTextContent("Not this time");
  });

  it("highlights the participant's own row of the shared leaderboard", () => {
    const { Results } = activityUI("quiz");
    const rows = [
      { rank: 1, name: "Ana", score: 875, detail: null, highlight: false },
      { rank: 2, name: "Ben", score: 0, detail: null, highlight: false },
    ];
    const board = shared({ type: "quiz", phase: "leaderboard", config: { question_count: 2, current: null }, display: [{ kind: "leaderboard", title: "Leaderboard", rows }] });
    const ben = personal({ extra: { answered: true, nickname: "Ben", correct: false, points: 0, score: 0, rank: 2 } });
    const { container } = render(<Results activity={merged(board, ben)} role="participant" />);
    expect([...container.querySelectorAll(".leaderboard-list .highlight .name")].map((n) => n.textContent)).toEqual(["Ben"]);
  });

  it("knows the open question was answered from the personal document", () => {
    const { answered } = activityUI("quiz");
    const open = shared({ type: "quiz", phase: "question", config: { question_count: 2, current: { index: 0, kind: "true_false", text: "Sky is blue" } } });
    const done = merged(open, personal({ accepting_answers: false, extra: { answered: true } }, [answer({ question: 0, value: true }, "q0")]));
    expect(answered(done)).toBe(true);
    expect(done.accepting_answers).toBe(false);
    const waiting = merged(open, personal({ extra: { answered: false } }));
    expect(answered(waiting)).toBe(false);
    expect(waiting.accepting_answers).toBe(true);
  });
});
