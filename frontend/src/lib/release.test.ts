import { afterEach, describe, expect, it, vi } from "vitest";
import { loadedRelease, noteRelease, RELOAD_PAUSE_MS, resetRelease } from "./release";

const from = (release?: string) => new Headers(release ? { "X-Caja-Release": release } : {});

describe("the web app follows the server's release", () => {
  afterEach(() => {
    resetRelease();
    sessionStorage.clear();
  });

  it("remembers the first release and reloads once when another one answers", () => {
    const reload = vi.fn();
    expect(noteRelease(from("0.1.0+aaaa1111"), reload, 1_000_000)).toBe(false);
    expect(noteRelease(from("0.1.0+aaaa1111"), reload, 1_000_000)).toBe(false);
    expect(loadedRelease()).toBe("0.1.0+aaaa1111");
    expect(noteRelease(from("0.2.0+bbbb2222"), reload, 1_000_000)).toBe(true);
    expect(reload).toHaveBeenCalledTimes(1);
    // Further answers while the page reloads start nothing more.
    expect(noteRelease(from("0.3.0"), reload, 1_000_000)).toBe(false);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it("ignores answers without the header (304s from memory, older releases)", () => {
    const reload = vi.fn();
    noteRelease(from("0.1.0"), reload);
    expect(noteRelease(from(), reload)).toBe(false);
    expect(loadedRelease()).toBe("0.1.0");
    expect(reload).not.toHaveBeenCalled();
  });

  it("does not reload back and forth while a switch drains", () => {
    const reload = vi.fn();
    const t = 5_000_000;
    noteRelease(from("blue"), reload, t);
    expect(noteRelease(from("green"), reload, t)).toBe(true);
    // The reloaded page (a fresh module) first meets green, then one of blue's last answers.
    resetRelease();
    noteRelease(from("green"), reload, t + 1_000);
    expect(noteRelease(from("blue"), reload, t + 2_000)).toBe(false);
    expect(reload).toHaveBeenCalledTimes(1);
    // Long after, a real change reloads again.
    expect(noteRelease(from("green"), reload, t + RELOAD_PAUSE_MS + 5_000)).toBe(true);
    expect(reload).toHaveBeenCalledTimes(2);
  });
});
