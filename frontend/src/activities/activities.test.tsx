import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ActivityTypeInfo } from "../api/types";
import { activity } from "../test/fixtures";
import { activityUI } from "./registry";

const ok = () => vi.fn().mockResolvedValue({ ok: true });

describe("poll", () => {
  const poll = activity({
    type: "poll",
    config: {
      question: "Favourite colour?",
      multiple: false,
      options: [
        { index: 0, text: "Red" },
        { index: 1, text: "Green" },
        { index: 2, text: "Blue" },
      ],
    },
    // shuffled for this participant: the answer must carry the config index, not the position
    extra: { option_order: [2, 0, 1] },
  });

  it("chooses an option by its text and submits its index", async () => {
    const submit = ok();
    const { Respond } = activityUI("poll");
    render(<Respond activity={poll} submit={submit} secondsLeft={null} />);
    expect(screen.getByRole("button", { name: "Submit" })).toBeDisabled();
    await userEvent.click(screen.getByLabelText("Red"));
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(submit).toHaveBeenCalledWith({ choices: [0] });
  });

  it("takes several options in a multiple-choice poll, up to the maximum", async () => {
    const submit = ok();
    const { Respond } = activityUI("poll");
    const multi = activity({ config: { ...poll.config, multiple: true, min_selections: 1, max_selections: 2 } });
    render(<Respond activity={multi} submit={submit} secondsLeft={null} />);
    await userEvent.click(screen.getByLabelText("Blue"));
    await userEvent.click(screen.getByLabelText("Green"));
    await userEvent.click(screen.getByLabelText("Red")); // a third is refused
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(submit).toHaveBeenCalledWith({ choices: [1, 2] });
  });

  it("shows the server's refusal", async () => {
    const submit = vi.fn().mockResolvedValue({ ok: false, message: "The poll is closed" });
    const { Respond } = activityUI("poll");
    render(<Respond activity={poll} submit={submit} secondsLeft={null} />);
    await userEvent.click(screen.getByLabelText("Green"));
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The poll is closed");
  });

  it("edits the options in its config form", async () => {
    const onChange = vi.fn();
    const { Configure, initialConfig } = activityUI("poll");
    const info = { name: "poll" } as ActivityTypeInfo;
    render(<Configure value={initialConfig()} onChange={onChange} typeInfo={info} />);
    await userEvent.click(screen.getByRole("button", { name: "Add option" }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ options: [{ text: "" }, { text: "" }, { text: "" }] }));
  });
});

describe("planning poker", () => {
  const poker = activity({
    type: "poker",
    config: { cards: ["1", "2", "3", "5", "?"], current_item: { title: "Login page" } },
    extra: { your_card: null },
  });

  it("plays a card with one tap", async () => {
    const submit = ok();
    const { Respond, answered } = activityUI("poker");
    render(<Respond activity={poker} submit={submit} secondsLeft={null} />);
    expect(screen.getByText("Login page")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Card 5" }));
    expect(submit).toHaveBeenCalledWith({ card: "5" });
    expect(screen.getByRole("button", { name: "Card 5" })).toHaveAttribute("aria-pressed", "true");
    expect(answered(poker)).toBe(false);
    expect(answered({ ...poker, extra: { your_card: "5" } })).toBe(true);
  });
});

describe("quiz", () => {
  const question = (current: Record<string, unknown>) =>
    activity({ type: "quiz", phase: "question", config: { question_count: 3, current } });

  it("answers a single-choice question with one tap, naming the question", async () => {
    const submit = ok();
    const { Respond } = activityUI("quiz");
    render(<Respond activity={question({ index: 1, kind: "single", text: "2+2?", options: ["3", "4"] })} submit={submit} secondsLeft={12} />);
    await userEvent.click(screen.getByRole("button", { name: "4" }));
    expect(submit).toHaveBeenCalledWith({ question: 1, choice: 1 });
  });

  it("answers true/false, multiple choice and typed questions", async () => {
    const { Respond } = activityUI("quiz");
    let submit = ok();
    const { unmount } = render(<Respond activity={question({ index: 0, kind: "true_false", text: "Sky is blue" })} submit={submit} secondsLeft={5} />);
    await userEvent.click(screen.getByRole("button", { name: "False" }));
    expect(submit).toHaveBeenCalledWith({ question: 0, value: false });
    unmount();

    submit = ok();
    const multi = render(<Respond activity={question({ index: 2, kind: "multiple", text: "Primes?", options: ["2", "4", "5"] })} submit={submit} secondsLeft={5} />);
    await userEvent.click(screen.getByRole("button", { name: "5" }));
    await userEvent.click(screen.getByRole("button", { name: "2" }));
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(submit).toHaveBeenCalledWith({ question: 2, choices: [0, 2] });
    multi.unmount();

    submit = ok();
    render(<Respond activity={question({ index: 0, kind: "type_answer", text: "Capital of France?" })} submit={submit} secondsLeft={5} />);
    await userEvent.type(screen.getByLabelText("Your answer"), " Paris ");
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(submit).toHaveBeenCalledWith({ question: 0, text: "Paris" });
  });

  it("shows the participant's final score and rank", () => {
    const { Results } = activityUI("quiz");
    render(<Results activity={activity({ type: "quiz", phase: "finished", extra: { score: 2100, rank: 2, correct_answers: 3 } })} role="participant" />);
    expect(screen.getByTestId("final-score")).toHaveTextContent("2,100");
    expect(screen.getByTestId("final-rank")).toHaveTextContent("2");
  });

  it("tells rounds apart by question", () => {
    const { roundKey, answered } = activityUI("quiz");
    const q1 = question({ index: 0, kind: "true_false", text: "a" });
    const q2 = question({ index: 1, kind: "true_false", text: "b" });
    expect(roundKey(q1)).not.toBe(roundKey(q2));
    expect(answered({ ...q1, extra: { answered: true } })).toBe(true);
    expect(answered({ ...q1, phase: "finished", extra: { answered: true } })).toBe(false);
  });

  it("builds questions with their correct answers in its config form", async () => {
    const onChange = vi.fn();
    const { Configure, initialConfig } = activityUI("quiz");
    render(<Configure value={initialConfig()} onChange={onChange} typeInfo={{ name: "quiz" } as ActivityTypeInfo} />);
    await userEvent.click(screen.getByLabelText("Option 2 is correct"));
    const config = onChange.mock.lastCall![0] as { questions: { correct: number }[] };
    expect(config.questions[0]!.correct).toBe(1);
  });
});

describe("word cloud", () => {
  const cloud = activity({
    type: "wordcloud",
    config: { prompt: "One word", entries_per_participant: 2, max_length: 25 },
    your_answers: [{ slot: "e0", data: { text: "python" }, submitted_at: "2026-01-01T00:00:00Z" }],
  });

  it("sends an entry, clears the field and counts what is left", async () => {
    const submit = ok();
    const { Respond } = activityUI("wordcloud");
    render(<Respond activity={cloud} submit={submit} secondsLeft={null} />);
    expect(screen.getByText("1 of 2 entries left")).toBeInTheDocument();
    const input = screen.getByLabelText("One word");
    await userEvent.type(input, "rust{Enter}");
    expect(submit).toHaveBeenCalledWith({ text: "rust" });
    await waitFor(() => expect(input).toHaveValue(""));
  });

  it("keeps the entry when it is refused", async () => {
    const submit = vi.fn().mockResolvedValue({ ok: false, message: "'darn' can't go on the screen" });
    const { Respond } = activityUI("wordcloud");
    render(<Respond activity={cloud} submit={submit} secondsLeft={null} />);
    await userEvent.type(screen.getByLabelText("One word"), "darn{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("can't go on the screen");
    expect(screen.getByLabelText("One word")).toHaveValue("darn");
  });
});

describe("word cloud moderation", () => {
  it("hides and unhides entries from the console", async () => {
    const runAction = vi.fn().mockResolvedValue(undefined);
    const { AdminControls } = activityUI("wordcloud");
    const results = { entries: [{ text: "python", count: 2, hidden: false }, { text: "darn", count: 1, hidden: true }] };
    render(<>{AdminControls && <AdminControls activity={activity({ type: "wordcloud", results })} runAction={runAction} />}</>);
    await userEvent.click(screen.getByRole("button", { name: "Hide “python”" }));
    expect(runAction).toHaveBeenCalledWith("hide", { entry: "python" });
    await userEvent.click(screen.getByRole("button", { name: "Show “darn” again" }));
    expect(runAction).toHaveBeenCalledWith("unhide", { entry: "darn" });
  });
});

describe("a type with no JavaScript of its own", () => {
  const info = {
    name: "rating",
    title: "Rating",
    description: "",
    plugin: { name: "rating", distribution: null, version: null },
    actions: [],
    web_component: null,
    language: "en",
    config_schema: { type: "object", properties: { question: { type: "string", title: "Question" } }, required: ["question"] },
    answer_schema: {
      type: "object",
      properties: { value: { type: "integer", title: "Value", minimum: 1, maximum: 5 } },
      required: ["value"],
    },
  } satisfies ActivityTypeInfo;

  it("gets an answer form generated from its JSON Schema", async () => {
    const submit = ok();
    const { Respond, custom } = activityUI("rating", info);
    expect(custom).toBe(false);
    render(<Respond activity={activity({ type: "rating" })} typeInfo={info} submit={submit} secondsLeft={null} />);
    const field = await screen.findByLabelText(/Value/);
    await userEvent.type(field, "9");
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(submit).not.toHaveBeenCalled(); // 9 > maximum: refused in the browser
    await userEvent.clear(field);
    await userEvent.type(field, "4");
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    await waitFor(() => expect(submit).toHaveBeenCalledWith({ value: 4 }));
  });

  it("gets a config form generated from its JSON Schema", async () => {
    const onChange = vi.fn();
    const { Configure } = activityUI("rating", info);
    render(<Configure value={{}} onChange={onChange} typeInfo={info} />);
    await userEvent.type(await screen.findByLabelText(/Question/), "How was it?");
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith({ question: "How was it?" }));
  });

  it("draws its results from display blocks", () => {
    const { Results } = activityUI("rating", info);
    render(
      <Results
        activity={activity({ type: "rating", display: [{ kind: "stats", title: null, stats: [{ label: "Average", value: "4.2", highlight: false }] }] })}
        role="presenter"
      />,
    );
    expect(screen.getByText("Average")).toBeInTheDocument();
    expect(screen.getByText("4.2")).toBeInTheDocument();
  });

  it("loads the type's web component when it ships one", () => {
    const ui = activityUI("fancy", { ...info, name: "fancy", web_component: "/plugins/fancy.js" });
    expect(ui.custom).toBe(true);
  });
});
