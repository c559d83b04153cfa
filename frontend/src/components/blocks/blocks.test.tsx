import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DisplayBlocks } from "./DisplayBlocks";

const XSS = "<img src=x onerror=alert(1)>";

describe("display blocks", () => {
  it("draws bars with counts and percentages and marks the highlighted one", () => {
    render(
      <DisplayBlocks
        blocks={[
          {
            kind: "bars",
            title: "Q",
            show: "both",
            total_label: "3 votes",
            bars: [
              { label: "Red", count: 2, percent: 66.7, highlight: true },
              { label: "Blue", count: 1, percent: 33.3, highlight: false },
            ],
          },
        ]}
      />,
    );
    const items = screen.getAllByRole("listitem");
    expect(items[0]).toHaveTextContent("Red2 · 67%");
    expect(within(items[0]!).getByLabelText("correct")).toBeInTheDocument();
    expect(items[1]).toHaveTextContent("Blue1 · 33%");
    expect(screen.getByText("3 votes")).toBeInTheDocument();
  });

  it("shows face-down cards without their value, face-up cards with it", () => {
    const { container } = render(
      <DisplayBlocks
        blocks={[
          {
            kind: "cards",
            title: null,
            cards: [
              { label: "Ana", value: null, face_up: false, highlight: false },
              { label: "Ben", value: "8", face_up: true, highlight: true, note: "outlier" },
            ],
          },
        ]}
      />,
    );
    expect(screen.getByText(": voted")).toBeInTheDocument();
    expect(screen.getByText(": 8")).toBeInTheDocument();
    expect(container.querySelectorAll(".flip-card.face-up")).toHaveLength(1);
    expect(screen.getByText("outlier")).toBeInTheDocument();
  });

  it("ranks a leaderboard and puts the winner in the middle of the podium", () => {
    const rows = [
      { rank: 1, name: "Ana", score: 2000, highlight: false },
      { rank: 2, name: "Eve", score: 1500, highlight: false },
      { rank: 3, name: "Ben", score: 900, highlight: false },
    ];
    const { container } = render(
      <DisplayBlocks
        blocks={[
          { kind: "podium", title: null, places: rows },
          { kind: "leaderboard", title: "Scores", rows },
        ]}
      />,
    );
    const steps = [...container.querySelectorAll(".podium .step .name")].map((n) => n.textContent);
    expect(steps).toEqual(["Eve", "Ana", "Ben"]);
    expect(container.querySelector(".leaderboard-list")).toHaveTextContent("1Ana2,000");
  });

  it("lists the words of a cloud with their weights", () => {
    render(<DisplayBlocks blocks={[{ kind: "cloud", title: null, words: [{ text: "python", weight: 3 }, { text: "go", weight: 1 }] }]} />);
    const list = screen.getByRole("list", { name: "Words" });
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["python: 3", "go: 1"]);
  });

  it("draws tables and stats", () => {
    render(
      <DisplayBlocks
        blocks={[
          { kind: "table", title: "Estimates", columns: ["Item", "Estimate"], rows: [["Login", "5"]] },
          { kind: "stats", title: null, stats: [{ label: "Median", value: "5", highlight: true }] },
        ]}
      />,
    );
    expect(screen.getByRole("columnheader", { name: "Estimate" })).toBeInTheDocument();
    expect(screen.getByRole("cell", { name: "Login" })).toBeInTheDocument();
    expect(screen.getByText("Median")).toBeInTheDocument();
  });

  it("shows hostile text as text", () => {
    const { container } = render(
      <DisplayBlocks
        blocks={[
          { kind: "cloud", title: null, words: [{ text: XSS, weight: 1 }] },
          { kind: "leaderboard", title: null, rows: [{ rank: 1, name: XSS, score: 1, highlight: false }] },
        ]}
      />,
    );
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getAllByText(XSS).length).toBeGreaterThan(0);
  });
});
