import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import { showLanguage } from "../i18n";
import { resetLanguagePreference } from "../i18n/preference";

// Tests read English unless they switch (jsdom's browser language is en-US).
beforeEach(async () => {
  await showLanguage("en");
});

afterEach(() => {
  cleanup();
  localStorage.clear();
  resetLanguagePreference();
});

// jsdom has no canvas; the word cloud then flows its words as sized text.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
