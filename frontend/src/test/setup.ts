import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import { showLanguage } from "../i18n";
import { resetLanguagePreference } from "../i18n/preference";

// findBy*/waitFor wait up to 5 s (testing-library's 1 s failed lazily loaded forms on a busy
// machine): they return as soon as the condition holds, so a quiet run is no slower.
configure({ asyncUtilTimeout: 5000 });

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
