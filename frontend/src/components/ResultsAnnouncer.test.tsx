import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ResultsAnnouncer } from "./ResultsAnnouncer";

describe("ResultsAnnouncer", () => {
  it("announces results once when they appear, and not when they were there from the start", () => {
    const { rerender } = render(<ResultsAnnouncer shown={false} />);
    const region = screen.getByTestId("results-announcer");
    expect(region).toHaveAttribute("aria-live", "polite");
    expect(region).toHaveTextContent("");
    rerender(<ResultsAnnouncer shown />);
    expect(region).toHaveTextContent("Results are shown below.");
    rerender(<ResultsAnnouncer shown={false} />);
    expect(region).toHaveTextContent("");
  });

  it("announces a reveal of results that were there already (poker's cards), and again next round", () => {
    const { rerender } = render(<ResultsAnnouncer shown revealed={false} />);
    const region = screen.getByTestId("results-announcer");
    expect(region).toHaveTextContent("");
    rerender(<ResultsAnnouncer shown revealed />);
    expect(region).toHaveTextContent("Results are shown below.");
    rerender(<ResultsAnnouncer shown revealed={false} />);
    expect(region).toHaveTextContent("");
    rerender(<ResultsAnnouncer shown revealed />);
    expect(region).toHaveTextContent("Results are shown below.");
  });

  it("stays silent for results shown on arrival", () => {
    render(<ResultsAnnouncer shown />);
    expect(screen.getByTestId("results-announcer")).toHaveTextContent("");
  });
});
